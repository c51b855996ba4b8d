import { Inject, Injectable } from '@nestjs/common';
import { RuntimeConfig } from '@touchpoint/config';
import { topicNames } from '@touchpoint/contracts';
import { EVENT_LOG, type EventLog } from '@touchpoint/ports';
import { projectorGroupId } from '@touchpoint/read-models';
import { type Clock, QUERY_CLOCK } from '../tokens';
import { EventTimes } from './event-times';

/** A model's lag is shared by every request for a moment; the log is not asked per request. */
const CACHE_MS = 1000;

/**
 * How far a model version's projector is behind the head of the events log, in milliseconds:
 * 0 when its consumer group has committed everything, else the age of the oldest record it has
 * not processed yet. Null when that record's time is unknown (the tail has not seen it).
 */
@Injectable()
export class ModelLag {
  private readonly cache = new Map<string, { at: number; value: Promise<number | null> }>();
  private readonly eventsTopic: string;
  private readonly prefix: string;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    runtime: RuntimeConfig,
    private readonly times: EventTimes,
    @Inject(QUERY_CLOCK) private readonly clock: Clock,
  ) {
    this.prefix = runtime.TOPIC_PREFIX;
    this.eventsTopic = topicNames(runtime.TOPIC_PREFIX).events;
  }

  lagMs(model: string, version: string): Promise<number | null> {
    const key = `${model}/${version}`;
    const now = this.clock().getTime();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.value;
    const value = this.measure(model, version, now).catch(() => null);
    this.cache.set(key, { at: now, value });
    return value;
  }

  private async measure(model: string, version: string, now: number): Promise<number | null> {
    const groupId = projectorGroupId(this.prefix, model, version);
    const [heads, committed] = await Promise.all([
      this.log.offsets(this.eventsTopic),
      this.log.committedOffsets(groupId, this.eventsTopic),
    ]);
    const next = new Map(committed.map((c) => [c.partition, c.offset]));
    let oldest: number | undefined;
    for (const head of heads) {
      const from = next.get(head.partition) ?? head.low;
      if (BigInt(from) >= BigInt(head.high)) continue;
      const at = this.times.at(head.partition, from);
      if (at === undefined) return null;
      oldest = oldest === undefined ? at : Math.min(oldest, at);
    }
    return oldest === undefined ? 0 : Math.max(0, now - oldest);
  }
}
