// Marble specs of declareCompression over a fake device: what it sends, when, and how it reads the replies.
import * as E from 'fp-ts/Either';
import { concat, defer, map, NEVER, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { declareCompression } from '../../lib/alink/declareCompression';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const states: Record<string, ConnectionState> = {
  c: { status: 'connected', sessionPresent: false },
  r: { status: 'reconnecting', attempt: 1, delayMs: 1000 },
};
const compression = { uplink: [topics.propertyPost], downlink: [topics.propertySet] };
const idOf = (message: OutboundMessage | undefined) =>
  (JSON.parse(String(message?.payload)) as { id: string }).id;

describe('declareCompression', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A fake device whose cloud answers each declaration 10 ms after it with `answer(id)`. */
  function answering(state: Observable<ConnectionState>, answer: (id: string) => unknown) {
    const parts: { sent?: OutboundMessage[] } = {};
    const fake = fakeAlinkDevice({
      state,
      observed: (filter) =>
        defer(() => {
          const count = parts.sent?.length ?? 0;
          // The reply topic stays subscribed: its end would mean the device closed.
          const reply = timer(10).pipe(
            map((): InboundMessage => inbound(filter, answer(idOf(parts.sent?.[count])))),
          );
          return concat(reply, NEVER);
        }),
    });
    parts.sent = fake.sent;
    return fake;
  }

  it('should declare at subscription, uplink as decompress and downlink as compress, and emit the answer', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, calls, sent } = answering(cold('5ms c', states), (id) => ({
        id,
        version: 1.0,
        code: 200,
        message: 'success',
      }));
      // Connected at 5 ms, with the declaration waiting: it goes out on that connection, not twice.
      expectObservable(declareCompression(device, compression)).toBe('10ms a', {
        a: E.right({ ...compression, message: 'success' }),
      });
      scheduler.flush();
      expect(calls).toEqual([
        `observe ${topics.codecTopicUpdateReply} qos 1`,
        `publish ${topics.codecTopicUpdate}`,
      ]);
      expect(sent[0]?.qos).toBe(1);
      expect(JSON.parse(String(sent[0]?.payload))).toEqual({
        id: idOf(sent[0]),
        version: '1.0',
        params: [
          { topic: topics.propertyPost, operation: 'decompress', format: 'gzip' },
          { topic: topics.propertySet, operation: 'compress', format: 'gzip' },
        ],
      });
    });
  });

  it('should declare again after each reconnect, with a fresh id, and stop once unsubscribed', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, sent } = answering(cold('c 19ms r 9ms c', states), () => ({ code: 200 }));
      expectObservable(declareCompression(device, compression), '^ 99ms !').toBe('10ms a 29ms a', {
        a: E.right(compression),
      });
      scheduler.flush();
      expect(sent).toHaveLength(2);
      expect(idOf(sent[0])).not.toBe(idOf(sent[1]));
    });
  });

  it('should declare once and complete with everyConnection false', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, sent } = answering(cold('c 19ms r 9ms c', states), () => ({ code: '200' }));
      expectObservable(declareCompression(device, { ...compression, everyConnection: false })).toBe(
        '10ms (a|)',
        { a: E.right(compression) },
      );
      scheduler.flush();
      expect(sent).toHaveLength(1);
    });
  });

  it('should give a ReplyFailure for any code but 200, with the platform message', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device } = answering(cold('c', states), (id) => ({ id, code: 460, message: 'too many' }));
      expectObservable(declareCompression(device, compression)).toBe('10ms a', {
        a: E.left({
          _tag: 'ReplyFailure',
          topic: topics.codecTopicUpdate,
          id: expect.any(String),
          code: 460,
          message: 'too many',
        }),
      });
    });
  });

  it('should pass over the reply to another id, then fail with a TimeoutFailure', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device } = answering(cold('c', states), () => ({ id: '4294967295', code: 200 }));
      expectObservable(declareCompression(device, { ...compression, timeoutMs: 500 })).toBe('500ms a', {
        a: E.left({
          _tag: 'TimeoutFailure',
          topic: topics.codecTopicUpdate,
          id: expect.any(String),
          timeoutMs: 500,
        }),
      });
    });
  });

  it('should give a DecodeError for a reply it cannot read', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device } = answering(cold('c', states), () => 'not json');
      expectObservable(declareCompression(device, compression)).toBe('10ms a', {
        a: E.left(expect.objectContaining({ _tag: 'DecodeError', topic: topics.codecTopicUpdateReply })),
      });
    });
  });

  it('should send the declaration while the device is not connected, for its offline queue to keep', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, calls } = answering(cold('r', states), () => ({ code: 200 }));
      expectObservable(declareCompression(device, compression), '^ 1000ms !').toBe('10ms a', {
        a: E.right(compression),
      });
      scheduler.flush();
      expect(calls).toEqual([
        `observe ${topics.codecTopicUpdateReply} qos 1`,
        `publish ${topics.codecTopicUpdate}`,
      ]);
    });
  });

  it('should time the declaration from the connection, not while it waits offline', () => {
    scheduler.run(({ cold, expectObservable }) => {
      // Offline for 100 ms, longer than timeoutMs; the reply is to another request, so none comes.
      const { device, sent } = answering(cold('r 99ms c', states), () => ({ id: '4294967295', code: 200 }));
      const declared = declareCompression(device, { ...compression, timeoutMs: 50 });
      expectObservable(declared, '^ 1000ms !').toBe('150ms a', {
        a: E.left(expect.objectContaining({ _tag: 'TimeoutFailure', timeoutMs: 50 })),
      });
      scheduler.flush();
      // Sent once, at subscription, and kept in the queue while offline: never given up there.
      expect(sent).toHaveLength(1);
    });
  });

  it('should take the reply to a declaration that waited offline longer than timeoutMs', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, sent } = answering(cold('r 99ms c', states), (id) => ({ id, code: 200 }));
      const declared = declareCompression(device, { ...compression, timeoutMs: 5, everyConnection: false });
      expectObservable(declared).toBe('10ms (a|)', { a: E.right(compression) });
      scheduler.flush();
      expect(sent).toHaveLength(1);
    });
  });

  it.each<[string, unknown, new (...args: never[]) => Error, RegExp]>([
    ['a wildcard', { uplink: ['/sys/pk/dn/thing/event/+/post'] }, RangeError, /complete topic/],
    ['an empty topic', { downlink: [''] }, RangeError, /complete topic/],
    [
      '21 topics',
      { uplink: Array.from({ length: 21 }, (_, n) => `/pk/dn/user/t${n}`) },
      RangeError,
      /21 topics, over the platform's 20/,
    ],
    ['no array', { uplink: topics.propertyPost }, TypeError, /must be an array/],
    ['a number', { downlink: [1] }, TypeError, /must hold topics/],
  ])('should refuse %s at the call, before anything is sent', (_, options, Kind, message) => {
    const { device, calls } = fakeAlinkDevice();
    expect(() => declareCompression(device, options as never)).toThrow(Kind);
    expect(() => declareCompression(device, options as never)).toThrow(message);
    expect(calls).toEqual([]);
  });

  it('should count a topic listed twice once', () => {
    const twice = Array.from({ length: 20 }, () => topics.propertyPost);
    scheduler.run(({ cold, expectObservable }) => {
      const { device } = answering(cold('c', states), () => ({ code: 200 }));
      expectObservable(declareCompression(device, { uplink: [...twice, topics.userTopic('update')] })).toBe(
        '10ms a',
        { a: E.right({ uplink: [topics.propertyPost, topics.userTopic('update')], downlink: [] }) },
      );
    });
  });
});
