import type { RecordedEvent } from '@touchpoint/contracts';
import { assertNever } from '@touchpoint/core';
import { type EventHandlers, handle } from '../event-handlers';
import { type PositionedEvent, type Projection, customerKey } from '../projection.types';
import {
  type ContactPreferencePolicy,
  DEFAULT_CONTACT_PREFERENCE_POLICY,
} from './contactpreference.policy';

export const CONTACT_PREFERENCE_MODEL = 'contactpreference';

/** Per channel: our outreach, the answers to it, and contacts the customer started. */
export interface ChannelTally {
  readonly attempts: number;
  readonly responses: number;
  readonly inbound: number;
}

/**
 * Facts only, each kept so that folding is idempotent and order-free: e-mails are per message
 * (sent and answered are flags that can arrive in any order), everything else is a counter
 * guarded by the event ids already applied.
 */
export interface ContactPreferenceState {
  readonly customerId: string;
  readonly erased: boolean;
  /** messageId → whether we sent it and whether the customer opened or clicked it. */
  readonly emails: Record<string, { readonly sent: boolean; readonly responded: boolean }>;
  /** Channel → tally, without e-mail outreach (derived from `emails` when viewed). */
  readonly channels: Record<string, ChannelTally>;
  /** Local hour of day (0–23, as the channel stamped occurredAt) → responses at that hour. */
  readonly hours: number[];
  readonly appliedEventIds: string[];
}

export interface ChannelScore extends ChannelTally {
  readonly channel: string;
  readonly score: number;
}

export interface ContactPreferenceView {
  readonly customerId: string;
  readonly preferredChannel: string | null;
  readonly bestHour: number | null;
  readonly channels: readonly ChannelScore[];
}

const CUSTOMER_PREFIX = customerKey('');
const ANSWERED_CALL = new Set(['resolved', 'follow_up', 'escalated']);

export function contactPreferenceKeys(event: RecordedEvent): readonly string[] {
  return event.customerId === undefined ? [] : [customerKey(event.customerId)];
}

export function initialContactPreferenceState(key: string): ContactPreferenceState {
  return {
    customerId: key.startsWith(CUSTOMER_PREFIX) ? key.slice(CUSTOMER_PREFIX.length) : key,
    erased: false,
    emails: {},
    channels: {},
    hours: Array.from({ length: 24 }, () => 0),
    appliedEventIds: [],
  };
}

/** The hour on the channel's own clock: `2025-04-02T14:20:00+08:00` is 14. */
export function localHour(occurredAt: string): number {
  const m = /T(\d{2}):/.exec(occurredAt);
  if (!m) throw new Error(`contactpreference: occurredAt ${occurredAt} has no hour`);
  return Number(m[1]);
}

type Effect =
  | { readonly kind: 'email_sent'; readonly messageId: string }
  | { readonly kind: 'email_response'; readonly messageId: string }
  | { readonly kind: 'attempt'; readonly channel: string; readonly answered: boolean }
  | { readonly kind: 'inbound'; readonly channel: string }
  | { readonly kind: 'erase' }
  | { readonly kind: 'none' };

const NONE: Effect = { kind: 'none' };

const EFFECTS: EventHandlers<Effect> = {
  'email.sent': (event) => ({ kind: 'email_sent', messageId: event.payload.messageId }),
  'email.opened': (event) => ({ kind: 'email_response', messageId: event.payload.messageId }),
  'email.clicked': (event) => ({ kind: 'email_response', messageId: event.payload.messageId }),
  'email.received': () => ({ kind: 'inbound', channel: 'email' }),
  'call.logged': (event) =>
    event.payload.direction === 'outbound'
      ? {
          kind: 'attempt',
          channel: event.channel,
          answered: ANSWERED_CALL.has(event.payload.outcome ?? ''),
        }
      : { kind: 'inbound', channel: event.channel },
  'web.visited': (event) => ({ kind: 'inbound', channel: event.channel }),
  'purchase.completed': (event) => ({ kind: 'inbound', channel: event.channel }),
  'complaint.opened': (event) => ({ kind: 'inbound', channel: event.channel }),
  'feedback.submitted': (event) => ({ kind: 'inbound', channel: event.channel }),
  'customer.erased': () => ({ kind: 'erase' }),
};

export function evolveContactPreference(
  state: ContactPreferenceState,
  { event }: PositionedEvent,
): ContactPreferenceState {
  // Erasure is terminal, so events before or after it in the log end in the same empty state.
  if (state.erased || state.appliedEventIds.includes(event.eventId)) return state;
  const effect = handle(EFFECTS, event, NONE, undefined, undefined);
  if (effect.kind === 'none') return state;
  if (effect.kind === 'erase') {
    return { ...initialContactPreferenceState(customerKey(state.customerId)), erased: true };
  }
  const appliedEventIds = insertSorted(state.appliedEventIds, event.eventId);
  const hour = localHour(event.occurredAt);
  const addHour = (hours: number[]) => hours.map((n, h) => (h === hour ? n + 1 : n));
  switch (effect.kind) {
    case 'email_sent':
    case 'email_response': {
      const before = state.emails[effect.messageId] ?? { sent: false, responded: false };
      const email =
        effect.kind === 'email_sent' ? { ...before, sent: true } : { ...before, responded: true };
      return {
        ...state,
        emails: { ...state.emails, [effect.messageId]: email },
        hours: effect.kind === 'email_response' ? addHour(state.hours) : state.hours,
        appliedEventIds,
      };
    }
    case 'attempt':
    case 'inbound': {
      const t = state.channels[effect.channel] ?? { attempts: 0, responses: 0, inbound: 0 };
      const next: ChannelTally =
        effect.kind === 'inbound'
          ? { ...t, inbound: t.inbound + 1 }
          : {
              ...t,
              attempts: t.attempts + 1,
              responses: t.responses + (effect.answered ? 1 : 0),
            };
      const responded = effect.kind === 'inbound' || effect.answered;
      return {
        ...state,
        channels: { ...state.channels, [effect.channel]: next },
        hours: responded ? addHour(state.hours) : state.hours,
        appliedEventIds,
      };
    }
    default:
      return assertNever(effect, 'effect');
  }
}

function tallies(state: ContactPreferenceState): Map<string, ChannelTally> {
  const out = new Map<string, ChannelTally>(Object.entries(state.channels));
  const emails = Object.values(state.emails);
  if (emails.length > 0) {
    const t = out.get('email') ?? { attempts: 0, responses: 0, inbound: 0 };
    // An answer to a message sent before our history began still proves a send.
    out.set('email', {
      ...t,
      attempts: t.attempts + emails.length,
      responses: t.responses + emails.filter((e) => e.responded).length,
    });
  }
  return out;
}

export function contactPreferenceView(
  state: ContactPreferenceState,
  _asOf: Date,
  policy: ContactPreferencePolicy,
): ContactPreferenceView {
  const channels: ChannelScore[] = [...tallies(state)]
    .map(([channel, t]) => {
      const inbound = policy.inboundWeight * t.inbound;
      const score =
        (t.responses + inbound + policy.priorResponses) /
        (t.attempts + inbound + policy.priorAttempts);
      return { channel, ...t, score: Math.round(score * 1e6) / 1e6 };
    })
    .sort((a, b) => b.score - a.score || a.channel.localeCompare(b.channel));
  const ranked = channels.filter((c) => c.attempts + c.inbound >= policy.minEvidence);
  const top = Math.max(...state.hours);
  return {
    customerId: state.customerId,
    preferredChannel: ranked[0]?.channel ?? null,
    bestHour: top > 0 ? state.hours.indexOf(top) : null,
    channels,
  };
}

function insertSorted(list: readonly string[], id: string): string[] {
  const out = [...list, id];
  out.sort();
  return out;
}

export const contactPreferenceProjection: Projection<
  ContactPreferenceState,
  ContactPreferenceView,
  ContactPreferencePolicy
> = {
  model: CONTACT_PREFERENCE_MODEL,
  defaultPolicy: DEFAULT_CONTACT_PREFERENCE_POLICY,
  keys: contactPreferenceKeys,
  initial: initialContactPreferenceState,
  evolve: (state, event) => evolveContactPreference(state, event),
  view: contactPreferenceView,
};
