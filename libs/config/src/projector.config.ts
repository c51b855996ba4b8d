import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** Where the model policies come from (tiers, chains, lifecycle rules…); defaults when unset. */
export class ProjectorConfig {
  @IsOptional()
  @IsString({ message: 'a path to a JSON file with customer360, loyalty and crosssell policies' })
  MODELS_CONFIG?: string;

  /** How often projectors re-read the model catalog (new live versions, dropped ones). */
  @Type(() => Number)
  @IsInt({ message: 'milliseconds, an integer between 100 and 600000' })
  @Min(100, { message: 'milliseconds, an integer between 100 and 600000' })
  @Max(600000, { message: 'milliseconds, an integer between 100 and 600000' })
  MODEL_CATALOG_POLL_MS = 2000;

  /**
   * Stored JSON of parsed read-model states each model version keeps in memory between folds
   * (hot documents are then neither read back nor parsed again); crosssell's co-purchase
   * aggregate documents get a second cache of a quarter of it. 0 turns both off.
   */
  @Type(() => Number)
  @IsInt({ message: 'mebibytes, an integer between 0 and 16384' })
  @Min(0, { message: 'mebibytes, an integer between 0 and 16384' })
  @Max(16384, { message: 'mebibytes, an integer between 0 and 16384' })
  PROJECTOR_STATE_CACHE_MB = 64;

  /**
   * The largest state a read-model document may hold, in KiB of its JSON: an event that would
   * take a document past it is dead-lettered (code document_too_large) instead of the store
   * refusing the write and the partition stalling. Under MongoDB's 16 MiB limit by default.
   */
  @Type(() => Number)
  @IsInt({ message: 'kibibytes, an integer between 16 and 16000' })
  @Min(16, { message: 'kibibytes, an integer between 16 and 16000' })
  @Max(16000, { message: 'kibibytes, an integer between 16 and 16000' })
  PROJECTOR_MAX_DOCUMENT_KB = 15360;
}
