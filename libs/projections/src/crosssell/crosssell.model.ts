import type { ModelDescriptor } from '../model.types';
import { crosssellRelatedKeys, mergeCrosssellStates } from './crosssell.merge';
import { type CrosssellPolicy, parseCrosssellPolicy } from './crosssell.policy';
import { type CustomerCrosssellView, crosssellProjection } from './crosssell.projection';
import type { CustomerBasketsState } from './crosssell.state';

/**
 * The co-purchase aggregate documents this model's fold keeps are store-bound, so they are
 * registered with the descriptor in @touchpoint/read-models (model-kinds.ts).
 */
export const crosssellModel = {
  projection: crosssellProjection,
  parsePolicy: parseCrosssellPolicy,
  liveByDefault: true,
  codeDir: 'crosssell',
  identity: { relatedKeys: crosssellRelatedKeys, merge: mergeCrosssellStates },
} satisfies ModelDescriptor<CustomerBasketsState, CustomerCrosssellView, CrosssellPolicy>;
