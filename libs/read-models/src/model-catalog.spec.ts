import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { ModelCatalog } from './model-catalog';
import { modelKind } from './model-kinds';

const entry = (version: string, status: 'building' | 'live' | 'frozen') => ({
  version,
  status,
  createdAt: '2026-11-01T00:00:00.000Z',
});

function catalog() {
  return new ModelCatalog(new EmbeddedReadModelStore(), (m) => modelKind(m).liveByDefault);
}

describe('model catalog: versions, statuses and the active pointer', () => {
  it('given a live model never touched, then it is served from v1', async () => {
    expect(await catalog().activeCollection('loyalty')).toEqual({
      version: 'v1',
      collection: 'loyalty_v1',
    });
  });

  it('given a replay-only model, then it has no active version until one is promoted', async () => {
    const c = catalog();
    await expect(c.activeCollection('contactpreference')).rejects.toThrow(/no active version/);
    await c.register('contactpreference', entry('v1', 'live'));
    await c.promote('contactpreference', 'v1');
    expect((await c.activeCollection('contactpreference')).collection).toBe('contactpreference_v1');
    expect((await c.pointer('contactpreference'))?.previous).toBeUndefined();
  });

  it('given a version still building, then promote refuses it; once live, promote and rollback switch', async () => {
    const c = catalog();
    await c.register('loyalty', entry('v2', 'building'));
    await expect(c.promote('loyalty', 'v2')).rejects.toThrow(/still being built/);
    await c.update('loyalty', 'v2', { status: 'live' });
    await c.promote('loyalty', 'v2');
    expect(await c.activeVersion('loyalty')).toBe('v2');
    await c.rollback('loyalty');
    expect(await c.activeVersion('loyalty')).toBe('v1');
  });

  it('given a frozen as-of version, then promote refuses it unless forced', async () => {
    const c = catalog();
    await c.register('loyalty', {
      ...entry('v2', 'frozen'),
      asOf: { until: '2026-03-31T23:59:59.000Z', time: 'event' as const },
    });
    await expect(c.promote('loyalty', 'v2')).rejects.toMatchObject({
      code: 'version_frozen',
      message: expect.stringMatching(
        /frozen as of 2026-03-31T23:59:59.000Z \(event time\).*--force/,
      ),
    });
    expect(await c.activeVersion('loyalty')).toBe('v1');
    await c.promote('loyalty', 'v2', { force: true });
    expect(await c.activeVersion('loyalty')).toBe('v2');
  });

  it('given a rollback, then a second one is refused naming the active version and the promote that switches back', async () => {
    const c = catalog();
    await c.register('loyalty', entry('v2', 'live'));
    await c.promote('loyalty', 'v2');
    await c.rollback('loyalty');
    await expect(c.rollback('loyalty')).rejects.toMatchObject({
      code: 'already_rolled_back',
      message: expect.stringMatching(/v1 is active.*touchpoint promote loyalty v2/),
    });
    expect(await c.activeVersion('loyalty')).toBe('v1');
    // A promote starts a new history: it can be rolled back again.
    await c.promote('loyalty', 'v2');
    await c.rollback('loyalty');
    expect(await c.activeVersion('loyalty')).toBe('v1');
  });

  it('given the active version, then it cannot be dropped; another one can', async () => {
    const c = catalog();
    await c.register('loyalty', entry('v2', 'frozen'));
    await expect(c.forget('loyalty', 'v1')).rejects.toThrow(/active version/);
    const after = await c.forget('loyalty', 'v2');
    expect(after.versions.map((v) => v.version)).toEqual(['v1']);
  });

  it('given an unknown version, then update names the known ones', async () => {
    await expect(catalog().update('loyalty', 'v9', { status: 'live' })).rejects.toThrow(
      /no version v9; known: v1/,
    );
  });
});
