import fc from 'fast-check';
import {
  EXAMPLE_EVENTS,
  type EventType,
  type RecordedEvent,
  validateRecordedEvent,
} from '@touchpoint/contracts';
import {
  type ContactPreferenceState,
  DEFAULT_CONTACT_PREFERENCE_POLICY,
  contactPreferenceProjection as projection,
  customerKey,
  parseContactPreferencePolicy,
} from '@touchpoint/projections';

const KEY = customerKey('c-1');
let n = 0;

/** A valid recorded event of `type` for c-1, from the documented example, with overrides. */
function ev(
  type: EventType,
  at: string,
  payload: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): RecordedEvent {
  n += 1;
  const base = JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as Record<string, unknown>;
  const candidate = {
    ...base,
    eventId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    customerId: 'c-1',
    anonymousId: undefined,
    occurredAt: at,
    receivedAt: '2026-01-01T00:00:00.000Z',
    source: 'test',
    correlationId: 'corr-test',
    ...extra,
    payload: { ...(base.payload as Record<string, unknown>), ...payload },
  };
  const verdict = validateRecordedEvent(JSON.parse(JSON.stringify(candidate)));
  if (!verdict.ok) throw new Error(`bad fixture ${type}: ${JSON.stringify(verdict.violations)}`);
  return verdict.event;
}

function fold(events: readonly RecordedEvent[], from?: ContactPreferenceState) {
  return events.reduce(
    (s, event, i) =>
      projection.evolve(
        s,
        { event, position: { partition: 0, offset: String(i) } },
        KEY,
        DEFAULT_CONTACT_PREFERENCE_POLICY,
      ),
    from ?? projection.initial(KEY),
  );
}

const view = (s: ContactPreferenceState) =>
  projection.view(s, new Date('2026-01-01T00:00:00Z'), DEFAULT_CONTACT_PREFERENCE_POLICY);

const sent = (id: string, at: string) => ev('email.sent', at, { messageId: id });
const opened = (id: string, at: string) => ev('email.opened', at, { messageId: id });
const call = (outcome: string, at: string) =>
  ev('call.logged', at, { direction: 'outbound', outcome, complaintId: undefined });

describe('contact preference', () => {
  it('given e-mails mostly opened and calls mostly unanswered, then e-mail is preferred and the best hour is when they open', () => {
    const events = [
      sent('m1', '2025-03-01T09:00:00+01:00'),
      opened('m1', '2025-03-01T19:10:00+01:00'),
      sent('m2', '2025-03-08T09:00:00+01:00'),
      opened('m2', '2025-03-08T19:40:00+01:00'),
      sent('m3', '2025-03-15T09:00:00+01:00'),
      call('no_answer', '2025-03-02T10:00:00+01:00'),
      call('voicemail', '2025-03-09T10:00:00+01:00'),
      call('resolved', '2025-03-16T11:00:00+01:00'),
    ];
    const v = view(fold(events));
    expect(v.preferredChannel).toBe('email');
    expect(v.bestHour).toBe(19);
    expect(v.channels.find((c) => c.channel === 'email')).toMatchObject({
      attempts: 3,
      responses: 2,
    });
    expect(v.channels.find((c) => c.channel === 'call_centre')).toMatchObject({
      attempts: 3,
      responses: 1,
    });
  });

  it('given an open recorded before its send, then the message counts once as answered', () => {
    const v = view(
      fold([opened('m9', '2025-03-01T08:00:00+00:00'), sent('m9', '2025-03-01T07:00:00+00:00')]),
    );
    expect(v.channels).toEqual([
      expect.objectContaining({ channel: 'email', attempts: 1, responses: 1 }),
    ]);
  });

  it('given only one contact on a channel, then it is not ranked (minEvidence)', () => {
    const v = view(fold([ev('web.visited', '2025-03-01T21:00:00+00:00')]));
    expect(v.preferredChannel).toBeNull();
    expect(v.bestHour).toBe(21);
  });

  it('given an erasure anywhere in the stream, then nothing is kept', () => {
    const events = [
      sent('m1', '2025-03-01T09:00:00+00:00'),
      ev('customer.erased', '2025-03-05T09:00:00+00:00'),
      opened('m1', '2025-03-02T09:00:00+00:00'),
    ];
    expect(view(fold(events))).toEqual({
      customerId: 'c-1',
      preferredChannel: null,
      bestHour: null,
      channels: [],
    });
  });

  it('given any order, duplicates and split of the same events, then the view is the same', () => {
    const pool = [
      sent('a', '2025-01-01T09:00:00+00:00'),
      opened('a', '2025-01-01T18:00:00+00:00'),
      sent('b', '2025-01-02T09:00:00+00:00'),
      ev('email.clicked', '2025-01-02T18:30:00+00:00', { messageId: 'b' }),
      call('resolved', '2025-01-03T12:00:00+00:00'),
      call('no_answer', '2025-01-04T12:00:00+00:00'),
      ev('call.logged', '2025-01-05T16:00:00+00:00', { direction: 'inbound' }),
      ev('web.visited', '2025-01-06T20:00:00+00:00'),
      ev('purchase.completed', '2025-01-07T20:00:00+00:00'),
      ev('email.received', '2025-01-08T07:00:00+00:00'),
    ];
    const expected = view(fold(pool));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(pool, { minLength: pool.length, maxLength: pool.length }),
        fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: 5 }),
        fc.nat({ max: pool.length }),
        (shuffled, dupes, cut) => {
          const stream = [...shuffled, ...dupes.map((i) => pool[i]!)];
          // Batch split: the first part goes through a JSON round trip, as a stored document.
          const first = JSON.parse(
            JSON.stringify(fold(stream.slice(0, cut))),
          ) as ContactPreferenceState;
          expect(view(fold(stream.slice(cut), first))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('contact preference policy', () => {
  it('given a partial object, then it is merged over the defaults', () => {
    expect(parseContactPreferencePolicy({ minEvidence: 5 })).toEqual({
      ok: true,
      policy: { ...DEFAULT_CONTACT_PREFERENCE_POLICY, minEvidence: 5 },
    });
  });

  it('given unknown or negative fields, then each is named', () => {
    const r = parseContactPreferencePolicy({ minEvidnce: 1, inboundWeight: -1 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join('; ')).toMatch(/minEvidnce: unknown.*inboundWeight/);
  });
});
