import { DEFAULT_POLICIES, type ModelPolicies, modelKind } from '@touchpoint/read-models';
import { type RegisteredModel, instantiate } from './model-registry';

/** The three models of DESIGN §5 at version v1, with the given policies. */
export function liveModels(policies: ModelPolicies = DEFAULT_POLICIES): readonly RegisteredModel[] {
  return (['customer360', 'loyalty', 'crosssell'] as const).map((m) =>
    instantiate(modelKind(m), 'v1', policies[m]),
  );
}

export const LIVE_MODELS = liveModels();
