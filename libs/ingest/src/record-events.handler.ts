import { type BeforeApplicationShutdown, Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IngestConfig, RuntimeConfig } from '@touchpoint/config';
import {
  type IncomingEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  recordEvent,
  topicNames,
  validateIncomingEvent,
} from '@touchpoint/contracts';
import { type Logger } from '@touchpoint/core';
import { EVENT_LOG, type EventLog } from '@touchpoint/ports';
import { LOGGER, MetricsService } from '@touchpoint/platform';
import { mayRecord } from './api-key';
import { CLOCK, type Clock } from './clock';
import { EventIdClaims } from './event-id-claims';
import { type ItemResult, RecordEventsCommand, type RecordOutcome } from './record-events.command';

/**
 * Validates, authorises per item, claims the event ids in the duplicate registry (answering
 * those accepted before as duplicates), appends the claimed events in one durable write, then
 * records where they landed. Nothing is answered "accepted" before the log acknowledged it.
 */
@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler
  implements ICommandHandler<RecordEventsCommand, RecordOutcome>, BeforeApplicationShutdown
{
  private readonly topic: string;
  private readonly accepted;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    private readonly claims: EventIdClaims,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly config: IngestConfig,
    runtime: RuntimeConfig,
    metrics: MetricsService,
  ) {
    this.topic = topicNames(runtime.TOPIC_PREFIX).events;
    this.accepted = metrics.counter('touchpoint_ingest_events_total', 'Events answered by ingest', [
      'status',
      'channel',
    ]);
  }

  /** Where the last accepted events landed is written before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.claims.flush();
  }

  async execute(command: RecordEventsCommand): Promise<RecordOutcome> {
    const now = this.clock();
    const { principal } = command;
    const results: (ItemResult | undefined)[] = new Array<ItemResult | undefined>(
      command.items.length,
    );
    const candidates: { index: number; event: IncomingEvent }[] = [];
    const firstIndexOf = new Map<string, number>();

    command.items.forEach((raw, index) => {
      const verdict = validateIncomingEvent(raw, {
        now,
        maxFutureSkewMs: this.config.INGEST_MAX_FUTURE_SKEW_SECONDS * 1000,
      });
      if (!verdict.ok) {
        results[index] = {
          index,
          status: 'rejected',
          eventId: eventIdOf(raw),
          code: 'invalid_event',
          message: `${verdict.violations.length} violation(s)`,
          violations: verdict.violations,
        };
        return;
      }
      const event = verdict.event;
      if (event.channel !== principal.channel) {
        results[index] = forbidden(
          index,
          event,
          'channel_not_allowed',
          `this API key may only send channel '${principal.channel}'`,
        );
        return;
      }
      if (!mayRecord(principal, event.type)) {
        results[index] = forbidden(
          index,
          event,
          'type_not_allowed',
          `this API key may not send '${event.type}'`,
        );
        return;
      }
      const first = firstIndexOf.get(event.eventId);
      if (first !== undefined) {
        results[index] = {
          index,
          status: 'duplicate',
          eventId: event.eventId,
          duplicateOf: { index: first },
        };
        return;
      }
      firstIndexOf.set(event.eventId, index);
      candidates.push({ index, event });
    });

    // Rounds: ids held by requests still appending are claimed again once this request's own
    // claims are settled, so two requests never wait for each other while holding claims.
    let todo = candidates;
    const since = performance.now();
    for (let round = 0; todo.length > 0; round++) {
      if (round > 0)
        await this.claims.waitFor(
          todo.map((c) => c.event.eventId),
          since,
        );
      todo = await this.round(todo, results, command, now);
    }

    const final = results.map((r, index) => r ?? internalGap(index));
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    for (const r of final) counts[r.status]++;
    // One increment per status, not per event: prom-client hashes the labels on every call.
    for (const [status, n] of Object.entries(counts))
      if (n > 0) this.accepted.inc({ status, channel: principal.channel }, n);
    this.logger.info('events recorded', {
      keyId: principal.keyId,
      accepted: counts.accepted,
      duplicates: counts.duplicate,
      rejected: counts.rejected,
    });
    return { receivedAt: now.toISOString(), results: final };
  }
  /** Claims, appends and settles what it can; returns the candidates held by other requests. */
  private async round(
    candidates: readonly { index: number; event: IncomingEvent }[],
    results: (ItemResult | undefined)[],
    command: RecordEventsCommand,
    now: Date,
  ): Promise<{ index: number; event: IncomingEvent }[]> {
    const token = this.claims.newToken();
    const verdicts = await this.claims.claim(
      token,
      candidates.map((c) => c.event.eventId),
    );
    const busy: { index: number; event: IncomingEvent }[] = [];
    const fresh = candidates.filter((c) => {
      const verdict = verdicts.get(c.event.eventId);
      if (verdict?.kind === 'accepted') {
        results[c.index] = {
          index: c.index,
          status: 'duplicate',
          eventId: c.event.eventId,
          duplicateOf: { partition: verdict.partition, offset: verdict.offset },
        };
        return false;
      }
      if (verdict?.kind === 'busy') busy.push(c);
      return verdict?.kind === 'claimed';
    });
    if (fresh.length === 0) return busy;
    const recorded = fresh.map((c) =>
      recordEvent(c.event, {
        receivedAt: now,
        source: command.principal.source,
        correlationId: command.correlationId,
      }),
    );
    let positions;
    try {
      positions = await this.log.append(
        this.topic,
        recorded.map((e) => ({
          key: partitionKey(e),
          value: encodeRecordedEvent(e),
          headers: eventHeaders(e),
        })),
      );
    } catch (e) {
      // Nothing is claimed accepted when the log does not acknowledge (AppError unavailable):
      // the ids are released first, so the client's retry is appended, not called a duplicate.
      await this.claims.release(
        token,
        fresh.map((c) => c.event.eventId),
      );
      throw e;
    }
    const accepted = fresh.map((c, i) => ({
      id: c.event.eventId,
      partition: positions[i]!.partition,
      offset: positions[i]!.offset,
    }));
    this.claims.settle(token, accepted);
    fresh.forEach((c, i) => {
      results[c.index] = {
        index: c.index,
        status: 'accepted',
        eventId: c.event.eventId,
        partition: accepted[i]!.partition,
        offset: accepted[i]!.offset,
      };
    });
    return busy;
  }
}

function forbidden(index: number, event: IncomingEvent, code: string, message: string): ItemResult {
  return { index, status: 'rejected', eventId: event.eventId, code, message, violations: [] };
}

function eventIdOf(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object' && 'eventId' in raw) {
    const id = raw.eventId;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/** Every index is assigned above; this guards the invariant instead of answering nothing. */
function internalGap(index: number): ItemResult {
  return { index, status: 'rejected', code: 'internal', message: 'not processed', violations: [] };
}
