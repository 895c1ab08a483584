import * as E from 'fp-ts/Either';
import { EMPTY, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createThing } from '../../lib/alink/createThing';
import type { InboundMessage, PublishReceipt } from '../../lib/connection/messages';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';
import { tslFixture } from '../support/tslFixture';

const tsl = parseTsl(tslFixture('everyType'));
const POST = topics.propertyPost;
const POST_REPLIES = topics.eventPostReply('+');
const receipt: PublishReceipt = { topic: POST, qos: 1, packetId: 1, bytes: 10 };
const reply = (id: string, code = 200, topic = topics.propertyPostReply) =>
  inbound(topic, {
    id,
    code,
    data: {},
    message: code === 200 ? 'success' : 'failed',
    method: 'm',
    version: '1.0',
  });
const sentJson = (payload: unknown) => JSON.parse(String(payload)) as Record<string, unknown>;

describe('createThing', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A device whose reply topics answer as marbles say; publishes complete as `published` says. */
  function device(
    replies: Record<string, Observable<InboundMessage>>,
    published?: () => Observable<PublishReceipt>,
  ) {
    return fakeAlinkDevice({
      observed: (filter) => replies[filter] ?? EMPTY,
      ...(published === undefined ? {} : { published }),
    });
  }

  describe('postProperties', () => {
    it("should observe the posts' reply topic, publish the envelope at QoS 1, and emit the reply", () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const {
          device: d,
          calls,
          sent,
        } = device({ [POST_REPLIES]: hot('--a-b', { a: reply('8'), b: reply('7') }) }, () =>
          cold('-(r|)', { r: receipt }),
        );
        const thing = createThing(d);
        expectObservable(thing.postProperties({ temp: 21.5 }, { id: '7' })).toBe('----(r|)', {
          r: E.right({ id: '7', code: 200, data: {}, message: 'success', method: 'm', version: '1.0' }),
        });
        scheduler.flush();
        expect(calls).toEqual([`observe ${POST_REPLIES} qos 1`, `publish ${POST}`]);
        expect(sent[0]?.qos).toBe(1);
        expect(sentJson(sent[0]?.payload)).toEqual({
          id: '7',
          version: '1.0',
          sys: { ack: 1 },
          params: { temp: 21.5 },
          method: 'thing.event.property.post',
        });
      });
    });

    it('should give a reply with another code as a ReplyFailure', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const { device: d } = device({ [POST_REPLIES]: hot('-a', { a: reply('7', 6813) }) });
        expectObservable(createThing(d).postProperties({}, { id: '7' })).toBe('-(a|)', {
          a: E.left({ _tag: 'ReplyFailure', topic: POST, id: '7', code: 6813, message: 'failed', data: {} }),
        });
      });
    });

    it("should time out after the thing's timeoutMs, and let go of the reply topic after lingerMs", () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const replies = hot<InboundMessage>('-');
        const { device: d } = device({ [POST_REPLIES]: replies });
        const thing = createThing(d, { timeoutMs: 50, lingerMs: 20 });
        expectObservable(thing.postProperties({}, { id: '7' })).toBe('50ms (t|)', {
          t: E.left({ _tag: 'TimeoutFailure', topic: POST, id: '7', timeoutMs: 50 }),
        });
        expectSubscriptions(replies.subscriptions).toBe('^ 69ms !');
      });
    });

    it('should forget a post when unsubscribed: its publish is let go', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const queued = cold('10ms (r|)', { r: receipt });
        const { device: d } = device({ [POST_REPLIES]: hot('--------a', { a: reply('7') }) }, () => queued);
        expectObservable(createThing(d, { lingerMs: 0 }).postProperties({}, { id: '7' }), '--!').toBe('---');
        expectSubscriptions(queued.subscriptions).toBe('^-!');
      });
    });

    it('should take the reply that comes after a reconnect, the PUBACK of the resent publish before it', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const { device: d } = device({ [POST_REPLIES]: hot('--------a', { a: reply('7') }) }, () =>
          cold('------(r|)', { r: receipt }),
        );
        expectObservable(createThing(d).postProperties({}, { id: '7' })).toBe('--------(a|)', {
          a: E.right(expect.objectContaining({ id: '7', code: 200 }) as never),
        });
      });
    });

    it('should send with sys.ack 0 and wait for no reply when ack is false', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const { device: d, calls, sent } = device({}, () => cold('-(r|)', { r: receipt }));
        expectObservable(createThing(d).postProperties({ on: 1 }, { ack: false, id: '3' })).toBe('-(r|)', {
          r: E.right(receipt),
        });
        scheduler.flush();
        expect(calls).toEqual([`publish ${POST}`]);
        expect(sentJson(sent[0]?.payload)).toMatchObject({ id: '3', sys: { ack: 0 } });
      });
    });

    it('should refuse a post that breaks its thing model without publishing, and send dates as strings', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const { device: d, calls, sent } = device({ [POST_REPLIES]: hot('-a', { a: reply('9') }) });
        const thing = createThing(d, { tsl });
        expectObservable(thing.postProperties({ mode: 7 })).toBe('(f|)', {
          f: E.left({
            _tag: 'TslFailure',
            topic: POST,
            method: 'thing.event.property.post',
            violations: [{ path: 'mode', rule: 'enum', message: 'at mode: 7 is not one of 0, 1, 2' }],
          }),
        });
        thing.postProperties({ ts: 1700000000000 }, { id: '9' }).subscribe();
        scheduler.flush();
        expect(calls).toEqual([`observe ${POST_REPLIES} qos 1`, `publish ${POST}`]);
        expect(sentJson(sent[0]?.payload)['params']).toEqual({ ts: '1700000000000' });
      });
    });
  });

  describe('postEvent', () => {
    it('should post the output values and the time on the event topic, its reply on the same subscription', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const fault = topics.eventPostReply('fault');
        const { device: d, sent } = device({ [POST_REPLIES]: hot('-a', { a: reply('4', 200, fault) }) });
        expectObservable(createThing(d).postEvent('fault', { code: 3 }, { id: '4', time: 5 })).toBe('-(a|)', {
          a: E.right(expect.objectContaining({ id: '4' }) as never),
        });
        scheduler.flush();
        expect(sent[0]?.topic).toBe(topics.eventPost('fault'));
        expect(sentJson(sent[0]?.payload)).toMatchObject({
          params: { value: { code: 3 }, time: 5 },
          method: 'thing.event.fault.post',
        });
      });
    });
  });

  describe('getDesiredProperties', () => {
    it("should ask on desired/get and decode the reply's desired values", () => {
      scheduler.run(({ hot, expectObservable }) => {
        const replies = hot('-a', {
          a: inbound(topics.propertyDesiredGetReply, {
            id: '5',
            code: 200,
            data: { count: { value: 3, version: '2' } },
          }),
        });
        const { device: d, sent } = device({ [topics.propertyDesiredGetReply]: replies });
        expectObservable(createThing(d).getDesiredProperties(['count'], { id: '5' })).toBe('-(a|)', {
          a: E.right({ count: { value: 3, version: 2 } }),
        });
        scheduler.flush();
        expect(sentJson(sent[0]?.payload)).toMatchObject({
          params: ['count'],
          method: 'thing.property.desired.get',
        });
      });
    });
  });

  describe('serveService', () => {
    const request = (id: string, params: unknown, topic: string) =>
      inbound(topic, { id, version: '1.0', params, method: 'thing.service.reboot' });

    it('should serve both ways without a thing model: async on its topic, sync over RRPC', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const sync = topics.extRrpc('9', topics.service('reboot'));
        const {
          device: d,
          calls,
          sent,
        } = device({
          [topics.service('reboot')]: hot('-a', { a: request('1', { delay: 1 }, topics.service('reboot')) }),
          [topics.extRrpc('+', topics.service('reboot'))]: hot('--b', {
            b: request('2', { delay: 2 }, sync),
          }),
        });
        const served$ = createThing(d).serveService('reboot', (input) => of({ got: input['delay'] }));
        expectObservable(served$).toBe('-ab', {
          a: { _tag: 'Answered', topic: topics.service('reboot'), id: '1', latencyMs: 0 },
          b: { _tag: 'Answered', topic: sync, id: '2', latencyMs: 0 },
        });
        scheduler.flush();
        expect(calls.filter((c) => c.startsWith('observe'))).toEqual([
          `observe ${topics.service('reboot')} qos 1`,
          `observe ${topics.extRrpc('+', topics.service('reboot'))} qos 0`,
        ]);
        expect(sent.map((m) => [m.topic, m.qos, sentJson(m.payload)])).toEqual([
          [topics.serviceReply('reboot'), 1, { id: '1', code: 200, data: { got: 1 } }],
          [sync, 0, { id: '2', code: 200, data: { got: 2 } }],
        ]);
      });
    });

    it("should serve as the thing model's callType says, check the input, and refuse an output that breaks it", () => {
      scheduler.run(({ hot, expectObservable }) => {
        const ext = (id: string) => topics.extRrpc(id, topics.service('reboot'));
        const {
          device: d,
          calls,
          sent,
        } = device({
          [topics.extRrpc('+', topics.service('reboot'))]: hot('-a-b', {
            a: request('1', { delay: 99 }, ext('1')),
            b: request('2', { delay: 1 }, ext('2')),
          }),
        });
        const served$ = createThing(d, { tsl }).serveService('reboot', () => of({ at: 'tomorrow' }));
        expectObservable(served$).toBe('-a-b', {
          a: expect.objectContaining({ _tag: 'Failed', code: 460 }) as never,
          b: expect.objectContaining({ _tag: 'Failed', code: 400 }) as never,
        });
        scheduler.flush();
        expect(calls.filter((c) => c.startsWith('observe'))).toEqual([
          `observe ${topics.extRrpc('+', topics.service('reboot'))} qos 0`,
        ]);
        expect(sent.map((m) => sentJson(m.payload)['message'])).toEqual([
          'at params.delay: 99 is above the max 60',
          'the output breaks the thing model: at at: expected a date (UTC milliseconds), got "tomorrow"',
        ]);
      });
    });
  });
});
