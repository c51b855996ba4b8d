import { backfillLookups } from './lookup-index';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ProjectorConfig, RuntimeConfig } from '@touchpoint/config';
import { FoldQueue, errorMessage } from '@touchpoint/core';
import { topicNames } from '@touchpoint/contracts';
import type { Subscription } from '@touchpoint/ports';
import {
  type AppContext,
  type ConsumedEvent,
  deadLetterAppends,
  deadLetterOf,
  startEventConsumer,
} from '@touchpoint/platform';
import {
  MODEL_KINDS,
  ModelCatalog,
  catalogFile,
  codeHash,
  configHash,
  encodeChangeNotice,
  loadCatalogFile,
  modelKind,
  type StoredProjectionDoc,
  projectorGroupId,
  saveCatalogFile,
  stateSchemaMismatch,
  stateSchemaOf,
} from '@touchpoint/read-models';
import { type RegisteredModel, instantiate, runnerOptions } from './model-registry';
import type { ApplyOutcome, ProjectionRunner } from './projection-runner';
import { replayVersion } from './replay';
import { APP_CONTEXT, MODELS } from './tokens';

/**
 * Runs one consumer group per live model version, so models progress and scale independently.
 * The versions come from the model catalog: the configured v1 of each live model, and every
 * version a replay built and left live, folded with the policy recorded for it. The catalog
 * is read again every MODEL_CATALOG_POLL_MS, so a finished replay is picked up and a dropped
 * version stopped without a restart. The first configured model's group is also the
 * deployment's contract gate: it dead-letters invalid records, once. After each batch is
 * written, a change notice per document goes to `<prefix>.changes`.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];
  /** model/version → its running group. */
  private readonly running = new Map<string, Subscription>();
  /** Versions left alone because another release's state schema is stored in them. */
  private readonly refused = new Set<string>();
  private readonly catalog: ModelCatalog;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private stopped = false;
  private readonly rebuilds = new AbortController();
  private readonly freshness;
  private readonly batchSize;
  private readonly writeSeconds;
  private readonly folded;
  private readonly documentBytes;
  private readonly beyondHorizon;
  private readonly tooLarge;
  private readonly cacheLookups;
  private readonly cacheBytes;

  constructor(
    @Inject(APP_CONTEXT) private readonly ctx: AppContext,
    @Inject(MODELS) private readonly models: readonly RegisteredModel[],
  ) {
    this.catalog = new ModelCatalog(ctx.engines.store, (m) => modelKind(m).liveByDefault);
    const m = ctx.metrics;
    this.freshness = m.histogram(
      'touchpoint_projection_freshness_seconds',
      'From receivedAt of an event to its document being written',
      ['model'],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.batchSize = m.histogram(
      'touchpoint_projection_batch_events',
      'Events per fold (the batches of a fetch, all partitions, fold together)',
      ['model'],
      [1, 10, 50, 100, 250, 500, 1000],
    );
    this.writeSeconds = m.histogram(
      'touchpoint_projection_write_seconds',
      'Load, fold and bulk write of one fold',
      ['model'],
      // Up to 30 s: a fold near the consumer session timeout (30 s by default) is the one to see.
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.folded = m.counter('touchpoint_projection_events_total', 'Events folded into a model', [
      'model',
    ]);
    this.documentBytes = m.histogram(
      'touchpoint_projector_document_bytes',
      'UTF-8 size of the state of each read-model document written',
      ['model'],
      [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 1048576],
    );
    this.tooLarge = m.counter(
      'touchpoint_projector_refused_too_large_total',
      'Events dead-lettered because they would have taken a document past PROJECTOR_MAX_DOCUMENT_KB',
      ['model'],
    );
    this.beyondHorizon = m.counter(
      'touchpoint_projector_beyond_horizon_total',
      'Events older than their document horizon when folded: a duplicate of one would count twice (touchpoint rebuild-customer repairs it)',
      ['model'],
    );
    this.cacheLookups = m.gauge(
      'touchpoint_projector_state_cache_lookups',
      'Parsed-state cache lookups since start, by result (hit, miss, eviction)',
      ['model', 'result'],
    );
    this.cacheBytes = m.gauge(
      'touchpoint_projector_state_cache_bytes',
      'Stored JSON bytes of the parsed states the cache holds',
      ['model'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const runtime = this.ctx.config.get(RuntimeConfig);
    const store = this.ctx.engines.store;
    const embedded = store.kind === 'embedded';
    const file = catalogFile(runtime.DATA_DIR);
    if (embedded) await loadCatalogFile(store, file);
    await this.recordConfiguredVersions();
    if (embedded) await saveCatalogFile(store, file);
    await this.sync();
    if (embedded) this.rebuildFrozen();
    if (this.models.length === 0) {
      // Still the contract gate when no model is configured.
      this.subscriptions.push(
        await startEventConsumer(this.ctx, {
          groupId: `${runtime.TOPIC_PREFIX}.projector.gate`,
          fromBeginning: true,
          deadLetter: true,
          handle: () => Promise.resolve(),
        }),
      );
    }
    const every = this.ctx.config.get(ProjectorConfig).MODEL_CATALOG_POLL_MS;
    this.timer = setInterval(() => void this.sync(), every);
  }

  /**
   * The configured v1 of each live model is what this process folds: its catalog entry says
   * so (policy and hashes). A v1 someone dropped stays dropped.
   */
  private async recordConfiguredVersions(): Promise<void> {
    for (const m of this.models) {
      const pointer = await this.catalog.pointer(m.model);
      const existing = pointer?.versions.find((v) => v.version === m.version);
      if (pointer && !existing) continue;
      await this.catalog.register(m.model, {
        ...existing,
        version: m.version,
        status: 'live',
        policy: m.policy,
        codeHash: codeHash(modelKind(m.model)),
        configHash: configHash(m.policy),
        createdAt: existing?.createdAt ?? new Date().toISOString(),
      });
    }
  }

  /** Starts a group for every live version in the catalog, stops those no longer there. */
  private sync(): Promise<void> {
    this.syncing ??= this.syncOnce()
      .catch((e: unknown) =>
        this.ctx.logger.error('model catalog sync failed; will retry', { error: errorMessage(e) }),
      )
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const wanted = new Map<string, RegisteredModel>();
    for (const pointer of await this.catalog.all()) {
      const kind = MODEL_KINDS.find((k) => k.model === pointer.model);
      if (!kind) continue;
      for (const v of pointer.versions) {
        if ((v.status ?? 'live') !== 'live') continue;
        const configured = this.models.find(
          (m) => m.model === pointer.model && m.version === v.version,
        );
        wanted.set(
          `${pointer.model}/${v.version}`,
          configured ?? instantiate(kind, v.version, v.policy ?? kind.projection.defaultPolicy),
        );
      }
    }
    for (const [id, model] of wanted) {
      if (this.running.has(id) || this.stopped) continue;
      if (await this.writtenByAnotherSchema(id, model)) continue;
      this.running.set(id, await this.startGroup(model));
      this.ctx.logger.info('model version live', { model: model.model, version: model.version });
    }
    for (const [id, subscription] of this.running) {
      if (wanted.has(id)) continue;
      this.running.delete(id);
      await subscription.stop();
      this.ctx.logger.info('model version stopped', { model: id });
    }
  }

  /**
   * Whether the version's documents hold a state another release wrote in another shape (one
   * document tells: a version is written by one release). Folding onto them would corrupt them,
   * so the version is left alone and the error says how to upgrade, once per version.
   */
  private async writtenByAnotherSchema(id: string, model: RegisteredModel): Promise<boolean> {
    const [first] = await this.ctx.engines.store.page<StoredProjectionDoc>(model.collection, {
      limit: 1,
    });
    if (first === undefined) return false;
    const stored = first.doc.schema ?? 1;
    const expected = stateSchemaOf(model.projection);
    if (stored === expected) return false;
    if (!this.refused.has(id)) {
      this.refused.add(id);
      const error = stateSchemaMismatch(model.model, stored, expected);
      this.ctx.logger.error('model version not folded', {
        model: model.model,
        version: model.version,
        code: error.code,
        error: error.message,
      });
    }
    return true;
  }

  private async startGroup(model: RegisteredModel): Promise<Subscription> {
    const runtime = this.ctx.config.get(RuntimeConfig);
    const topics = topicNames(runtime.TOPIC_PREFIX);
    await this.ctx.engines.store.ensureIndexes(model.collection, model.indexes);
    await backfillLookups(this.ctx.engines.store, model.collection, model.lookupFields);
    const runner = model.runner(
      this.ctx.engines.store,
      runnerOptions(this.ctx.config.get(ProjectorConfig)),
    );
    // The batches of every partition of a fetch are folded together, by one writer.
    const queue = new FoldQueue<ConsumedEvent>((events, heartbeat) =>
      this.fold(model, runner, events, topics, heartbeat),
    );
    return startEventConsumer(this.ctx, {
      groupId: projectorGroupId(runtime.TOPIC_PREFIX, model.model, model.version),
      fromBeginning: true,
      deadLetter: model === this.models[0],
      concurrentPartitions: runtime.KAFKA_TOPIC_PARTITIONS,
      handle: (events, batch) => queue.add(events, batch.heartbeat ?? (() => Promise.resolve())),
    });
  }

  /**
   * The embedded store is memory: live versions rebuild through their groups, which start
   * from the log's beginning, but a frozen as-of version has no group; rebuild it here.
   */
  private rebuildFrozen(): void {
    void (async () => {
      for (const pointer of await this.catalog.all()) {
        const kind = MODEL_KINDS.find((k) => k.model === pointer.model);
        for (const v of pointer.versions) {
          if (!kind || v.status !== 'frozen' || !v.asOf || this.rebuilds.signal.aborted) continue;
          await replayVersion({
            ctx: this.ctx,
            model: instantiate(kind, v.version, v.policy ?? kind.projection.defaultPolicy),
            bounds: {
              until: { at: new Date(v.asOf.until), time: v.asOf.time },
              from: v.from ? new Date(v.from) : undefined,
            },
            signal: this.rebuilds.signal,
          });
        }
      }
    })().catch((e: unknown) =>
      this.ctx.logger.error('rebuilding frozen versions failed', { error: errorMessage(e) }),
    );
  }

  private async fold(
    model: RegisteredModel,
    runner: ProjectionRunner<unknown, unknown, unknown>,
    events: readonly ConsumedEvent[],
    topics: { changes: string; dlq: string },
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const stop = this.writeSeconds.startTimer({ model: model.model });
    let outcome: ApplyOutcome;
    try {
      outcome = await runner.apply(
        events.map((e) => ({
          event: e.event,
          position: { partition: e.record.partition, offset: e.record.offset },
        })),
        { heartbeat },
      );
    } finally {
      // Failed folds too: one that outlived its consumer session ends in a failed heartbeat.
      stop();
    }
    const labels = { model: model.model };
    if (outcome.refused.length > 0) {
      // Durable before the batch is committed, like the consumer's own dead letters.
      const records = new Map(
        events.map((e) => [`${e.record.partition}/${e.record.offset}`, e.record]),
      );
      const letters = outcome.refused.flatMap((r) => {
        const record = records.get(`${r.position.partition}/${r.position.offset}`);
        if (!record) return [];
        this.ctx.logger.warn('event refused: document too large', {
          model: model.model,
          key: r.key,
          partition: record.partition,
          offset: record.offset,
        });
        return [deadLetterOf(record, 'document_too_large', r.reason)];
      });
      for (const append of deadLetterAppends(letters))
        await this.ctx.engines.log.append(topics.dlq, append);
      this.tooLarge.inc(labels, outcome.refused.length);
    }
    this.batchSize.observe(labels, events.length);
    this.folded.inc(labels, events.length);
    for (const bytes of outcome.documentBytes) this.documentBytes.observe(labels, bytes);
    if (outcome.beyondHorizon > 0) this.beyondHorizon.inc(labels, outcome.beyondHorizon);
    const cache = runner.cache;
    this.cacheLookups.set({ ...labels, result: 'hit' }, cache.hits);
    this.cacheLookups.set({ ...labels, result: 'miss' }, cache.misses);
    this.cacheLookups.set({ ...labels, result: 'eviction' }, cache.evictions);
    this.cacheBytes.set(labels, cache.bytes);
    if (outcome.changed.length === 0) return;
    const now = Date.now();
    for (const c of outcome.changed) {
      this.freshness.observe(
        { model: model.model },
        Math.max(0, now - Date.parse(c.receivedAt)) / 1000,
      );
    }
    const committedAt = new Date(now).toISOString();
    await this.ctx.engines.log.append(
      topics.changes,
      outcome.changed.map((c) => ({
        key: c.key,
        value: encodeChangeNotice({
          model: model.model,
          version: model.version,
          key: c.key,
          revision: c.revision,
          partition: c.position.partition,
          offset: c.position.offset,
          occurredAt: c.occurredAt,
          receivedAt: c.receivedAt,
          committedAt,
        }),
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.rebuilds.abort();
    await this.syncing;
    await Promise.all([...this.subscriptions, ...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }
}
