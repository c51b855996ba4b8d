import type { ModelDescriptor } from '../model.types';
import { customer360Figures } from './customer360.figures';
import { mergeCustomerStates, relatedKeys } from './customer360.merge';
import { type Customer360Policy, parseCustomer360Policy } from './customer360.policy';
import { customer360Projection } from './customer360.projection';
import type { Customer360State } from './customer360.state';
import type { Customer360View } from './customer360.view';

export const customer360Model = {
  projection: customer360Projection,
  parsePolicy: parseCustomer360Policy,
  liveByDefault: true,
  codeDir: 'customer360',
  identity: { relatedKeys, merge: mergeCustomerStates },
  searchFields: (state) => ({ ...state.searchKeys }),
  indexes: [
    ...['emails', 'phones', 'names', 'loyaltyCards'].map((f) => ({ fields: [`search.${f}`] })),
    // Analysts filter by stage, and list who is at risk at their own "now" by a range on
    // both instants. FerretDB-SQLite scans instead (docs/read-models.md); MongoDB uses them.
    { fields: ['figures.lifecycleAtAsOf'] },
    { fields: ['figures.atRiskFrom', 'figures.lapsedFrom'] },
  ],
  // Agents look customers up by these exact values; names are prefix searches.
  lookupFields: ['emails', 'phones', 'loyaltyCards'],
  figures: customer360Figures,
  facets: (v) => ({ kind: v.kind, lifecycle: v.lifecycle.stage }),
} satisfies ModelDescriptor<Customer360State, Customer360View, Customer360Policy>;
