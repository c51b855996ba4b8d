import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RuntimeConfig } from '@touchpoint/config';
import type { Subscription } from '@touchpoint/ports';
import { type AppContext, type ConsumedEvent, startEventConsumer } from '@touchpoint/platform';
import { APP_CONTEXT } from './tokens';

/**
 * The projector's live consumer group. It is the deployment's contract gate on the consuming
 * side: records that fail validation are dead-lettered here, once. Read models are folded in the
 * `fold` step (none are registered yet: the models arrive with the projections work).
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  private folded = 0;

  constructor(@Inject(APP_CONTEXT) private readonly ctx: AppContext) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = this.ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
    this.subscription = await startEventConsumer(this.ctx, {
      groupId: `${prefix}.projector.live`,
      fromBeginning: true,
      deadLetter: true,
      handle: (events) => this.fold(events),
    });
  }

  private fold(events: readonly ConsumedEvent[]): Promise<void> {
    this.folded += events.length;
    return Promise.resolve();
  }

  /** Valid events handed to the fold step since start. */
  get eventsFolded(): number {
    return this.folded;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
