import type { MongoReadModelStore } from '@touchpoint/adapters';
import type { RecordedEvent } from '@touchpoint/contracts';
import { type CustomerBasketsState, basketStats } from '@touchpoint/projections';
import {
  type OracleLimit,
  canonical,
  firstDifference,
  oracleFold,
  readTopic,
  storedStates,
} from '@touchpoint/testing';

/** The acknowledged events as the log holds them (ingest stamps receivedAt and source). */
export interface LoggedAcknowledged {
  /** In log order per partition, each event id once (its first position). */
  readonly events: RecordedEvent[];
  /** Acknowledged, yet nowhere in the log: lost before the projector could see them. */
  readonly missingFromLog: string[];
  /** Event ids in the log that nobody was told were accepted (should be none after settling). */
  readonly unacknowledgedInLog: number;
}

export async function acknowledgedInLog(
  brokers: string,
  topic: string,
  acknowledged: ReadonlySet<string>,
): Promise<LoggedAcknowledged> {
  const records = await readTopic(brokers, topic);
  const seen = new Set<string>();
  const events: RecordedEvent[] = [];
  let unacknowledged = 0;
  // Per partition in offset order: a document's events all share a partition (key = customer).
  records.sort((a, b) => a.record.partition - b.record.partition);
  for (const { event } of records) {
    if (!event || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    if (acknowledged.has(event.eventId)) events.push(event);
    else unacknowledged++;
  }
  return {
    events,
    missingFromLog: [...acknowledged].filter((id) => !seen.has(id)),
    unacknowledgedInLog: unacknowledged,
  };
}

/** How the read models compare with the oracle fold of the acknowledged events. */
export interface OracleComparison {
  readonly expectedDocuments: number;
  readonly storedDocuments: number;
  /** Documents (of every live model) missing, extra, or with another state than the oracle's. */
  readonly differingDocuments: number;
  /** Acknowledged events the customer360 documents have applied. */
  readonly folded: number;
  /** Acknowledged events the oracle applies and the stored documents do not. */
  readonly lost: number;
  /** Purchases counted more often than they were acknowledged (crosssell baskets). */
  readonly doubleCounted: number;
  readonly firstDifference?: string;
}

type Expected = Map<string, Map<string, unknown>>;

export function oracleOf(events: readonly RecordedEvent[], limit?: OracleLimit): Expected {
  return oracleFold(events, limit);
}

/** customer360 files every applied event under its id (within the bounds the workload keeps). */
function appliedEventIds(state: unknown): string[] {
  const events = (state as { events?: Record<string, unknown> }).events;
  return events ? Object.keys(events) : [];
}

function baskets(state: unknown): number {
  return basketStats(state as CustomerBasketsState).baskets;
}

export async function compareWithOracle(
  store: MongoReadModelStore,
  expected: Expected,
): Promise<OracleComparison> {
  let expectedDocuments = 0;
  let storedDocuments = 0;
  let differing = 0;
  let first: string | undefined;
  let folded = 0;
  let lost = 0;
  let doubleCounted = 0;
  for (const [collection, states] of expected) {
    const stored = await storedStates(store, collection);
    expectedDocuments += states.size;
    storedDocuments += stored.size;
    for (const key of new Set([...stored.keys(), ...states.keys()])) {
      const a = stored.get(key);
      const b = states.get(key);
      if (canonical(a) === canonical(b)) continue;
      differing++;
      first ??= `${collection}/${key}: ${firstDifference(a ?? null, b ?? null)}`;
    }
    if (collection.startsWith('customer360')) {
      const storedIds = new Set([...stored.values()].flatMap(appliedEventIds));
      const oracleIds = new Set([...states.values()].flatMap(appliedEventIds));
      for (const id of oracleIds) {
        if (storedIds.has(id)) folded++;
        else lost++;
      }
    }
    if (collection.startsWith('crosssell')) {
      const storedBaskets = [...stored.values()].reduce<number>((n, s) => n + baskets(s), 0);
      const oracleBaskets = [...states.values()].reduce<number>((n, s) => n + baskets(s), 0);
      doubleCounted += Math.max(0, storedBaskets - oracleBaskets);
    }
  }
  return {
    expectedDocuments,
    storedDocuments,
    differingDocuments: differing,
    folded,
    lost,
    doubleCounted,
    ...(first ? { firstDifference: first.slice(0, 600) } : {}),
  };
}
