import { formatMinorUnits } from '../money';
import { type ConsentFlags, parseOffsetTimestamp, type RecordedEvent } from '@touchpoint/contracts';
import { assertNever } from '@touchpoint/core';
import { customerKey, visitorKey, type Projection } from '../projection.types';
import { DEFAULT_CUSTOMER360_POLICY, type Customer360Policy } from './customer360.policy';
import { getKey, setKey, type Stamp, type TimelineEntry } from './customer360.record';
import {
  CONSENT_KEYS,
  type ConsentState,
  type Customer360State,
  DocumentBuilder,
  type EventFacts,
  type Field,
  initialCustomer360State,
  isBelowHorizon,
  type ProfileState,
} from './customer360.state';
import { customer360View, type Customer360View } from './customer360.view';

export const CUSTOMER360_MODEL = 'customer360';

function byIdentity(event: RecordedEvent): readonly string[] {
  if (event.customerId !== undefined) return [customerKey(event.customerId)];
  if (event.anonymousId !== undefined) return [visitorKey(event.anonymousId)];
  return [];
}

export function customer360Keys(event: RecordedEvent): readonly string[] {
  switch (event.type) {
    case 'customer.identified': {
      const keys: string[] = [];
      if (event.customerId !== undefined) keys.push(customerKey(event.customerId));
      if (event.anonymousId !== undefined) keys.push(visitorKey(event.anonymousId));
      return keys;
    }
    case 'customer.merged':
      return event.customerId === undefined
        ? []
        : [customerKey(event.customerId), customerKey(event.payload.mergedCustomerId)];
    case 'customer.registered':
    case 'customer.profile_updated':
    case 'customer.erased':
    case 'call.logged':
    case 'email.sent':
    case 'email.opened':
    case 'email.clicked':
    case 'email.received':
    case 'web.visited':
    case 'purchase.completed':
    case 'purchase.refunded':
    case 'complaint.opened':
    case 'complaint.resolved':
    case 'feedback.submitted':
    case 'loyalty.points_redeemed':
    case 'loyalty.points_adjusted':
      return byIdentity(event);
    default:
      return assertNever(event, 'event type');
  }
}

function stampOf(event: RecordedEvent): Stamp {
  const ms = parseOffsetTimestamp(event.occurredAt);
  // Events reach evolve validated; an unparsable time here is a shell bug, not bad input.
  if (ms === undefined) throw new Error(`customer360: unparsable occurredAt ${event.occurredAt}`);
  return { at: event.occurredAt, ms, eventId: event.eventId };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

type Delta = EventFacts & { readonly summary: string; readonly ref: string | null };

function profileDelta(
  stamp: Stamp,
  payload: {
    readonly [K in keyof ProfileState]?: NonNullable<ProfileState[K]>['value'] | undefined;
  },
): ProfileState {
  const out: Record<string, Field<unknown>> = {};
  for (const [key, value] of Object.entries(payload)) {
    // Absent leaves the field alone; null clears it (and is remembered, so an older value
    // arriving later cannot resurrect it).
    if (value !== undefined) out[key] = { value, stamp };
  }
  return out;
}

function consentDelta(stamp: Stamp, consent: ConsentFlags | undefined): ConsentState {
  const out: Record<string, Field<boolean>> = {};
  for (const key of CONSENT_KEYS) {
    const value = consent?.[key];
    if (typeof value === 'boolean') out[key] = { value, stamp };
  }
  return out;
}

/** What one event contributes, on the document `key`; evolve joins it into the state. */
function deltaOf(event: RecordedEvent, key: string, stamp: Stamp): Delta {
  switch (event.type) {
    case 'customer.registered': {
      const { consent, ...profile } = event.payload;
      return {
        registered: stamp,
        profile: profileDelta(stamp, profile),
        consent: consentDelta(stamp, consent),
        summary: 'Registered',
        ref: null,
      };
    }
    case 'customer.profile_updated': {
      const { consent, ...profile } = event.payload;
      const changed = Object.keys(event.payload).sort().join(', ');
      return {
        profile: profileDelta(stamp, profile),
        consent: consentDelta(stamp, consent),
        summary: `Profile updated: ${changed}`,
        ref: null,
      };
    }
    case 'customer.identified': {
      const customerId = event.customerId ?? '';
      const anonymousId = event.anonymousId ?? '';
      const summary = `Visitor ${anonymousId} identified as ${customerId} (${event.payload.method})`;
      return key === visitorKey(anonymousId)
        ? { linkedCustomerId: customerId, summary, ref: customerId }
        : { linkedAnonymousId: anonymousId, summary, ref: anonymousId };
    }
    case 'customer.merged': {
      const target = event.customerId ?? '';
      const source = event.payload.mergedCustomerId;
      const summary = `Customer ${source} merged into ${target}`;
      return key === customerKey(source)
        ? { mergedInto: target, summary, ref: target }
        : { absorbedCustomerId: source, summary, ref: source };
    }
    case 'customer.erased':
      return {
        erased: { stamp, reason: event.payload.reason },
        summary: `Personal data erased (${event.payload.reason})`,
        ref: event.payload.requestId ?? null,
      };
    case 'call.logged': {
      const p = event.payload;
      const outcome = p.outcome === undefined ? '' : `, ${p.outcome.replace('_', ' ')}`;
      return {
        summary: `${p.direction === 'inbound' ? 'Inbound' : 'Outbound'} call, ${p.durationSeconds} s${outcome}`,
        ref: p.callId,
      };
    }
    case 'email.sent': {
      const p = event.payload;
      const campaign = p.campaignId === undefined ? '' : `, campaign ${p.campaignId}`;
      return { summary: `E-mail sent (${p.kind}${campaign})`, ref: p.messageId };
    }
    case 'email.opened':
      return { summary: 'E-mail opened', ref: event.payload.messageId };
    case 'email.clicked':
      return { summary: 'E-mail link clicked', ref: event.payload.messageId };
    case 'email.received': {
      const p = event.payload;
      const about = p.complaintId === undefined ? '' : ` about complaint ${p.complaintId}`;
      return { summary: `E-mail received${about}`, ref: p.messageId };
    }
    case 'web.visited': {
      const p = event.payload;
      const outcome = p.converted
        ? 'converted'
        : p.checkoutStarted
          ? 'checkout abandoned'
          : p.cartAdds.length > 0
            ? 'cart abandoned'
            : 'browsed';
      return {
        session: {
          sessionId: p.sessionId,
          products: p.productsViewed,
          record: {
            last: event.eventId,
            cart: p.cartAdds.length > 0,
            checkoutStarted: p.checkoutStarted,
            converted: p.converted,
          },
        },
        summary: `Web session: ${plural(p.pages.length, 'page')}, ${plural(p.productsViewed.length, 'product')} viewed, ${plural(p.cartAdds.length, 'cart add')}, ${outcome}`,
        ref: p.sessionId,
      };
    }
    case 'purchase.completed': {
      const p = event.payload;
      const categories: Record<string, number> = {};
      for (const i of p.items)
        setKey(categories, i.category, (getKey(categories, i.category) ?? 0) + i.quantity);
      return {
        purchase: {
          orderId: p.orderId,
          record: { eventId: event.eventId, currency: p.currency, total: p.total, categories },
        },
        summary: `Order ${p.orderId}: ${plural(p.items.length, 'line')}, ${formatMinorUnits(p.total, p.currency)}`,
        ref: p.orderId,
      };
    }
    case 'purchase.refunded': {
      const p = event.payload;
      return {
        refund: {
          refundId: p.refundId,
          record: {
            eventId: event.eventId,
            orderId: p.orderId,
            amount: p.amount,
            currency: p.currency,
          },
        },
        summary: `Refund ${p.refundId} on order ${p.orderId}: ${formatMinorUnits(p.amount, p.currency)}`,
        ref: p.refundId,
      };
    }
    case 'complaint.opened': {
      const p = event.payload;
      return {
        complaint: {
          complaintId: p.complaintId,
          record: {
            opened: {
              stamp,
              channel: event.channel,
              category: p.category,
              severity: p.severity,
              description: p.description,
              orderId: p.orderId ?? null,
            },
            resolved: null,
          },
        },
        summary: `Complaint ${p.complaintId} opened (${p.category}, ${p.severity})`,
        ref: p.complaintId,
      };
    }
    case 'complaint.resolved': {
      const p = event.payload;
      const c = p.compensation;
      const parts = [
        ...(c?.points !== undefined ? [`${c.points} points`] : []),
        ...(c?.money !== undefined ? [formatMinorUnits(c.money.amount, c.money.currency)] : []),
      ];
      return {
        complaint: {
          complaintId: p.complaintId,
          record: {
            opened: null,
            resolved: {
              stamp,
              resolution: p.resolution,
              compensationPoints: c?.points ?? null,
              compensationMoney: c?.money
                ? { amount: c.money.amount, currency: c.money.currency }
                : null,
            },
          },
        },
        summary: `Complaint ${p.complaintId} resolved${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`,
        ref: p.complaintId,
      };
    }
    case 'feedback.submitted': {
      const p = event.payload;
      const scores = [
        ...(p.nps !== undefined ? [`NPS ${p.nps}`] : []),
        ...(p.csat !== undefined ? [`CSAT ${p.csat}`] : []),
      ];
      return {
        feedback: { nps: p.nps ?? null, csat: p.csat ?? null },
        summary: `Feedback: ${scores.join(', ')}`,
        ref: p.surveyId ?? null,
      };
    }
    case 'loyalty.points_redeemed':
      return {
        summary: `Redeemed ${plural(event.payload.points, 'point')}`,
        ref: event.payload.redemptionId,
      };
    case 'loyalty.points_adjusted': {
      const points = event.payload.points;
      return {
        summary: `Points adjusted by ${points > 0 ? '+' : ''}${points}`,
        ref: event.payload.adjustmentId,
      };
    }
    default:
      return assertNever(event, 'event type');
  }
}

function timelineEntryOf(
  event: RecordedEvent,
  stamp: Stamp,
  summary: string,
  ref: string | null,
): TimelineEntry {
  return {
    eventId: event.eventId,
    type: event.type,
    channel: event.channel,
    at: stamp.at,
    ms: stamp.ms,
    summary,
    ref,
  };
}

/**
 * The timeline entry one event makes on the document `key`, exactly as evolve files it: lets a
 * reader of the archived stream show entries the read model no longer retains.
 */
export function customer360TimelineEntry(event: RecordedEvent, key: string): TimelineEntry {
  const stamp = stampOf(event);
  const { summary, ref } = deltaOf(event, key, stamp);
  return timelineEntryOf(event, stamp, summary, ref);
}

/**
 * Folds events into one document: each event's facts go into the document's maps in place,
 * then the document is compacted below its horizon once. An eventId the detail already holds
 * is a no-op (redelivery, client retry); so is the same event twice in one batch.
 */
export function evolveCustomer360Batch(
  state: Customer360State,
  events: readonly RecordedEvent[],
  key: string,
  policy: Customer360Policy,
): Customer360State {
  const doc = new DocumentBuilder(state);
  const onCustomer = state.kind === 'customer';
  for (const event of events) {
    if (doc.knows(event.eventId)) continue;
    const stamp = stampOf(event);
    const { summary, ref, ...facts } = deltaOf(event, key, stamp);
    // An event that names both ids on a customer document says the visitor is this customer.
    const implicitLink =
      onCustomer && event.type !== 'customer.identified' && event.anonymousId !== undefined;
    doc.add(
      event.eventId,
      { type: event.type, channel: event.channel, at: stamp.at, ms: stamp.ms, summary, ref },
      stamp,
      implicitLink ? { ...facts, linkedAnonymousId: event.anonymousId } : facts,
    );
  }
  return doc.build(policy);
}

export function evolveCustomer360(
  state: Customer360State,
  event: RecordedEvent,
  key: string,
  policy: Customer360Policy,
): Customer360State {
  return evolveCustomer360Batch(state, [event], key, policy);
}

/**
 * True when the event lies below the document's horizon and its id is not in the detail: it
 * is then compacted at once, and were it a duplicate it would count twice.
 */
export function customer360BeyondHorizon(state: Customer360State, event: RecordedEvent): boolean {
  if (state.horizon === null || getKey(state.events, event.eventId) !== undefined) return false;
  const ms = parseOffsetTimestamp(event.occurredAt);
  return ms !== undefined && isBelowHorizon(state.horizon, ms, event.eventId);
}

export const customer360Projection: Projection<
  Customer360State,
  Customer360View,
  Customer360Policy
> = {
  model: CUSTOMER360_MODEL,
  // 2: bounded documents (detail within the horizon, compacted history).
  stateSchema: 2,
  defaultPolicy: DEFAULT_CUSTOMER360_POLICY,
  keys: customer360Keys,
  initial: initialCustomer360State,
  evolve: (state, positioned, key, policy) =>
    evolveCustomer360(state, positioned.event, key, policy),
  evolveBatch: (state, events, key, policy) =>
    evolveCustomer360Batch(
      state,
      events.map((e) => e.event),
      key,
      policy,
    ),
  beyondHorizon: (state, positioned) => customer360BeyondHorizon(state, positioned.event),
  view: customer360View,
};
