import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** Limits of the ingest API (DESIGN §4: oversize bodies get 413, batches answer per item). */
export class IngestConfig {
  @Type(() => Number)
  @IsInt({ message: 'an integer between 1 and 10000' })
  @Min(1, { message: 'an integer between 1 and 10000' })
  @Max(10000, { message: 'an integer between 1 and 10000' })
  INGEST_MAX_BATCH_EVENTS = 500;

  @Type(() => Number)
  @IsInt({ message: 'bytes, an integer between 1024 and 104857600' })
  @Min(1024, { message: 'bytes, an integer between 1024 and 104857600' })
  @Max(104857600, { message: 'bytes, an integer between 1024 and 104857600' })
  INGEST_MAX_BODY_BYTES = 5 * 1024 * 1024;

  @Type(() => Number)
  @IsInt({ message: 'seconds, an integer between 0 and 86400' })
  @Min(0, { message: 'seconds, an integer between 0 and 86400' })
  @Max(86400, { message: 'seconds, an integer between 0 and 86400' })
  INGEST_MAX_FUTURE_SKEW_SECONDS = 300;

  @Type(() => Number)
  @IsInt({ message: 'events per second per API key, an integer between 1 and 1000000' })
  @Min(1, { message: 'events per second per API key, an integer between 1 and 1000000' })
  @Max(1000000, { message: 'events per second per API key, an integer between 1 and 1000000' })
  INGEST_RATE_LIMIT_PER_SECOND = 2000;

  @Type(() => Number)
  @IsInt({ message: 'events, an integer between 1 and 10000000' })
  @Min(1, { message: 'events, an integer between 1 and 10000000' })
  @Max(10000000, { message: 'events, an integer between 1 and 10000000' })
  INGEST_RATE_LIMIT_BURST = 5000;

  /** Accepted event ids each ingest process keeps in memory, so a resend skips the store. */
  @Type(() => Number)
  @IsInt({ message: 'event ids, an integer between 0 and 10000000' })
  @Min(0, { message: 'event ids, an integer between 0 and 10000000' })
  @Max(10000000, { message: 'event ids, an integer between 0 and 10000000' })
  INGEST_KNOWN_EVENT_IDS = 200_000;

  /**
   * A claimed event id whose outcome was never written (its ingest died between claim and
   * append) is released after this long, so a resend is appended; longer than an append can take.
   */
  @Type(() => Number)
  @IsInt({ message: 'seconds, an integer between 15 and 86400' })
  @Min(15, { message: 'seconds, an integer between 15 and 86400' })
  @Max(86400, { message: 'seconds, an integer between 15 and 86400' })
  INGEST_CLAIM_TIMEOUT_SECONDS = 60;
}
