import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { AppError } from '@touchpoint/core';
import { AgentRoutes, AllowQueryToken, RequireRole } from '../auth/agent-auth.guard';
import { type RawQuery, parseCustomerId, single } from '../domain/query-params';
import { decodePosition } from '../live/change-notice';
import { pipeSse } from '../live/sse';
import { StreamCustomerQuery } from '../queries/customer-stream.query';
import { StreamSupervisorQuery } from '../queries/supervisor-stream.query';

/** `Last-Event-ID` as browsers send it on reconnect, or `?lastEventId=` for a fresh page. */
function lastEventId(header: string | undefined, query: RawQuery): string | undefined {
  return header ?? single(query, 'lastEventId');
}

/** Server-Sent Events (docs/agent-api.md): live updates without polling. */
@Controller('v1')
@AgentRoutes()
@AllowQueryToken()
export class StreamsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('customers/:id/stream')
  async customer(
    @Param('id') id: string,
    @Query() query: RawQuery,
    @Headers('last-event-id') header: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const last = lastEventId(header, query);
    const resumeFrom = last === undefined ? undefined : decodePosition(last);
    if (last !== undefined && resumeFrom === undefined) {
      throw AppError.validation(
        'invalid_query_parameter',
        'Last-Event-ID: not an id of this stream',
        [{ path: 'Last-Event-ID', code: 'invalid_cursor', message: 'not an id of this stream' }],
      );
    }
    const source = await this.queries.execute(
      new StreamCustomerQuery(parseCustomerId(id), resumeFrom),
    );
    pipeSse(req, res, source);
  }

  @Get('supervisor/stream')
  @RequireRole('supervisor', 'admin')
  async supervisor(
    @Query() query: RawQuery,
    @Headers('last-event-id') header: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const source = await this.queries.execute(
      new StreamSupervisorQuery(lastEventId(header, query)),
    );
    pipeSse(req, res, source);
  }
}
