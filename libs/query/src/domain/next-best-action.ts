import type {
  Customer360View,
  LoyaltyView,
  Occasion,
  Recommendation,
} from '@touchpoint/projections';

export type NextBestActionKind =
  'resolve_complaint' | 'greeting' | 'occasion_reminder' | 'recommendation' | 'win_back' | 'none';

export interface NextBestAction {
  readonly kind: NextBestActionKind;
  readonly title: string;
  readonly reason: string;
  /** The business id it is about: complaint id, occasion month, recommended sku/category. */
  readonly ref?: string;
}

export interface NextBestActionInput {
  /** The unmasked view: the birthday is read here, never shown. */
  readonly customer: Customer360View;
  readonly loyalty: LoyaltyView;
  readonly occasions: readonly Occasion[];
  readonly recommendations: readonly Recommendation[];
  readonly asOf: Date;
}

/** Days ahead of a birthday in which a very loyal customer is greeted. */
export const BIRTHDAY_GREETING_DAYS = 7;
const MAX_RECOMMENDATIONS = 3;
const DAY_MS = 86_400_000;

/** Days from asOf's (UTC) date to the next birthday, 0 on the day; null without a birth date. */
export function daysToBirthday(birthDate: string | null, asOf: Date): number | null {
  const m = birthDate === null ? null : /^\d{4}-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return null;
  const month = Number(m[1]) - 1;
  const day = Number(m[2]);
  const today = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  for (const year of [asOf.getUTCFullYear(), asOf.getUTCFullYear() + 1]) {
    // 29 February is celebrated on 28 February in other years (Date.UTC would roll to 1 March).
    const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    const d = month === 1 && day === 29 && !leap ? 28 : day;
    const next = Date.UTC(year, month, d);
    if (next >= today) return Math.round((next - today) / DAY_MS);
  }
  return null;
}

/**
 * What the agent should do now, first item first (SCENARIOS 1 and 3). Service before sales:
 * an open complaint comes before any greeting or offer. Then what is due today (a birthday
 * greeting for tiers eligible for greetings, a recurring-occasion reminder), then offers for
 * tiers eligible for recommendations, then a win-back for customers drifting away.
 */
export function nextBestActions(input: NextBestActionInput): NextBestAction[] {
  const { customer, loyalty } = input;
  if (customer.identity.erased) {
    return [{ kind: 'none', title: 'No action', reason: 'the customer asked to be forgotten' }];
  }
  const actions: NextBestAction[] = [];
  const bySeverity = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  const open = [...customer.complaints.open].sort(
    (a, b) => bySeverity[a.severity] - bySeverity[b.severity] || b.ageHours - a.ageHours,
  );
  for (const c of open) {
    actions.push({
      kind: 'resolve_complaint',
      title: `Resolve complaint ${c.complaintId}`,
      reason: `${c.severity} ${c.category} complaint open for ${Math.floor(c.ageHours)} hours`,
      ref: c.complaintId,
    });
  }
  const toBirthday = daysToBirthday(customer.profile.birthDate, input.asOf);
  if (loyalty.outreach.greetings && toBirthday !== null && toBirthday <= BIRTHDAY_GREETING_DAYS) {
    actions.push({
      kind: 'greeting',
      title: toBirthday === 0 ? 'Wish a happy birthday' : 'Mention the coming birthday',
      reason:
        `${loyalty.tier} customers get greetings; ` +
        (toBirthday === 0 ? 'the birthday is today' : `the birthday is in ${toBirthday} days`),
    });
  }
  for (const o of input.occasions.filter((x) => x.due)) {
    actions.push({
      kind: 'occasion_reminder',
      title: `Offer a ${o.category} gift reminder`,
      reason: o.message,
      ref: `${o.category}@${o.nextDue}`,
    });
  }
  if (loyalty.outreach.recommendations) {
    for (const r of input.recommendations.slice(0, MAX_RECOMMENDATIONS)) {
      actions.push({
        kind: 'recommendation',
        title: `Suggest ${r.name ?? r.target}`,
        reason: r.explanation,
        ref: r.target,
      });
    }
  }
  const stage = customer.lifecycle.stage;
  if (stage === 'at_risk' || stage === 'lapsed') {
    actions.push({
      kind: 'win_back',
      title: stage === 'lapsed' ? 'Invite the customer back' : 'Check in before they drift away',
      reason: customer.lifecycle.reason,
    });
  }
  if (actions.length === 0) {
    actions.push({
      kind: 'none',
      title: 'No action',
      reason: `no open complaint, nothing due, and ${loyalty.tier} customers get no offers`,
    });
  }
  return actions;
}
