import type { RecordedEvent } from '@touchpoint/contracts';
import type { LoyaltyView } from '@touchpoint/projections';

export interface ComplaintEvent {
  readonly kind: 'complaint';
  readonly customerId: string;
  readonly complaintId: string;
  readonly status: 'opened' | 'resolved';
  readonly at: string;
  readonly category?: string;
  readonly severity?: string;
  readonly resolution?: string;
  readonly compensationPoints?: number;
}

export interface TierEvent {
  readonly kind: 'tier';
  readonly customerId: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

export type SupervisorEvent = ComplaintEvent | TierEvent;

/** A complaint opened or resolved, as supervisors see it; undefined for other events. */
export function complaintEvent(event: RecordedEvent): ComplaintEvent | undefined {
  if (event.customerId === undefined) return undefined;
  if (event.type === 'complaint.opened') {
    return {
      kind: 'complaint',
      customerId: event.customerId,
      complaintId: event.payload.complaintId,
      status: 'opened',
      at: event.occurredAt,
      category: event.payload.category,
      severity: event.payload.severity,
    };
  }
  if (event.type === 'complaint.resolved') {
    return {
      kind: 'complaint',
      customerId: event.customerId,
      complaintId: event.payload.complaintId,
      status: 'resolved',
      at: event.occurredAt,
      resolution: event.payload.resolution,
      ...(event.payload.compensation?.points !== undefined
        ? { compensationPoints: event.payload.compensation.points }
        : {}),
    };
  }
  return undefined;
}

/**
 * Did this loyalty update change the tier? With the tier last seen for the customer, compare;
 * without it (first update since the server started), only a history entry dated at the very
 * event that caused the update counts, so an old change is never announced as new.
 */
export function tierChange(
  view: LoyaltyView,
  previousTier: string | undefined,
  causeOccurredAt: string,
): TierEvent | undefined {
  if (previousTier !== undefined) {
    if (previousTier === view.tier) return undefined;
    const last = view.tierHistory[view.tierHistory.length - 1];
    return {
      kind: 'tier',
      customerId: view.customerId,
      from: previousTier,
      to: view.tier,
      at: last?.to === view.tier ? last.at : view.asOf,
    };
  }
  const last = view.tierHistory[view.tierHistory.length - 1];
  if (last === undefined || Date.parse(last.at) !== Date.parse(causeOccurredAt)) return undefined;
  return { kind: 'tier', customerId: view.customerId, from: last.from, to: last.to, at: last.at };
}
