import type { LoggerService } from '@nestjs/common';
import type { LogFields, Logger } from '@touchpoint/core';
import type { LogLevel } from '@touchpoint/config';
import { currentCorrelationId } from './request-context';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

/**
 * One JSON object per line on stdout: machine-readable for collectors, and every line of a
 * request carries its correlation id without callers passing it around.
 */
export class JsonLogger implements Logger, LoggerService {
  constructor(
    private readonly level: LogLevel,
    private readonly base: LogFields = {},
    private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
  ) {}

  child(fields: LogFields): JsonLogger {
    return new JsonLogger(this.level, { ...this.base, ...fields }, this.sink);
  }

  debug(message: unknown, fields?: unknown): void {
    this.write('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }

  warn(message: unknown, fields?: unknown): void {
    this.write('warn', message, fields);
  }

  error(message: unknown, fields?: unknown): void {
    this.write('error', message, fields);
  }

  // Nest's LoggerService vocabulary.
  log(message: unknown, context?: unknown): void {
    this.write('info', message, context);
  }

  verbose(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }

  fatal(message: unknown, context?: unknown): void {
    this.write('error', message, context);
  }

  private write(level: LogLevel, message: unknown, extra: unknown): void {
    if (RANK[level] < RANK[this.level]) return;
    const fields: LogFields =
      extra && typeof extra === 'object'
        ? (extra as LogFields)
        : extra === undefined
          ? {}
          : { context: extra };
    const correlationId = currentCorrelationId();
    this.sink(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg: message instanceof Error ? message.message : String(message),
        ...this.base,
        ...(correlationId ? { correlationId } : {}),
        ...fields,
      }),
    );
  }
}
