import { type FieldViolation } from '@touchpoint/core';
import {
  type ComplaintResolvedPayload,
  type CustomerMergedPayload,
  type CustomerProfileUpdatedPayload,
  type EventType,
  type FeedbackSubmittedPayload,
} from './catalogue.types';

/** The envelope fields a cross-field rule may look at. */
export interface RefinementContext {
  readonly customerId?: string;
  readonly anonymousId?: string;
}

type Refinement = (payload: unknown, ctx: RefinementContext) => FieldViolation[];

const present = (v: unknown): boolean => v !== undefined;

/**
 * Rules that span fields and so cannot live on a single property decorator. They run on the
 * current-version payload after it passed its DTO, so they may rely on its shape.
 */
const REFINEMENTS: Partial<Record<EventType, Refinement>> = {
  'customer.profile_updated': (raw) => {
    const p = raw as CustomerProfileUpdatedPayload;
    const keys = [
      'name',
      'email',
      'phone',
      'birthDate',
      'address',
      'loyaltyCardId',
      'consent',
    ] as const;
    return keys.some((k) => present(p[k]))
      ? []
      : [{ path: 'payload', code: 'empty_update', message: 'must change at least one field' }];
  },
  'customer.merged': (raw, ctx) => {
    const p = raw as CustomerMergedPayload;
    return p.mergedCustomerId === ctx.customerId
      ? [
          {
            path: 'payload.mergedCustomerId',
            code: 'same_customer',
            message: 'must differ from the envelope customerId',
          },
        ]
      : [];
  },
  'complaint.resolved': (raw) => {
    const p = raw as ComplaintResolvedPayload;
    const c = p.compensation;
    if (c === undefined || c === null) return [];
    return present(c.points ?? undefined) || present(c.money ?? undefined)
      ? []
      : [
          {
            path: 'payload.compensation',
            code: 'one_of_required',
            message: 'must give points, money or both (omit compensation when there is none)',
          },
        ];
  },
  'feedback.submitted': (raw) => {
    const p = raw as FeedbackSubmittedPayload;
    return present(p.nps ?? undefined) || present(p.csat ?? undefined)
      ? []
      : [{ path: 'payload', code: 'one_of_required', message: 'must carry nps, csat or both' }];
  },
};

export function refinePayload(
  type: EventType,
  payload: unknown,
  ctx: RefinementContext,
): FieldViolation[] {
  return REFINEMENTS[type]?.(payload, ctx) ?? [];
}
