import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Subject } from 'rxjs';
import { RuntimeConfig } from '@touchpoint/config';
import { HEADERS, decodeRecordedEvent, topicNames } from '@touchpoint/contracts';
import { AppError, type Logger, errorMessage } from '@touchpoint/core';
import { LOGGER } from '@touchpoint/platform';
import {
  EVENT_LOG,
  type EventLog,
  type LogBatch,
  READ_MODEL_STORE,
  type ReadModelStore,
  type Subscription,
} from '@touchpoint/ports';
import {
  type LoyaltyPolicy,
  type LoyaltyState,
  loyaltyProjection,
  loyaltyView,
} from '@touchpoint/projections';
import {
  ModelCatalog,
  type ChangeNotice,
  type ModelPolicies,
  type StoredProjectionDoc,
  collectionName,
  parseChangeNotice,
  readState,
} from '@touchpoint/read-models';
import { CrosssellAggregatesCache } from '../read/crosssell-aggregates.cache';
import { EventTimes } from '../read/event-times';
import { type Clock, MODEL_POLICIES, QUERY_CLOCK } from '../tokens';
import { type PositionedNotice, type StreamPosition, isAfter } from './change-notice';
import { type SupervisorEvent, complaintEvent, tierChange } from './supervisor-events';

/** Notices kept in memory for resuming streams; older ones are read back from the topic. */
const NOTICE_BUFFER = 10_000;
/** Supervisor events kept for resuming a supervisor stream (in this process only). */
const SUPERVISOR_BUFFER = 1_000;
const ACTIVE_CACHE_MS = 1000;
const COMPLAINT_TYPES: ReadonlySet<string> = new Set(['complaint.opened', 'complaint.resolved']);
/** A stream further behind than this (per partition) is told to reload rather than replayed. */
const MAX_REPLAY = 100_000;
/** Customers whose last tier is remembered; the least recently updated are forgotten first. */
const TIER_MEMORY = 100_000;

export interface SequencedSupervisorEvent {
  readonly id: string;
  readonly event: SupervisorEvent;
}

/**
 * The query side's one live view of the log: it tails the change notices (customer streams,
 * cache invalidation, tier changes) and the events (complaints for supervisors, append times
 * for the lag figure) from the positions the topics had when it started, through the EventLog
 * port — the same code on Kafka and on the embedded log. Each process has its own throwaway
 * consumer group: every query instance must see every notice.
 */
@Injectable()
export class LiveFeed
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly notices$ = new Subject<PositionedNotice>();
  readonly supervisor$ = new Subject<SequencedSupervisorEvent>();

  private readonly subscriptions: Subscription[] = [];
  private readonly buffer: PositionedNotice[] = [];
  /** Next offset per partition of the changes topic that the feed has delivered. */
  private readonly position = new Map<number, bigint>();
  /** Lowest offset per partition still in the buffer (older ones come from the topic). */
  private readonly floor = new Map<number, bigint>();
  private readonly supervisorBuffer: SequencedSupervisorEvent[] = [];
  private readonly bootId = randomUUID().slice(0, 8);
  private seq = 0;
  private readonly tiers = new Map<string, string>();
  private tierWork: Promise<void> = Promise.resolve();
  /** Documents (version, key) with a tier check queued and not started: the newest notice. */
  private readonly tierChecks = new Map<string, ChangeNotice>();
  private supervisorWatched = false;
  private readonly active = new Map<string, { at: number; version: Promise<string> }>();
  private readonly catalog: ModelCatalog;
  private readonly topics: ReturnType<typeof topicNames>;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(QUERY_CLOCK) private readonly clock: Clock,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
    private readonly runtime: RuntimeConfig,
    private readonly times: EventTimes,
    private readonly aggregates: CrosssellAggregatesCache,
  ) {
    this.catalog = new ModelCatalog(store);
    this.topics = topicNames(runtime.TOPIC_PREFIX);
  }

  async onApplicationBootstrap(): Promise<void> {
    const heads = await this.log.offsets(this.topics.changes);
    for (const h of heads) {
      this.position.set(h.partition, BigInt(h.high));
      this.floor.set(h.partition, BigInt(h.high));
    }
    this.subscriptions.push(await this.tail(this.topics.changes, heads, (b) => this.onNotices(b)));
    const eventHeads = await this.log.offsets(this.topics.events);
    this.subscriptions.push(
      await this.tail(this.topics.events, eventHeads, (b) => this.onEvents(b)),
    );
  }

  /** Ends every open stream before the HTTP server closes: it would wait for them forever. */
  beforeApplicationShutdown(): void {
    this.notices$.complete();
    this.supervisor$.complete();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.stop()));
  }

  /** Where the feed stands now: a stream that starts here misses nothing that follows. */
  current(): StreamPosition {
    return new Map(this.position);
  }

  /** Every notice at or after `from` that the feed has delivered, oldest first per partition. */
  async since(from: StreamPosition): Promise<PositionedNotice[]> {
    const out: PositionedNotice[] = [];
    for (const [partition, floor] of this.floor) {
      const start = from.get(partition) ?? floor;
      if (start >= floor) continue;
      if (floor - start > MAX_REPLAY) {
        throw AppError.validation(
          'invalid_query_parameter',
          'Last-Event-ID: too far behind to resume; reload the customer instead',
          [{ path: 'Last-Event-ID', code: 'too_old', message: 'too far behind to resume' }],
        );
      }
      const records = await this.log.read(this.topics.changes, [
        { partition, fromOffset: String(start), maxRecords: Number(floor - start) },
      ]);
      for (const r of records) {
        const notice = parseChangeNotice(r.value);
        if (notice && BigInt(r.offset) < floor) {
          out.push({ notice, partition: r.partition, offset: r.offset });
        }
      }
    }
    out.push(...this.buffer.filter((n) => isAfter(from, n.partition, n.offset)));
    return out;
  }

  /** Supervisor events after the given id, if this process still has them. */
  supervisorSince(lastId: string | undefined): SequencedSupervisorEvent[] {
    if (lastId === undefined) return [];
    const [boot, seq] = lastId.split('.');
    if (boot !== this.bootId || seq === undefined || !/^\d+$/.test(seq)) return [];
    return this.supervisorBuffer.filter((e) => Number(e.id.split('.')[1]) > Number(seq));
  }

  /** Is this the version readers are served now? (Replays of other versions stay quiet.) */
  async isActive(model: string, version: string): Promise<boolean> {
    const now = this.clock().getTime();
    let hit = this.active.get(model);
    if (!hit || now - hit.at > ACTIVE_CACHE_MS) {
      hit = { at: now, version: this.catalog.activeVersion(model) };
      this.active.set(model, hit);
    }
    return (await hit.version) === version;
  }

  private async tail(
    topic: string,
    heads: readonly { partition: number; high: string }[],
    handle: (batch: LogBatch) => void,
  ): Promise<Subscription> {
    return this.log.subscribe({
      groupId: `${this.runtime.TOPIC_PREFIX}.query.live.${topic.split('.').pop()}.${randomUUID()}`,
      topics: [topic],
      fromBeginning: false,
      startAt: heads.map((h) => ({ partition: h.partition, offset: h.high })),
      handleBatch: (batch) => {
        handle(batch);
        return Promise.resolve();
      },
    });
  }

  private onNotices(batch: LogBatch): void {
    for (const r of batch.records) {
      const next = BigInt(r.offset) + 1n;
      if (next <= (this.position.get(r.partition) ?? 0n)) continue; // redelivered
      this.position.set(r.partition, next);
      const notice = parseChangeNotice(r.value);
      if (!notice) continue;
      const positioned = { notice, partition: r.partition, offset: r.offset };
      this.buffer.push(positioned);
      if (this.buffer.length > NOTICE_BUFFER) {
        const dropped = this.buffer.shift()!;
        this.floor.set(dropped.partition, BigInt(dropped.offset) + 1n);
      }
      if (notice.model === 'crosssell') {
        this.aggregates.invalidate(collectionName(notice.model, notice.version));
      }
      if (notice.model === 'loyalty' && this.supervised()) this.queueTierCheck(positioned);
      this.notices$.next(positioned);
    }
  }

  private onEvents(batch: LogBatch): void {
    for (const r of batch.records) {
      this.times.note(r.partition, r.offset, r.timestamp);
      // Validating every event would cost the query side as much as the projector; the type
      // header (when the producer set it) says whether this one can matter.
      const type = r.headers[HEADERS.eventType];
      if (type !== undefined && !COMPLAINT_TYPES.has(type)) continue;
      const decoded = decodeRecordedEvent(r.value);
      if (!decoded.ok) continue;
      const complaint = complaintEvent(decoded.event);
      if (complaint) this.publish(complaint);
    }
  }

  private publish(event: SupervisorEvent): void {
    const sequenced = { id: `${this.bootId}.${++this.seq}`, event };
    this.supervisorBuffer.push(sequenced);
    if (this.supervisorBuffer.length > SUPERVISOR_BUFFER) this.supervisorBuffer.shift();
    this.supervisor$.next(sequenced);
  }

  /**
   * Tier changes are worked out once a supervisor stream has been opened in this process, and
   * from then on (a stream that reconnects resumes from the buffer). Before that nobody can
   * receive them: a stream only resumes ids of this process, so a view per loyalty notice (every
   * document of a rebuild on start) would be computed for no one. The first check of a customer
   * then has no tier in memory and goes by the tier history, as after a restart.
   */
  private supervised(): boolean {
    this.supervisorWatched ||= this.supervisor$.observed;
    return this.supervisorWatched;
  }

  /**
   * In notice order, one at a time: the tier last seen must be the one before this update. A
   * check reads the document as it is when the check runs, not as the notice saw it, so notices
   * for a customer whose check has not started yet join that check (with the newest notice):
   * a burst of folds, a rebuild above all, costs one view per customer rather than one per
   * notice, and publishes the same changes.
   */
  private queueTierCheck({ notice: queued }: PositionedNotice): void {
    const id = `${queued.version}\u0000${queued.key}`;
    const waiting = this.tierChecks.has(id);
    this.tierChecks.set(id, queued);
    if (waiting) return;
    this.tierWork = this.tierWork.then(async () => {
      const notice = this.tierChecks.get(id) ?? queued;
      this.tierChecks.delete(id);
      try {
        if (!(await this.isActive(notice.model, notice.version))) return;
        const doc = await this.store.get<StoredProjectionDoc>(
          collectionName(notice.model, notice.version),
          notice.key,
        );
        if (!doc) return;
        const recorded = (await this.catalog.entry('loyalty', notice.version))?.policy;
        const view = loyaltyView(
          readState<LoyaltyState>(doc, loyaltyProjection),
          this.clock(),
          (recorded as LoyaltyPolicy | undefined) ?? this.policies.loyalty,
        );
        const change = tierChange(view, this.tiers.get(notice.key), notice.occurredAt);
        this.tiers.delete(notice.key);
        this.tiers.set(notice.key, view.tier);
        if (this.tiers.size > TIER_MEMORY) {
          const oldest = this.tiers.keys().next().value;
          if (oldest !== undefined) this.tiers.delete(oldest);
        }
        if (change) this.publish(change);
      } catch (e) {
        this.logger.warn('tier check failed', { key: notice.key, error: errorMessage(e) });
      }
    });
  }
}
