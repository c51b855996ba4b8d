import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import {
  EXAMPLE_EVENTS,
  type EventType,
  type RecordedEvent,
  validateRecordedEvent,
} from '@touchpoint/contracts';
import { DEFAULT_CONTACT_PREFERENCE_POLICY } from '@touchpoint/projections';
import { contentDigest, diffVersions, instantiate } from '@touchpoint/projector';
import { modelKind } from '@touchpoint/read-models';

let n = 0;
function ev(type: EventType, customerId: string, payload: Record<string, unknown> = {}) {
  n += 1;
  const base = JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as Record<string, unknown>;
  const verdict = validateRecordedEvent({
    ...base,
    eventId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    customerId,
    anonymousId: undefined,
    occurredAt: '2026-03-01T18:00:00+00:00',
    receivedAt: '2026-03-01T18:00:01.000Z',
    source: 'test',
    correlationId: 'c',
    payload: { ...(base.payload as Record<string, unknown>), ...payload },
  });
  if (!verdict.ok) throw new Error(JSON.stringify(verdict.violations));
  return verdict.event;
}

describe('diff of two versions of a model', () => {
  it('given one policy change, then counts match, the changed fields are named and the distribution shift is shown', async () => {
    const kind = modelKind('contactpreference');
    const store = new EmbeddedReadModelStore();
    const events: RecordedEvent[] = ['c-1', 'c-2', 'c-3'].flatMap((c, i) => [
      ev('email.sent', c, { messageId: `m-${i}` }),
      ev('email.opened', c, { messageId: `m-${i}` }),
      ev('web.visited', c),
    ]);
    const positioned = events.map((event, i) => ({
      event,
      position: { partition: 0, offset: String(i) },
    }));
    const lenient = { ...DEFAULT_CONTACT_PREFERENCE_POLICY, minEvidence: 1 };
    const strict = { ...DEFAULT_CONTACT_PREFERENCE_POLICY, minEvidence: 50 };
    await instantiate(kind, 'v1', lenient).runner(store).apply(positioned);
    await instantiate(kind, 'v2', strict).runner(store).apply(positioned);

    const d = await diffVersions(
      store,
      kind,
      {
        version: 'v1',
        collection: 'contactpreference_v1',
        policy: lenient,
      },
      { version: 'v2', collection: 'contactpreference_v2', policy: strict },
      { sample: 10, asOf: new Date('2026-04-01T00:00:00Z') },
    );
    // Same code and events: the stored states are identical; only the policy read differs.
    expect(d.a.digest).toBe(d.b.digest);
    expect(d.a.digest).toBe((await contentDigest(store, 'contactpreference_v1')).digest);
    expect([d.a.documents, d.b.documents, d.onlyInA, d.onlyInB, d.common]).toEqual([3, 3, 0, 0, 3]);
    expect(d.fields.map((f) => [f.path, f.differing])).toEqual([['preferredChannel', 3]]);
    expect(d.fields[0]!.example).toMatchObject({ a: 'email', b: null });
    expect(d.distributions.find((x) => x.facet === 'preferredChannel')?.rows).toEqual([
      { value: '(none)', a: 0, b: 3 },
      { value: 'email', a: 3, b: 0 },
    ]);
  });
});
