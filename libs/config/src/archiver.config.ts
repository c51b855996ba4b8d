import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** How the archiver batches appends to the event store. */
export class ArchiverConfig {
  /**
   * Largest append sent to the event store. EventStoreDB refuses appends over its MaxAppendSize
   * (1 MiB by default); an event alone over this limit is dead-lettered, not archived.
   */
  @Type(() => Number)
  @IsInt({ message: 'bytes, an integer between 1024 and 16777216' })
  @Min(1024, { message: 'bytes, an integer between 1024 and 16777216' })
  @Max(16777216, { message: 'bytes, an integer between 1024 and 16777216' })
  ARCHIVER_MAX_APPEND_BYTES = 1000000;

  /** Streams whose revision and event ids stay in memory (each costs ~40 bytes per event). */
  @Type(() => Number)
  @IsInt({ message: 'an integer between 10 and 1000000' })
  @Min(10, { message: 'an integer between 10 and 1000000' })
  @Max(1000000, { message: 'an integer between 10 and 1000000' })
  ARCHIVER_CACHED_STREAMS = 10000;
}
