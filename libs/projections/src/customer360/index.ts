export {
  customer360Projection,
  customer360Keys,
  evolveCustomer360,
  customer360TimelineEntry,
  customer360BeyondHorizon,
  CUSTOMER360_MODEL,
} from './customer360.projection';
export {
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_DETAIL_EVENTS,
  parseCustomer360Policy,
  type Customer360Policy,
  type LifecyclePolicy,
  type PolicyParseResult,
} from './customer360.policy';
export {
  customer360View,
  computeRfm,
  lifecycleStage,
  RESOLVED_SHOWN,
  type Customer360View,
  type LifecycleStage,
  type LifecycleView,
  type RfmFigures,
  type PurchaseSummary,
  type MonthlySpend,
  type RefundSummary,
  type ComplaintsView,
  type OpenComplaint,
  type ResolvedComplaint,
  type SatisfactionView,
  type WebView,
  type ChannelActivity,
  type CategorySummary,
  type ViewedProduct,
  type ScoreAt,
} from './customer360.view';
export { customer360Figures, localDayStart, type Customer360Figures } from './customer360.figures';
export { mergeCustomerStates, relatedKeys } from './customer360.merge';
export {
  initialCustomer360State,
  joinCustomer360States,
  retainedTimeline,
  MAX_OPEN_COMPLAINTS,
  TIMELINE_RETAINED,
  type Customer360State,
  type PurchaseRecord,
  type SessionRecord,
  type ComplaintRecord,
  type DocumentKind,
  type HorizonKey,
} from './customer360.state';
export { type Stamp, type TimelineEntry } from './customer360.record';
export { RECENT_PRODUCTS, type Customer360History } from './customer360.history';
export {
  matchesSearch,
  parseSearchQuery,
  normaliseEmail,
  normalisePhone,
  normaliseName,
  normaliseLoyaltyCard,
  deriveSearchKeys,
  type SearchKeys,
  type SearchQuery,
} from './customer360.search';
export { customer360Model } from './customer360.model';
