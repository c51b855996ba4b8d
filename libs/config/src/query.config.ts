import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * The agent API's cache of customers' read-model states (docs/agent-api.md, "Cached reads").
 * Change notices invalidate entries as they arrive; the TTLs bound how stale an entry can be
 * when a notice is lost or late.
 */
export class QueryConfig {
  /** Stored JSON of the cached states; 0 turns the cache off (every request reads the store). */
  @Type(() => Number)
  @IsInt({ message: 'mebibytes, an integer between 0 and 16384' })
  @Min(0, { message: 'mebibytes, an integer between 0 and 16384' })
  @Max(16384, { message: 'mebibytes, an integer between 0 and 16384' })
  QUERY_CACHE_MB = 64;

  /** The longest a cached state is served without reading the store again. */
  @Type(() => Number)
  @IsInt({ message: 'milliseconds, an integer between 100 and 600000' })
  @Min(100, { message: 'milliseconds, an integer between 100 and 600000' })
  @Max(600000, { message: 'milliseconds, an integer between 100 and 600000' })
  QUERY_CACHE_TTL_MS = 30000;

  /** How long "no such customer" is remembered: a flood of unknown ids reaches the store once per id and period. */
  @Type(() => Number)
  @IsInt({ message: 'milliseconds, an integer between 0 and 60000' })
  @Min(0, { message: 'milliseconds, an integer between 0 and 60000' })
  @Max(60000, { message: 'milliseconds, an integer between 0 and 60000' })
  QUERY_CACHE_NEGATIVE_TTL_MS = 1000;
}
