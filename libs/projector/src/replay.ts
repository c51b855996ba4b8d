import { backfillLookups } from './lookup-index';
import { ProjectorConfig, RuntimeConfig } from '@touchpoint/config';
import { type RecordedEvent, parseOffsetTimestamp, topicNames } from '@touchpoint/contracts';
import { type AppContext, startEventConsumer } from '@touchpoint/platform';
import { type TimeAxis, projectorGroupId } from '@touchpoint/read-models';
import { type RegisteredModel, runnerOptions } from './model-registry';

/**
 * A replay reads history in bulk: fetches bigger than the live projector's, each folded as one
 * chunk, so a document is loaded and written once per fetch rather than once per few events.
 */
const REPLAY_FETCH_BYTES_PER_PARTITION = 32 * 1024 * 1024;

export interface ReplayBounds {
  /** Only events that happened (event) or were received (ingest) strictly before this instant. */
  readonly until?: { readonly at: Date; readonly time: TimeAxis };
  /** Skip events received before this instant. */
  readonly from?: Date;
}

/** Which events a bounded replay folds; the oracle tests use the same rule. */
export function replayFilter(bounds: ReplayBounds): (event: RecordedEvent) => boolean {
  const untilMs = bounds.until?.at.getTime();
  const fromMs = bounds.from?.getTime();
  const axis = bounds.until?.time ?? 'event';
  return (event) => {
    if (fromMs !== undefined && timeOf(event.receivedAt) < fromMs) return false;
    if (untilMs === undefined) return true;
    return timeOf(axis === 'event' ? event.occurredAt : event.receivedAt) < untilMs;
  };
}

function timeOf(iso: string): number {
  return parseOffsetTimestamp(iso) ?? Date.parse(iso);
}

export interface ReplayProgress {
  readonly processed: number;
  readonly total: number;
  /** Records behind the log's current end. */
  readonly lag: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
}

export interface ReplayRequest {
  readonly ctx: AppContext;
  readonly model: RegisteredModel;
  readonly bounds: ReplayBounds;
  /** Aborting stops after the batch in hand; rerunning resumes from the group's position. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly progressEveryMs?: number;
}

export interface ReplayOutcome {
  /** Every partition reached the end the log had when the replay (or its resumption) started. */
  readonly completed: boolean;
  readonly processed: number;
  readonly total: number;
  readonly folded: number;
}

/**
 * Builds a model version from the log into its own collection. It consumes with the version's
 * own consumer group, so a stopped replay resumes where the group committed, and once it has
 * caught up the projector continues the same group live. Batches are folded by the same
 * `ProjectionRunner` as live processing (one bulk write per batch), so the documents are the
 * same as live ones; no change notices are sent, nobody reads a version being built.
 */
export async function replayVersion(request: ReplayRequest): Promise<ReplayOutcome> {
  const { ctx, model, signal } = request;
  const prefix = ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
  const topic = topicNames(prefix).events;
  const log = ctx.engines.log;
  const groupId = projectorGroupId(prefix, model.model, model.version);
  const keep = replayFilter(request.bounds);

  const bounds = await log.offsets(topic);
  const committed = new Map(
    (await log.committedOffsets(groupId, topic)).map((c) => [c.partition, BigInt(c.offset)]),
  );
  const low = new Map(bounds.map((b) => [b.partition, BigInt(b.low)]));
  const end = new Map(bounds.map((b) => [b.partition, BigInt(b.high)]));
  const position = new Map(
    bounds.map((b) => {
      const c = committed.get(b.partition) ?? 0n;
      return [b.partition, c > BigInt(b.low) ? c : BigInt(b.low)];
    }),
  );
  const total = sum(bounds.map((b) => end.get(b.partition)! - low.get(b.partition)!));
  const processed = () =>
    sum(
      bounds.map((b) => {
        const p = position.get(b.partition)!;
        const e = end.get(b.partition)!;
        return (p < e ? p : e) - low.get(b.partition)!;
      }),
    );
  const caughtUp = () => bounds.every((b) => position.get(b.partition)! >= end.get(b.partition)!);

  let folded = 0;
  if (caughtUp() || signal?.aborted) {
    return { completed: caughtUp(), processed: processed(), total, folded };
  }

  await ctx.engines.store.ensureIndexes(model.collection, model.indexes);
  await backfillLookups(ctx.engines.store, model.collection, model.lookupFields);
  // The live fold's settings: a replay refuses the same too-large events, so it equals live.
  const runner = model.runner(ctx.engines.store, runnerOptions(ctx.config.get(ProjectorConfig)));
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const onAbort = () => finish();
  signal?.addEventListener('abort', onAbort, { once: true });

  const started = Date.now();
  const startProcessed = processed();
  let lastEnd = end;
  const report = async () => {
    if (!request.onProgress) return;
    try {
      lastEnd = new Map((await log.offsets(topic)).map((b) => [b.partition, BigInt(b.high)]));
    } catch {
      // Progress is best effort: the previous end is still a fair lag estimate.
    }
    const done = processed();
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? (done - startProcessed) / seconds : 0;
    const lag = sum(
      [...lastEnd].map(([p, high]) => {
        const at = position.get(p) ?? 0n;
        return high > at ? high - at : 0n;
      }),
    );
    request.onProgress({
      processed: done,
      total,
      lag,
      eventsPerSecond: Math.round(rate),
      etaSeconds: rate > 0 ? Math.ceil((total - done) / rate) : null,
    });
  };
  const ticker = setInterval(() => void report(), request.progressEveryMs ?? 1000);

  const subscription = await startEventConsumer(ctx, {
    groupId,
    fromBeginning: true,
    // The live group dead-letters invalid records once; a replay only skips them.
    deadLetter: false,
    handleEmpty: true,
    fetchBytesPerPartition: REPLAY_FETCH_BYTES_PER_PARTITION,
    handle: async (events, batch) => {
      const chosen = events.filter((e) => keep(e.event));
      if (chosen.length > 0) {
        await runner.apply(
          chosen.map((e) => ({
            event: e.event,
            position: { partition: e.record.partition, offset: e.record.offset },
          })),
          batch.heartbeat ? { heartbeat: batch.heartbeat } : {},
        );
        folded += chosen.length;
      }
      const last = batch.records[batch.records.length - 1];
      if (last) position.set(batch.partition, BigInt(last.offset) + 1n);
      if (caughtUp()) finish();
    },
  });
  try {
    await finished;
  } finally {
    clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
    // Stopping waits for the batch in hand and its commit: a resume starts right after it.
    await subscription.stop();
  }
  await report();
  return { completed: caughtUp(), processed: processed(), total, folded };
}

function sum(values: readonly bigint[]): number {
  return Number(values.reduce((a, b) => a + b, 0n));
}
