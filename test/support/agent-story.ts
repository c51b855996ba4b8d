import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS, type EventType } from '@touchpoint/contracts';
import { createKey, post } from './ingest-client';

type Event = Record<string, unknown>;

const DAY_MS = 86_400_000;

const at = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

/** A catalogue example with a fresh id, another customer, time and channel, payload overridden. */
function from(
  type: EventType,
  customerId: string,
  occurredMs: number,
  channel: string,
  payload: Record<string, unknown> = {},
): Event {
  const example = JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as Event;
  delete example.anonymousId;
  delete example.correlationId;
  return {
    ...example,
    eventId: randomUUID(),
    customerId,
    channel,
    occurredAt: at(occurredMs),
    payload: { ...(example.payload as object), ...payload },
  };
}

export function storyPurchase(
  customerId: string,
  occurredMs: number,
  channel: string,
  orderId: string,
  total: number,
): Event {
  return from('purchase.completed', customerId, occurredMs, channel, {
    orderId,
    total,
    pointsEarned: Math.floor(total / 100),
    items: [
      {
        sku: 'TEA-GIFT',
        name: 'Oolong tea gift box',
        category: 'gifts',
        quantity: 1,
        unitPrice: total,
      },
    ],
  });
}

/**
 * A card worth looking at (after Wang, SCENARIOS.md §3), relative to `nowMs`: a loyal customer for a year, buying on
 * the web, in the app and in store, whose delivery is late — a call and an open high-severity
 * complaint two days ago. What an agent's card should show at a glance.
 */
export function agentCardStory(customerId: string, nowMs: number): Event[] {
  const tag = customerId.replace(/[^a-z0-9]/gi, '').slice(-6);
  const channels = ['web', 'mobile_app', 'store'];
  const purchases = [320, 290, 250, 200, 170, 130, 95, 60, 30].map((daysAgo, i) =>
    storyPurchase(
      customerId,
      nowMs - daysAgo * DAY_MS,
      channels[i % channels.length]!,
      `O-${tag}-${i + 1}`,
      [26800, 12900, 45600, 8800, 31200, 15400, 9900, 52300, 18800][i]!,
    ),
  );
  return [
    from('customer.registered', customerId, nowMs - 400 * DAY_MS, 'store', {
      name: { given: 'Lei', family: 'Wang' },
      email: `wang.lei.${tag}@example.cn`,
      phone: '+86 139 1088 1088',
      loyaltyCardId: `HC-${tag}`,
      birthDate: '1984-09-03',
    }),
    ...purchases,
    from('web.visited', customerId, nowMs - 12 * DAY_MS, 'web', { sessionId: `s-${tag}-1` }),
    from('email.sent', customerId, nowMs - 9 * DAY_MS, 'email', { messageId: `m-${tag}-1` }),
    from('email.opened', customerId, nowMs - 9 * DAY_MS + 3_600_000, 'email', {
      messageId: `m-${tag}-1`,
    }),
    from('call.logged', customerId, nowMs - 2 * DAY_MS, 'call_centre', {
      callId: `CALL-${tag}`,
      complaintId: `K-${tag}`,
    }),
    from('complaint.opened', customerId, nowMs - 2 * DAY_MS + 420_000, 'call_centre', {
      complaintId: `K-${tag}`,
      orderId: `O-${tag}-9`,
    }),
  ];
}

/** Publishes events through the ingest API with one key per channel, as the channels would. */
export async function publishThroughIngest(
  baseUrl: string,
  env: Record<string, string>,
  events: readonly Event[],
  keys: Map<string, string> = new Map(),
): Promise<void> {
  const byChannel = new Map<string, Event[]>();
  for (const e of events) {
    const channel = String(e.channel);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), e]);
  }
  for (const [channel, batch] of byChannel) {
    const key = keys.get(channel) ?? (await createKey(env, channel, '*'));
    keys.set(channel, key);
    const res = await post(`${baseUrl}/v1/events/batch`, key, batch);
    if (res.status !== 202) {
      throw new Error(`ingest answered ${res.status} for ${channel}: ${await res.text()}`);
    }
  }
}
