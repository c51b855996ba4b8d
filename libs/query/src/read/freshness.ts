import type { StoredProjectionDoc } from '@touchpoint/read-models';

/** How current the served data is (docs/agent-api.md). */
export interface Freshness {
  readonly model: string;
  readonly version: string;
  /** Log position of the last event applied to the document served; null without a document. */
  readonly position: { readonly partition: number; readonly offset: string } | null;
  readonly occurredAt: string | null;
  /** How far the model's consumer is behind the head of the events log; null when unknown. */
  readonly lagMs: number | null;
}

export function freshnessOf(
  model: string,
  version: string,
  doc: Pick<StoredProjectionDoc, 'last'> | undefined,
  lagMs: number | null,
): Freshness {
  const last = doc?.last;
  return {
    model,
    version,
    position: last ? { partition: last.partition, offset: last.offset } : null,
    occurredAt: last?.occurredAt ?? null,
    lagMs,
  };
}
