import type { RegisteredModel } from './model-registry';

/** The model versions the live projector folds (filled as the models land). */
export const LIVE_MODELS: readonly RegisteredModel[] = [];
