import type { RecordedEvent } from '@touchpoint/contracts';
import { LIVE_MODELS, type RegisteredModel } from '@touchpoint/projector';
import { type StoredProjectionDoc } from '@touchpoint/read-models';
import type { ReadModelStore } from '@touchpoint/ports';
import { eventually } from './helpers';

/** Key order is an artefact of how a state was built; compare content only. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
  }
  return `${path}: stored ${canonical(a)?.slice(0, 300)} vs oracle ${canonical(b)?.slice(0, 300)}`;
}

/** The oracle: one model's pure functions folded in memory, per document key, in list order, each event once. */
/**
 * With `maxStateBytes` the rule PROJECTOR_MAX_DOCUMENT_KB states, stated again: in log order,
 * an event that would take a document's state (its JSON) past the limit is not folded, and
 * `refused` hears of it.
 */
export interface OracleLimit {
  readonly maxStateBytes: number;
  readonly refused?: (collection: string, key: string, event: RecordedEvent) => void;
}

export function oracleFoldModel(
  model: RegisteredModel,
  events: readonly RecordedEvent[],
  limit?: OracleLimit,
): Map<string, unknown> {
  const { projection, policy } = model;
  const states = new Map<string, unknown>();
  events.forEach((event, i) => {
    for (const key of projection.keys(event)) {
      const state = states.get(key) ?? projection.initial(key);
      const next = projection.evolve(
        state,
        { event, position: { partition: 0, offset: String(i) } },
        key,
        policy,
      );
      // JSON round trip: the stored documents went through it too.
      const json = JSON.stringify(next);
      if (limit && Buffer.byteLength(json) > limit.maxStateBytes) {
        limit.refused?.(model.collection, key, event);
        states.set(key, state);
        continue;
      }
      states.set(key, JSON.parse(json));
    }
  });
  return states;
}

/** The live models' oracle: collection name → document key → state. */
export function oracleFold(
  events: readonly RecordedEvent[],
  limit?: OracleLimit,
): Map<string, Map<string, unknown>> {
  return new Map(
    LIVE_MODELS.map((model) => [model.collection, oracleFoldModel(model, events, limit)]),
  );
}

/**
 * Waits until every document of `expected` is stored with exactly the oracle's state; on
 * timeout, names one differing document rather than only the timeout.
 */
export async function awaitOracle(
  store: ReadModelStore,
  expected: Map<string, Map<string, unknown>>,
  { timeoutMs = 240000, label = 'oracle' } = {},
): Promise<void> {
  const started = Date.now();
  for (const [collection, states] of expected) {
    await eventually(
      async () => {
        const docs = await store.getMany<StoredProjectionDoc>(collection, [...states.keys()]);
        if (docs.size !== states.size) return undefined;
        for (const [key, state] of states) {
          if (canonical(JSON.parse(docs.get(key)!.state)) !== canonical(state)) return undefined;
        }
        process.stderr.write(
          `[${label}] ${collection} equals the oracle after ${Date.now() - started} ms\n`,
        );
        return true;
      },
      { what: `${collection} to equal the oracle`, timeoutMs, intervalMs: 1000 },
    ).catch(async (e: unknown) => {
      const docs = await store.getMany<StoredProjectionDoc>(collection, [...states.keys()]);
      const diffs = [...states]
        .map(
          ([k, st]) => [k, firstDifference(JSON.parse(docs.get(k)?.state ?? 'null'), st)] as const,
        )
        .filter(([, d]) => d !== undefined);
      const missing = [...states.keys()].filter((k) => !docs.has(k));
      throw new Error(
        `${String(e)}; ${docs.size}/${states.size} documents stored, missing ${missing.slice(0, 5).join(', ')}; ${diffs.length} differ, first ${diffs[0]?.[0]} at ${diffs[0]?.[1]}`,
      );
    });
  }
}
