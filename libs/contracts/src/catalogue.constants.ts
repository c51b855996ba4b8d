import { type EventType, type IdentityRule } from './catalogue.types';

/** Facts about each event type that are not field rules: why it exists and who it is about. */
export interface EventTypeInfo {
  readonly purpose: string;
  readonly identity: IdentityRule;
  /** Cross-field rules and consumer obligations, in words (the code is payload-refinements.ts). */
  readonly notes: readonly string[];
}

export const EVENT_TYPE_INFO: Readonly<Record<EventType, EventTypeInfo>> = {
  'customer.registered': {
    purpose:
      'A person became a known customer (sign-up, loyalty enrolment, account opened in store).',
    identity: 'customer',
    notes: ['All profile fields are optional; send what was captured.'],
  },
  'customer.profile_updated': {
    purpose: 'Profile or consent changed.',
    identity: 'customer',
    notes: [
      'Patch semantics: an absent field is unchanged, `null` clears it; `name` and `address` are replaced whole; consent flags merge one by one.',
      'At least one field must be present (`empty_update`).',
    ],
  },
  'customer.identified': {
    purpose:
      'An anonymous web/app visitor turned out to be a known customer (anonymousId -> customerId).',
    identity: 'customer_and_anonymous',
    notes: [
      'The envelope carries both `anonymousId` and `customerId`; events sent earlier or later with the same anonymousId belong to the customer.',
    ],
  },
  'customer.merged': {
    purpose: 'Two customer records were found to be the same person.',
    identity: 'customer',
    notes: [
      'The envelope `customerId` survives; `mergedCustomerId` is folded into it and retired.',
      '`mergedCustomerId` must differ from `customerId` (`same_customer`).',
    ],
  },
  'customer.erased': {
    purpose: 'The customer exercised the right to be forgotten.',
    identity: 'customer',
    notes: [
      'Read models drop personal data (name, email, phone, birth date, address, free texts) for this customer and must not restore it on replay; anonymous aggregates may keep counts.',
    ],
  },
  'call.logged': {
    purpose: 'A phone call with the call centre (CTI) ended.',
    identity: 'customer_or_anonymous',
    notes: [],
  },
  'email.sent': {
    purpose: 'An e-mail was sent to the customer.',
    identity: 'customer',
    notes: [],
  },
  'email.opened': {
    purpose: 'The customer opened an e-mail (tracking pixel).',
    identity: 'customer',
    notes: [],
  },
  'email.clicked': {
    purpose: 'The customer clicked a link in an e-mail.',
    identity: 'customer',
    notes: [],
  },
  'email.received': {
    purpose: 'The customer wrote an e-mail to the company.',
    identity: 'customer_or_anonymous',
    notes: [],
  },
  'web.visited': {
    purpose:
      'One web or app session, sent when the session ends: pages, products viewed, cart adds, checkout, conversion.',
    identity: 'customer_or_anonymous',
    notes: [
      'A session with cart adds that is not converted counts as an abandonment.',
      'Anonymous sessions are attributed to the customer once a `customer.identified` links the anonymousId, whatever the arrival order.',
    ],
  },
  'purchase.completed': {
    purpose: 'An order was paid (web, app, store, partner).',
    identity: 'customer_or_anonymous',
    notes: [
      'All amounts are integer minor units of `currency`.',
      'Each element of `items` is one order line; `quantity * unitPrice` is the line value before order-level discounts.',
    ],
  },
  'purchase.refunded': {
    purpose: 'Money of an order was given back, in full or in part.',
    identity: 'customer',
    notes: ['`amount` is positive; the event type carries the direction.'],
  },
  'complaint.opened': {
    purpose: 'The customer complained; the complaint desk tracks it until resolved.',
    identity: 'customer',
    notes: [],
  },
  'complaint.resolved': {
    purpose:
      'A complaint was closed with a resolution and optional compensation (service recovery).',
    identity: 'customer',
    notes: [
      '`compensation`, when present, has `points`, `money` or both (`one_of_required`).',
      'The loyalty model credits `compensation.points` to the ledger as an adjustment whose reason names the complaint; do not also send `loyalty.points_adjusted` for the same points.',
    ],
  },
  'feedback.submitted': {
    purpose: 'A survey answer: Net Promoter Score (0-10) and/or customer satisfaction (1-5).',
    identity: 'customer_or_anonymous',
    notes: ['At least one of `nps` and `csat` (`one_of_required`).'],
  },
  'loyalty.points_redeemed': {
    purpose: 'The customer spent loyalty points.',
    identity: 'customer',
    notes: ['`points` is positive; the ledger subtracts it.'],
  },
  'loyalty.points_adjusted': {
    purpose: 'Points were credited or debited by hand or by policy (correction, goodwill, expiry).',
    identity: 'customer',
    notes: ['`points` is signed and never zero; `reason` is required and shown in the ledger.'],
  },
};
