import type { KafkaEventLog } from '@touchpoint/adapters';
import {
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
} from '@touchpoint/contracts';
import { prng } from '@touchpoint/testing';

export interface FaultWorkloadOptions {
  readonly events: readonly RecordedEvent[];
  readonly ingestUrl: string;
  /** API key per channel: a key may only send its own channel's events. */
  readonly keys: ReadonlyMap<string, string>;
  /** The producer that writes straight to the events topic, as a channel may (README). */
  readonly log: KafkaEventLog;
  readonly topic: string;
  readonly ratePerSecond: number;
  /** Share of the events written straight to Kafka rather than through ingest. */
  readonly directShare: number;
  readonly seed: number;
  /** A request slower than this counts as unanswered (and its event as in doubt). */
  readonly requestTimeoutMs?: number;
}

/** What the workload saw: every answer is tallied, the slowest one remembered. */
export interface WorkloadTally {
  readonly offered: number;
  readonly acknowledged: number;
  /** HTTP status (or `timeout`, `network`, `log-error`) → how many answers. */
  readonly answers: Record<string, number>;
  readonly slowestAnswerMs: number;
  /** Events still in doubt (never acknowledged, perhaps appended). */
  readonly inDoubt: number;
}

const TICK_MS = 100;
const MAX_IN_FLIGHT = 24;

/**
 * Offers a seeded workload at a steady rate, through the ingest API (one event per request) and
 * straight to Kafka, and records what was acknowledged: a 202 (or a 200 duplicate of an event this
 * workload sent) from ingest, a resolved append from Kafka (acks=all). An event that got another
 * answer is in doubt (a 503 may still have been appended) and is resent by `settle`, as a client
 * retries; so at the end every event has an answer and the oracle folds exactly the acknowledged.
 */
export class FaultWorkload {
  readonly acknowledged = new Set<string>();
  /** How each acknowledged event was acknowledged: by ingest, or by Kafka to the direct producer. */
  readonly acknowledgedVia = new Map<string, 'ingest' | 'log'>();
  private readonly inDoubt = new Map<string, RecordedEvent>();
  private readonly answers: Record<string, number> = {};
  private slowest = 0;
  private next = 0;
  private inFlight = new Set<Promise<void>>();
  /** Requests to ingest not answered yet (the direct producer does not wait behind them). */
  private ingestWaiting = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly rand: () => number;

  constructor(private readonly options: FaultWorkloadOptions) {
    this.rand = prng(options.seed);
  }

  /** Events handed out so far (sent or being sent). */
  get offered(): number {
    return this.next;
  }

  get done(): boolean {
    return this.next >= this.options.events.length;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const perTick = Math.max(1, Math.round((this.options.ratePerSecond * TICK_MS) / 1000));
    while (this.running && !this.done) {
      const tick = Date.now();
      const direct: RecordedEvent[] = [];
      for (let i = 0; i < perTick && !this.done; i++) {
        const event = this.options.events[this.next]!;
        const viaLog = this.rand() < this.options.directShare;
        // Back-pressure: a stalled ingest holds requests; offering more would only pile them
        // up. The producer writing straight to Kafka goes on meanwhile, as such a channel would.
        if (!viaLog && this.ingestWaiting >= MAX_IN_FLIGHT) continue;
        this.next++;
        if (viaLog) direct.push(event);
        else this.track(this.viaIngest(event));
      }
      if (direct.length > 0) this.track(this.viaLog(direct));
      await sleep(Math.max(0, TICK_MS - (Date.now() - tick)));
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private count(answer: string, startedMs: number): void {
    this.answers[answer] = (this.answers[answer] ?? 0) + 1;
    this.slowest = Math.max(this.slowest, Date.now() - startedMs);
  }

  private async viaIngest(event: RecordedEvent): Promise<void> {
    const started = Date.now();
    this.ingestWaiting++;
    const key = this.options.keys.get(event.channel);
    if (!key) throw new Error(`no API key for channel ${event.channel}`);
    const { receivedAt: _r, source: _s, correlationId: _c, ...incoming } = event;
    try {
      const res = await fetch(`${this.options.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(incoming),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
      const body = (await res.json().catch(() => ({}))) as {
        status?: string;
        error?: { code?: string };
      };
      this.count(
        body.error?.code ? `${res.status} ${body.error.code}` : String(res.status),
        started,
      );
      if (res.status === 202 || (res.status === 200 && body.status === 'duplicate')) {
        this.acknowledge(event, 'ingest');
      } else {
        this.inDoubt.set(event.eventId, event);
      }
    } catch (e) {
      this.count((e as Error).name === 'TimeoutError' ? 'timeout' : 'network', started);
      this.inDoubt.set(event.eventId, event);
    } finally {
      this.ingestWaiting--;
    }
  }

  private async viaLog(events: readonly RecordedEvent[]): Promise<void> {
    const started = Date.now();
    try {
      await this.options.log.append(
        this.options.topic,
        events.map((e) => ({
          key: partitionKey(e),
          value: encodeRecordedEvent(e),
          headers: eventHeaders(e),
        })),
      );
      this.count('appended', started);
      for (const e of events) this.acknowledge(e, 'log');
    } catch {
      this.count('log-error', started);
      for (const e of events) this.inDoubt.set(e.eventId, e);
    }
  }

  private acknowledge(event: RecordedEvent, via: 'ingest' | 'log'): void {
    this.acknowledged.add(event.eventId);
    this.acknowledgedVia.set(event.eventId, via);
    this.inDoubt.delete(event.eventId);
  }

  /** Stops offering (or waits until every event was offered) and waits for the answers. */
  async finish({ offerAll }: { offerAll: boolean }): Promise<void> {
    if (!offerAll) this.running = false;
    await this.loop;
    this.running = false;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Resends every event in doubt until each is acknowledged, as a client retries after a 503:
   * through the way it was first sent is not known any more, so through ingest (a duplicate
   * answer then says it was appended before).
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inDoubt.size > 0 && Date.now() < deadline) {
      const batch = [...this.inDoubt.values()].slice(0, MAX_IN_FLIGHT);
      await Promise.all(batch.map((e) => this.viaIngest(e)));
      if (this.inDoubt.size > 0) await sleep(500);
    }
    if (this.inDoubt.size > 0)
      throw new Error(`${this.inDoubt.size} events still unacknowledged after ${timeoutMs} ms`);
  }

  tally(): WorkloadTally {
    return {
      offered: this.next,
      acknowledged: this.acknowledged.size,
      answers: { ...this.answers },
      slowestAnswerMs: this.slowest,
      inDoubt: this.inDoubt.size,
    };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
