// Test oracle (spec files only): the unbounded model as of f29dec1, validated against independent
// tools; the bounded model's views are compared with it. Not part of the library.
import { type CrosssellPolicy } from '../crosssell.policy';
import {
  compareStrings,
  instantOf,
  localYearMonth,
  type CustomerBasketsState,
} from './crosssell.state.reference';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A month in which the customer bought in a gift category in several distinct years. */
export interface Occasion {
  readonly category: string;
  /** 1-12, in the customer's local time (the offset of their latest gift purchase). */
  readonly month: number;
  readonly years: readonly number[];
  readonly lastPurchaseAt: string;
  /** asOf lies in that month, locally, and no gift in the category was bought yet this time. */
  readonly due: boolean;
  /** `YYYY-MM` of the next month the reminder applies to, counted from asOf. */
  readonly nextDue: string;
  readonly message: string;
}

function offsetMinutes(occurredAt: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(occurredAt);
  if (m === null) return 0; // 'Z'
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Recurring occasions (SCENARIOS 1: gifts bought in May of two years → a reminder on 1 May).
 * Computed at read time from the stored purchase dates, so "due" moves with asOf and the state
 * never holds a clock-dependent figure. Purchases after asOf are ignored, so a read "as of" a
 * past date sees what was known then.
 */
export function recurringOccasions(
  state: CustomerBasketsState,
  asOf: Date,
  policy: CrosssellPolicy,
): Occasion[] {
  const asOfMs = asOf.getTime();
  const out: Occasion[] = [];
  for (const category of Object.keys(state.giftPurchases).sort(compareStrings)) {
    const dates = (state.giftPurchases[category] ?? []).filter((d) => instantOf(d) <= asOfMs);
    const byMonth = new Map<number, string[]>();
    for (const d of dates) {
      const { month } = localYearMonth(d);
      byMonth.set(month, [...(byMonth.get(month) ?? []), d]);
    }
    for (const month of [...byMonth.keys()].sort((a, b) => a - b)) {
      const inMonth = byMonth.get(month) ?? [];
      const years = [...new Set(inMonth.map((d) => localYearMonth(d).year))].sort((a, b) => a - b);
      if (years.length < policy.occasionMinYears) continue;
      const last = inMonth.reduce((a, b) =>
        instantOf(b) > instantOf(a) || (instantOf(b) === instantOf(a) && b > a) ? b : a,
      );
      const local = new Date(asOfMs + offsetMinutes(last) * 60_000);
      const nowYear = local.getUTCFullYear();
      const nowMonth = local.getUTCMonth() + 1;
      const boughtThisYear = years.includes(nowYear);
      const due = month === nowMonth && !boughtThisYear;
      const dueYear =
        month > nowMonth || (month === nowMonth && !boughtThisYear) ? nowYear : nowYear + 1;
      const monthName = MONTHS[month - 1] ?? String(month);
      out.push({
        category,
        month,
        years,
        lastPurchaseAt: last,
        due,
        nextDue: `${dueYear}-${pad2(month)}`,
        message:
          `Bought in ${category} in ${monthName} of ${years.join(', ')}` +
          (due
            ? `: a ${monthName} gift reminder is due now.`
            : `; next reminder ${monthName} ${dueYear}.`),
      });
    }
  }
  return out;
}
