// The marble test of routing logic that the README shows: copy it as the start of your own.
import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import { classifyTopic, ofKind } from '../../lib';

const routes = {
  rrpc: ['/sys/+pk/+dn/rrpc/request/+messageId', '/ext/rrpc/+messageId/#topic'],
  ota: '/ota/device/upgrade/+pk/+dn',
  other: '#',
};

describe('my routing', () => {
  it('should send RRPC requests to the RRPC handler with their message id', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable }) => {
        const messages = cold('a-b-c', {
          a: { topic: '/sys/pk/dn/rrpc/request/42' },
          b: { topic: '/ota/device/upgrade/pk/dn' },
          c: { topic: '/ext/rrpc/43/pk/dn/user/get' },
        });
        const rrpcIds = messages.pipe(
          classifyTopic(routes),
          ofKind('rrpc'),
          map(({ params }) => params.messageId),
        );
        expectObservable(rrpcIds).toBe('a---c', { a: '42', c: '43' });
      },
    );
  });
});
