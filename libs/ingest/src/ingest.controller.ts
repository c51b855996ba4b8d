import { Body, Controller, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiHeader,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IngestConfig } from '@touchpoint/config';
import { EVENT_TYPES, invalidEventError } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import { API_SECURITY, currentCorrelationId } from '@touchpoint/platform';
import { ApiKeyGuard, type AuthenticatedRequest } from './api-key.guard';
import { RecordEventsCommand, type RecordOutcome } from './record-events.command';

const anyEvent = { oneOf: EVENT_TYPES.map((t) => ({ $ref: getSchemaPath(eventSchemaName(t)) })) };

export function eventSchemaName(type: string): string {
  return `Event_${type.replace('.', '_')}`;
}

/** Channels publish interactions (DESIGN §3–§4). Validation and recording live in the handler. */
@ApiTags('ingest')
@ApiSecurity(API_SECURITY.channelKey)
@ApiHeader({
  name: 'x-correlation-id',
  required: false,
  description: 'propagated to Kafka headers and logs',
})
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class IngestController {
  constructor(
    private readonly commands: CommandBus,
    private readonly config: IngestConfig,
  ) {}

  @Post()
  @ApiBody({ schema: anyEvent })
  @ApiResponse({ status: 202, description: 'accepted: durable in the log (acks=all)' })
  @ApiResponse({
    status: 200,
    description: 'duplicate: this eventId was accepted before; nothing changes',
  })
  @ApiResponse({
    status: 400,
    description: 'invalid event, with every violation (code and field path)',
  })
  @ApiResponse({ status: 401, description: 'missing, unknown or revoked API key' })
  @ApiResponse({ status: 403, description: 'the key may not send this channel or type' })
  @ApiResponse({ status: 413, description: 'body over INGEST_MAX_BODY_BYTES' })
  @ApiResponse({ status: 415, description: 'body is not application/json' })
  @ApiResponse({ status: 429, description: 'over the key rate limit (Retry-After)' })
  @ApiResponse({ status: 503, description: 'the log is unavailable; retry (Retry-After)' })
  async single(
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
  ): Promise<void> {
    if (Array.isArray(body)) {
      throw AppError.validation(
        'expected_object',
        'send one event as a JSON object, or an array to /v1/events/batch',
      );
    }
    const outcome = await this.record([body], req);
    const result = outcome.results[0]!;
    switch (result.status) {
      case 'accepted':
        res.status(HttpStatus.ACCEPTED).json({
          ...result,
          receivedAt: outcome.receivedAt,
          correlationId: currentCorrelationId(),
        });
        return;
      case 'duplicate':
        res.status(HttpStatus.OK).json({ ...result, correlationId: currentCorrelationId() });
        return;
      case 'rejected':
        if (result.code === 'invalid_event') throw invalidEventError(result.violations);
        throw new AppError(
          result.code,
          result.code === 'internal' ? 'internal' : 'forbidden',
          result.message,
        );
    }
  }

  @Post('batch')
  @ApiBody({ schema: { type: 'array', items: anyEvent } })
  @ApiResponse({ status: 202, description: 'every item accepted or duplicate' })
  @ApiResponse({ status: 207, description: 'some items rejected: see results[]' })
  @ApiResponse({ status: 400, description: 'no item accepted: see results[]' })
  @ApiResponse({
    status: 413,
    description: 'over INGEST_MAX_BATCH_EVENTS or INGEST_MAX_BODY_BYTES',
  })
  async batch(
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
  ): Promise<void> {
    if (!Array.isArray(body))
      throw AppError.validation('expected_array', 'a batch is a JSON array of events');
    if (body.length === 0)
      throw AppError.validation('empty_batch', 'a batch needs at least one event');
    if (body.length > this.config.INGEST_MAX_BATCH_EVENTS) {
      throw new AppError(
        'batch_too_large',
        'too_large',
        `a batch holds at most ${this.config.INGEST_MAX_BATCH_EVENTS} events (INGEST_MAX_BATCH_EVENTS); got ${body.length}`,
      );
    }
    const outcome = await this.record(body, req);
    const count = (s: string) => outcome.results.filter((r) => r.status === s).length;
    const rejected = count('rejected');
    const status =
      rejected === 0
        ? HttpStatus.ACCEPTED
        : rejected === body.length
          ? HttpStatus.BAD_REQUEST
          : HttpStatus.MULTI_STATUS;
    res.status(status).json({
      receivedAt: outcome.receivedAt,
      correlationId: currentCorrelationId(),
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected,
      results: outcome.results,
    });
  }

  private record(items: readonly unknown[], req: AuthenticatedRequest): Promise<RecordOutcome> {
    // The guard always sets the principal; its absence would be a wiring bug.
    const principal = req.principal!;
    return this.commands.execute<RecordEventsCommand, RecordOutcome>(
      new RecordEventsCommand(items, principal, currentCorrelationId() ?? ''),
    );
  }
}
