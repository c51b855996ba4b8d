import { recordedExample } from '@touchpoint/testing';
import { toStreamEvent, fromStreamEvent } from './archive-record';
import { linkedStreams, streamsOf } from './stream-names';

describe('identity streams', () => {
  it('given an event of a known customer, then it belongs to customer-<id> only', () => {
    const e = recordedExample('call.logged', { customerId: 'c-1' });
    expect(streamsOf(e)).toEqual(['customer-c-1']);
    expect(linkedStreams(e)).toEqual([]);
  });

  it('given an anonymous event, then it belongs to visitor-<anonymousId>', () => {
    expect(streamsOf(recordedExample('web.visited', { anonymousId: 'v-9' }))).toEqual([
      'visitor-v-9',
    ]);
  });

  it('given an identification, then it sits in both streams and links them', () => {
    const e = recordedExample('customer.identified', { customerId: 'c-1', anonymousId: 'v-9' });
    expect(streamsOf(e)).toEqual(['customer-c-1', 'visitor-v-9']);
    expect(linkedStreams(e)).toEqual(['customer-c-1', 'visitor-v-9']);
  });

  it('given a merge, then it sits in the survivor’s and the merged customer’s streams', () => {
    const e = recordedExample(
      'customer.merged',
      { customerId: 'c-1' },
      { mergedCustomerId: 'c-2' },
    );
    expect(streamsOf(e)).toEqual(['customer-c-1', 'customer-c-2']);
    expect(linkedStreams(e)).toEqual(['customer-c-1', 'customer-c-2']);
  });
});

describe('archive metadata', () => {
  it('given a recorded event and its Kafka position, then the stream event carries its id, type, envelope, position, correlation id and schema version', () => {
    const e = recordedExample('call.logged', { customerId: 'c-1' });
    const stored = toStreamEvent(e, { topic: 'tp.events', partition: 3, offset: '42' });
    expect(stored).toEqual({
      id: e.eventId,
      type: 'call.logged',
      data: e,
      metadata: {
        kafka: { topic: 'tp.events', partition: 3, offset: '42' },
        correlationId: e.correlationId,
        schemaVersion: 1,
      },
    });
    const back = fromStreamEvent({
      ...stored,
      streamId: 'customer-c-1',
      revision: 7,
      position: { commit: 1n, prepare: 1n },
    });
    expect(back).toEqual({
      event: e,
      metadata: stored.metadata,
      streamId: 'customer-c-1',
      revision: 7,
    });
  });
});
