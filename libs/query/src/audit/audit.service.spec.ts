import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import type { Principal } from '../auth/jwt';
import { AuditService } from './audit.service';

const agent = { sub: 'agent-1', role: 'agent', pii: false } as unknown as Principal;
const clock = () => new Date('2026-03-01T10:00:00.000Z');

/** The embedded store, counting writes and able to fail them. */
class CountingStore extends EmbeddedReadModelStore {
  calls = 0;
  failing = false;
  override async writeVersioned(...args: Parameters<EmbeddedReadModelStore['writeVersioned']>) {
    this.calls++;
    await new Promise((r) => setTimeout(r, 5));
    if (this.failing) throw new Error('store down');
    return super.writeVersioned(...args);
  }
}

describe('AuditService with the store sink', () => {
  it('given many concurrent profile reads, when each resolves, then its record is already stored and the records shared a few writes', async () => {
    // Given
    const store = new CountingStore();
    const audit = new AuditService('store', store, 'audit_log', clock, () => undefined);
    // When
    const reads = Array.from({ length: 20 }, (_, i) =>
      audit.profileRead(agent, 'customer360', [`c${i}`]).then(async () => {
        const rows = await store.page<{ customerIds: string[] }>('audit_log', { limit: 100 });
        return rows.some((r) => r.doc.customerIds[0] === `c${i}`);
      }),
    );
    // Then
    expect(await Promise.all(reads)).toEqual(reads.map(() => true));
    expect(await store.count('audit_log')).toBe(20);
    expect(store.calls).toBeLessThanOrEqual(2);
  });

  it('given the store fails, when profiles are read, then every read of that write fails and none is answered', async () => {
    // Given
    const store = new CountingStore();
    store.failing = true;
    const audit = new AuditService('store', store, 'audit_log', clock, () => undefined);
    // When
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((i) => audit.profileRead(agent, 'search', [`c${i}`])),
    );
    // Then
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    store.failing = false;
    await audit.profileRead(agent, 'search', ['c4']);
    expect(await store.count('audit_log')).toBe(1);
  });
});

describe('AuditService with the log sink', () => {
  it('given many concurrent profile reads, when each resolves, then its line is already written and the lines shared one write', async () => {
    // Given
    const writes: string[] = [];
    const audit = new AuditService('log', new EmbeddedReadModelStore(), 'audit_log', clock, (t) =>
      writes.push(t),
    );
    // When
    const reads = Array.from({ length: 20 }, (_, i) =>
      audit
        .profileRead(agent, 'customer360', [`c${i}`])
        .then(() => writes.join('').includes(`"customerIds":["c${i}"]`)),
    );
    // Then
    expect(await Promise.all(reads)).toEqual(reads.map(() => true));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(
      reads.map(() => 'audit'),
    );
  });

  it('given stdout fails, when profiles are read, then none is answered', async () => {
    // Given
    const audit = new AuditService('log', new EmbeddedReadModelStore(), 'audit_log', clock, () => {
      throw new Error('EPIPE');
    });
    // When
    const outcomes = await Promise.allSettled(
      [1, 2].map((i) => audit.profileRead(agent, 'search', [`c${i}`])),
    );
    // Then
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
