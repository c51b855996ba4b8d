import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RuntimeConfig } from '@touchpoint/config';
import { topicNames } from '@touchpoint/contracts';
import type { Subscription } from '@touchpoint/ports';
import { type AppContext, type ConsumedEvent, startEventConsumer } from '@touchpoint/platform';
import type { RegisteredModel } from './model-registry';
import type { ApplyOutcome, ProjectionRunner } from './projection-runner';
import { APP_CONTEXT, MODELS } from './tokens';

/**
 * Runs one consumer group per model version, so models progress and scale independently. The
 * first model's group is also the deployment's contract gate: it dead-letters invalid records,
 * once. After each batch is written, a change notice per document goes to `<prefix>.changes`.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];
  private readonly freshness;
  private readonly batchSize;
  private readonly writeSeconds;
  private readonly folded;

  constructor(
    @Inject(APP_CONTEXT) private readonly ctx: AppContext,
    @Inject(MODELS) private readonly models: readonly RegisteredModel[],
  ) {
    const m = ctx.metrics;
    this.freshness = m.histogram(
      'touchpoint_projection_freshness_seconds',
      'From receivedAt of an event to its document being written',
      ['model'],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.batchSize = m.histogram(
      'touchpoint_projection_batch_events',
      'Events per folded batch',
      ['model'],
      [1, 10, 50, 100, 250, 500, 1000],
    );
    this.writeSeconds = m.histogram(
      'touchpoint_projection_write_seconds',
      'Load, fold and bulk write of one batch',
      ['model'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
    this.folded = m.counter('touchpoint_projection_events_total', 'Events folded into a model', [
      'model',
    ]);
  }

  async onApplicationBootstrap(): Promise<void> {
    const prefix = this.ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
    const changes = topicNames(prefix).changes;
    for (const [index, model] of this.models.entries()) {
      await this.ctx.engines.store.ensureIndexes(model.collection, model.indexes);
      const runner = model.runner(this.ctx.engines.store);
      this.subscriptions.push(
        await startEventConsumer(this.ctx, {
          groupId: `${prefix}.projector.${model.model}.${model.version}`,
          fromBeginning: true,
          deadLetter: index === 0,
          handle: (events, batch) => this.fold(model, runner, events, changes, batch.heartbeat),
        }),
      );
    }
    if (this.models.length === 0) {
      // Still the contract gate when no model is configured.
      this.subscriptions.push(
        await startEventConsumer(this.ctx, {
          groupId: `${prefix}.projector.gate`,
          fromBeginning: true,
          deadLetter: true,
          handle: () => Promise.resolve(),
        }),
      );
    }
  }

  private async fold(
    model: RegisteredModel,
    runner: ProjectionRunner<unknown, unknown, unknown>,
    events: readonly ConsumedEvent[],
    changesTopic: string,
    heartbeat: (() => Promise<void>) | undefined,
  ): Promise<void> {
    const stop = this.writeSeconds.startTimer({ model: model.model });
    const outcome: ApplyOutcome = await runner.apply(
      events.map((e) => ({
        event: e.event,
        position: { partition: e.record.partition, offset: e.record.offset },
      })),
      heartbeat ? { heartbeat } : {},
    );
    stop();
    this.batchSize.observe({ model: model.model }, events.length);
    this.folded.inc({ model: model.model }, events.length);
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
      changesTopic,
      outcome.changed.map((c) => ({
        key: c.key,
        value: Buffer.from(
          JSON.stringify({
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
        ),
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.stop()));
  }
}
