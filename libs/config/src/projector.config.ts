import { IsOptional, IsString } from 'class-validator';

/** Where the model policies come from (tiers, chains, lifecycle rules…); defaults when unset. */
export class ProjectorConfig {
  @IsOptional()
  @IsString({ message: 'a path to a JSON file with customer360, loyalty and crosssell policies' })
  MODELS_CONFIG?: string;
}
