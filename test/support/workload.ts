import {
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  type EventType,
  type RecordedEvent,
  validateRecordedEvent,
} from '@touchpoint/contracts';

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same workload. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const WEIGHTS: Partial<Record<EventType, number>> = {
  'purchase.completed': 30,
  'web.visited': 20,
  'email.sent': 8,
  'email.opened': 5,
  'call.logged': 5,
  'complaint.opened': 3,
  'complaint.resolved': 3,
  'feedback.submitted': 3,
  'customer.profile_updated': 3,
  'loyalty.points_redeemed': 2,
  'customer.identified': 2,
  'purchase.refunded': 1,
};

export interface WorkloadOptions {
  readonly seed: number;
  readonly events: number;
  readonly customers: number;
  /** Event times fall in the `days` before this instant. */
  readonly until: Date;
  readonly days: number;
  /**
   * Sets this workload's customers, visitors and business ids apart from another one's (two
   * workloads with the same namespace share order ids and visitor ids, which links customers).
   */
  readonly namespace?: string;
}

/**
 * A reproducible mix of valid recorded events built from the documented examples, with fresh
 * ids, customers from a pool, and event times spread over a period. Used by tests that compare
 * the projector against an in-memory oracle, and by benchmarks.
 */
export function workload(options: WorkloadOptions): RecordedEvent[] {
  const rand = prng(options.seed);
  const types = EVENT_TYPES.filter((t) => (WEIGHTS[t] ?? 0) > 0);
  const total = types.reduce((n, t) => n + (WEIGHTS[t] ?? 0), 0);
  const pick = (): EventType => {
    let r = rand() * total;
    for (const t of types) {
      r -= WEIGHTS[t] ?? 0;
      if (r <= 0) return t;
    }
    return types[0]!;
  };
  const out: RecordedEvent[] = [];
  const registered = new Set<string>();
  for (let n = 0; out.length < options.events; n++) {
    const ns = options.namespace ?? '';
    const customerId = `c-${ns}w${Math.floor(rand() * options.customers)}`;
    const type: EventType = registered.has(customerId) ? pick() : 'customer.registered';
    registered.add(customerId);
    const raw = JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as Record<string, unknown>;
    const occurredAt = new Date(
      options.until.getTime() - Math.floor(rand() * options.days * 86400_000),
    );
    raw.eventId = uuid(rand);
    raw.customerId = customerId;
    raw.occurredAt = occurredAt.toISOString().replace('Z', '+00:00');
    if (type === 'customer.identified') raw.anonymousId = `v-${ns}w${n}`;
    else delete raw.anonymousId;
    uniquifyIds(raw.payload, `${ns}${n}`, customerId);
    const candidate = {
      ...raw,
      receivedAt: new Date(occurredAt.getTime() + 1000).toISOString(),
      source: 'workload',
      correlationId: `w-${n}`,
    };
    const verdict = validateRecordedEvent(candidate);
    if (!verdict.ok)
      throw new Error(`workload made an invalid ${type}: ${JSON.stringify(verdict.violations)}`);
    out.push(verdict.event);
  }
  return out;
}

/** Business ids (orders, sessions, complaints…) must not collide across generated events. */
function uniquifyIds(value: unknown, n: string, customerId: string): void {
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (
      typeof v === 'string' &&
      /(orderId|sessionId|messageId|callId|adjustmentId|redemptionId|requestId|surveyId)$/.test(key)
    ) {
      (value as Record<string, unknown>)[key] = `${v}-${n}`;
    } else if (key === 'complaintId' && typeof v === 'string') {
      // Complaints per customer: opened and resolved events of one customer can meet.
      (value as Record<string, unknown>)[key] =
        `K-${customerId}-${Number(/\d+$/.exec(n)?.[0] ?? 0) % 3}`;
    } else if (key === 'mergedCustomerId') {
      (value as Record<string, unknown>)[key] = `${customerId}-old`;
    } else {
      uniquifyIds(v, n, customerId);
    }
  }
}
