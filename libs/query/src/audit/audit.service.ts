import { randomUUID } from 'node:crypto';
import type { AuditSink } from '@touchpoint/config';
import type { ReadModelStore } from '@touchpoint/ports';
import type { Principal } from '../auth/jwt';
import type { PiiField } from '../domain/masking';

/** One read of customer data: who, when, which customers, which personal fields in clear. */
export interface AuditRecord extends Record<string, unknown> {
  readonly audit: 'profile_read';
  readonly at: string;
  readonly sub: string;
  readonly role: string;
  /** The route's use case, e.g. `customer360`, `search`, `timeline`. */
  readonly action: string;
  readonly customerIds: readonly string[];
  readonly unmasked: readonly PiiField[];
  readonly correlationId: string | null;
}

export interface AuditEntry {
  readonly principal: Principal;
  readonly action: string;
  readonly customerIds: readonly string[];
  readonly unmasked: readonly PiiField[];
  readonly at: Date;
  readonly correlationId: string | null;
}

/**
 * The audit trail of profile reads. JSON lines go to stdout whatever LOG_LEVEL says (a log
 * level must not switch auditing off); with `store`, each record is also a document in the
 * audit collection. The write is awaited before the data is returned: no record, no answer.
 */
export class AuditService {
  constructor(
    private readonly sink: AuditSink,
    private readonly store: ReadModelStore,
    private readonly collection: string,
    private readonly writeLine: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const record: AuditRecord = {
      audit: 'profile_read',
      at: entry.at.toISOString(),
      sub: entry.principal.sub,
      role: entry.principal.role,
      action: entry.action,
      customerIds: entry.customerIds,
      unmasked: entry.unmasked,
      correlationId: entry.correlationId,
    };
    if (this.sink === 'log' || this.sink === 'log+store') {
      this.writeLine(JSON.stringify({ time: record.at, level: 'audit', ...record }));
    }
    if (this.sink === 'store' || this.sink === 'log+store') {
      await this.store.writeVersioned(this.collection, [
        { id: randomUUID(), doc: record, version: 1 },
      ]);
    }
  }
}
