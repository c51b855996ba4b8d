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
}
