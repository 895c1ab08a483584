import { TestScheduler } from 'rxjs/testing';
import { serveRrpc } from '../../lib/alink/serveRrpc';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

describe('serveRrpc', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should subscribe rrpc/request/+, take system RRPC from every inbound message, and answer at QoS 0', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const messages = hot('a-b', {
        a: inbound(topics.broadcastRequest('1'), 'not for RRPC'),
        b: inbound(topics.rrpcRequest('42'), 'ping'),
      });
      const { device, calls, sent } = fakeAlinkDevice({ messages });
      const served$ = serveRrpc(device, ({ payload }) => cold('-(x|)', { x: `${payload.toString()}:pong` }));
      expectObservable(served$).toBe('---a', {
        a: { _tag: 'Answered', topic: topics.rrpcRequest('42'), id: '42', latencyMs: 1 },
      });
      scheduler.flush();
      // Subscribed as the platform documents; the request is read once, from messages$.
      expect(calls).toEqual([
        `observe ${topics.rrpcRequestFilter} qos 0`,
        `publish ${topics.rrpcResponse('42')}`,
      ]);
      expect(sent).toEqual([{ topic: topics.rrpcResponse('42'), payload: 'ping:pong', qos: 0 }]);
    });
  });

  it('should observe /ext/rrpc/+ on a custom topic and answer on the topic the request came on', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const asked = topics.extRrpc('7', topics.userTopic('get'));
      const requests = hot('-a', { a: inbound(asked, 'hi') });
      const { device, calls, sent } = fakeAlinkDevice({ observed: () => requests });
      // Text is the reply as it is (not an iterable of characters).
      const served$ = serveRrpc(device, (r) => `${r.customTopic ?? ''}:${r.messageId}`, {
        topic: topics.userTopic('get'),
      });
      expectObservable(served$).toBe('-a', { a: { _tag: 'Answered', topic: asked, id: '7', latencyMs: 0 } });
      scheduler.flush();
      expect(calls).toEqual([`observe /ext/rrpc/+/pk/dn/user/get qos 0`, `publish ${asked}`]);
      expect(sent).toEqual([{ topic: asked, payload: '/pk/dn/user/get:7', qos: 0 }]);
    });
  });

  it('should answer nothing after the 8 s deadline', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const messages = hot('a', { a: inbound(topics.rrpcRequest('9'), 'slow') });
      const { device, sent } = fakeAlinkDevice({ messages });
      const served$ = serveRrpc(device, () => cold('10s (x|)', { x: 'too late' }));
      expectObservable(served$).toBe('8s a', {
        a: { _tag: 'Late', topic: topics.rrpcRequest('9'), id: '9', deadlineMs: 8000 },
      });
      scheduler.flush();
      expect(sent).toEqual([]);
    });
  });
});
