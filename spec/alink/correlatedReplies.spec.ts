import { TestScheduler } from 'rxjs/testing';
import { correlatedReplies } from '../../lib/alink/correlatedReplies';
import type { InboundMessage } from '../../lib/connection/messages';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const FILTER = topics.eventPostReply('+');
const reply = (id: string | number, topic = topics.propertyPostReply) => inbound(topic, { id, code: 200 });

describe('correlatedReplies', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should hand each request only the replies with its id, from one subscription', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const replies = hot('-a-b-c-d', {
        a: reply('2'),
        b: inbound(topics.propertyPostReply, 'not json'),
        c: reply(1, topics.eventPostReply('fault')),
        d: reply('2'),
      });
      const { device, calls } = fakeAlinkDevice({ observed: () => replies });
      const channel = correlatedReplies(device, FILTER, 0);
      expectObservable(channel.to('1'), '^------!').toBe('-----c-', {
        c: reply(1, topics.eventPostReply('fault')),
      });
      expectObservable(channel.to('2'), '^------!').toBe('-a-----', { a: reply('2') });
      expectSubscriptions(replies.subscriptions).toBe('^------!');
      scheduler.flush();
      expect(calls).toEqual([`observe ${FILTER} qos 1`]);
    });
  });

  it('should keep the subscription for lingerMs after the last request, for the next one', () => {
    scheduler.run(({ hot, expectSubscriptions }) => {
      const replies = hot<InboundMessage>('-');
      const { device, calls } = fakeAlinkDevice({ observed: () => replies });
      const channel = correlatedReplies(device, FILTER, 100);
      // Two requests 50 ms apart share one subscription; it goes 100 ms after the second one ends.
      scheduler.schedule(() => channel.to('1').subscribe().unsubscribe(), 10);
      scheduler.schedule(() => {
        const second = channel.to('2').subscribe();
        scheduler.schedule(() => second.unsubscribe(), 5);
      }, 60);
      expectSubscriptions(replies.subscriptions).toBe('10ms ^ 154ms !');
      scheduler.flush();
      expect(calls).toHaveLength(1);
    });
  });

  it('should give a failed subscription to every request waiting', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const refused = new Error('SUBACK 128');
      const { device } = fakeAlinkDevice({ observed: () => cold('--#', undefined, refused) });
      const channel = correlatedReplies(device, FILTER, 0);
      expectObservable(channel.to('1')).toBe('--#', undefined, refused);
      expectObservable(channel.to('2')).toBe('--#', undefined, refused);
    });
  });
});
