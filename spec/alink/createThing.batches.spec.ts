// The thing model's batch posts, in virtual time on a fake device: a gateway's pack post
// (thing.event.property.pack.post) and the history post (thing.event.property.history.post), each with its
// own reply topic.
import * as E from 'fp-ts/Either';
import { EMPTY, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createThing } from '../../lib/alink/createThing';
import type { InboundMessage } from '../../lib/connection/messages';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { property, thingModel, tslTypes } from '../../lib/protocol';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';
import { tslFixture } from '../support/tslFixture';

const tsl = parseTsl(tslFixture('everyType'));
/** A sub-device product's model: one property, `level`, 0 to 10. */
const sensorModel = thingModel({
  properties: { level: property('r', tslTypes.int({ min: 0, max: 10 })) },
});
const PACK = topics.propertyPackPost;
const HISTORY = topics.propertyHistoryPost;
const reply = (topic: string, id: string, code = 200) =>
  inbound(topic, { id, code, data: {}, message: code === 200 ? 'success' : 'failed', version: '1.0' });
const sentJson = (payload: unknown) => JSON.parse(String(payload)) as Record<string, unknown>;

describe('createThing: pack and history posts', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const device = (replies: Record<string, Observable<InboundMessage>>) =>
    fakeAlinkDevice({ observed: (filter) => replies[filter] ?? EMPTY });

  describe('postPack', () => {
    it('should post every part on the pack topic, each property as {value, time?}, and take the reply on pack/post_reply', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const replies = topics.propertyPackPostReply;
        const { device: d, calls, sent } = device({ [replies]: hot('--a', { a: reply(replies, '5') }) });
        const pack = createThing(d).postPack(
          {
            properties: { temp: 21.5, label: { value: 'x', time: 1700000000000 } },
            events: { fault: { value: { code: 3 }, time: 1700000000001 } },
            subDevices: [
              {
                identity: { productKey: 'a1Sub', deviceName: 's1', extra: 'not sent' } as never,
                properties: { level: 4 },
              },
            ],
          },
          { id: '5' },
        );
        expectObservable(pack).toBe('--(a|)', {
          a: E.right({ id: '5', code: 200, data: {}, message: 'success', version: '1.0' }),
        });
        scheduler.flush();
        expect(calls).toEqual([`observe ${replies} qos 1`, `publish ${PACK}`]);
        expect(sent[0]?.qos).toBe(1);
        expect(sentJson(sent[0]?.payload)).toEqual({
          id: '5',
          version: '1.0',
          sys: { ack: 1 },
          method: 'thing.event.property.pack.post',
          params: {
            properties: { temp: { value: 21.5 }, label: { value: 'x', time: 1700000000000 } },
            events: { fault: { value: { code: 3 }, time: 1700000000001 } },
            subDevices: [
              { identity: { productKey: 'a1Sub', deviceName: 's1' }, properties: { level: { value: 4 } } },
            ],
          },
        });
      });
    });

    it("should refuse a pack that breaks the gateway's or a sub-device's model without publishing, paths from the params", () => {
      scheduler.run(({ expectObservable }) => {
        const { device: d, sent } = device({});
        const thing = createThing(d, { tsl });
        const models = (productKey: string) => (productKey === 'a1Sub' ? sensorModel : undefined);
        const pack = thing.postPack(
          {
            properties: { temp: 500 },
            events: { fault: { value: { code: 300 } } },
            subDevices: [
              { identity: { productKey: 'a1Other', deviceName: 'o1' }, properties: { anything: 1 } },
              { identity: { productKey: 'a1Sub', deviceName: 's1' }, properties: { level: 11, nope: 1 } },
            ],
          },
          { models },
        );
        expectObservable(pack).toBe('(f|)', {
          f: E.left({
            _tag: 'TslFailure',
            topic: PACK,
            method: 'thing.event.property.pack.post',
            violations: [
              {
                path: 'properties.temp',
                rule: 'max',
                message: 'at properties.temp: 500 is above the max 120',
              },
              {
                path: 'events.fault.code',
                rule: 'max',
                message: 'at events.fault.code: 300 is above the max 255',
              },
              {
                path: 'subDevices[1].properties.level',
                rule: 'max',
                message: 'at subDevices[1].properties.level: 11 is above the max 10',
              },
              {
                path: 'subDevices[1].properties.nope',
                rule: 'undefined',
                message: 'at subDevices[1].properties.nope: property nope is not defined by the thing model',
              },
            ],
          }),
        });
        scheduler.flush();
        expect(sent).toEqual([]);
      });
    });

    it("should send dates as strings where the part's model says so", () => {
      scheduler.run(({ hot }) => {
        const { device: d, sent } = device({ [topics.propertyPackPostReply]: hot('-') });
        createThing(d, { tsl })
          .postPack({ properties: { ts: { value: 1700000000000, time: 9 } } }, { id: '1' })
          .subscribe();
        scheduler.flush();
        expect(sentJson(sent[0]?.payload)['params']).toEqual({
          properties: { ts: { value: '1700000000000', time: 9 } },
        });
      });
    });
  });

  describe('postHistory', () => {
    it("should post the device's own part on the history topic, and take the reply on history/post_reply", () => {
      scheduler.run(({ hot, expectObservable }) => {
        const replies = topics.propertyHistoryPostReply;
        const { device: d, calls, sent } = device({ [replies]: hot('-a', { a: reply(replies, '3', 6813) }) });
        const history = createThing(d).postHistory(
          {
            properties: [{ temp: { value: 20, time: 1 } }, { temp: { value: 21, time: 2 } }],
            events: [{ fault: { value: { code: 1 }, time: 3 } }],
          },
          { id: '3' },
        );
        expectObservable(history).toBe('-(a|)', {
          a: E.left({
            _tag: 'ReplyFailure',
            topic: HISTORY,
            id: '3',
            code: 6813,
            message: 'failed',
            data: {},
          }),
        });
        scheduler.flush();
        expect(calls).toEqual([`observe ${replies} qos 1`, `publish ${HISTORY}`]);
        expect(sentJson(sent[0]?.payload)).toEqual({
          id: '3',
          version: '1.0',
          sys: { ack: 1 },
          method: 'thing.event.property.history.post',
          params: [
            {
              identity: { productKey: d.productKey, deviceName: d.deviceName },
              properties: [{ temp: { value: 20, time: 1 } }, { temp: { value: 21, time: 2 } }],
              events: [{ fault: { value: { code: 1 }, time: 3 } }],
            },
          ],
        });
      });
    });

    it('should refuse a history that breaks the thing model, each snapshot by its index, and send dates as strings', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const { device: d, sent } = device({ [topics.propertyHistoryPostReply]: hot('-') });
        const thing = createThing(d, { tsl });
        const bad = thing.postHistory({
          properties: [{ temp: { value: 1, time: 1 } }, { temp: { value: 121, time: 2 } }],
          events: [{ hello: { value: {}, time: 3 } }, { fault: { value: { code: -1 }, time: 4 } }],
        });
        expectObservable(bad).toBe('(f|)', {
          f: E.left({
            _tag: 'TslFailure',
            topic: HISTORY,
            method: 'thing.event.property.history.post',
            violations: [
              {
                path: '[0].properties[1].temp',
                rule: 'max',
                message: 'at [0].properties[1].temp: 121 is above the max 120',
              },
              {
                path: '[0].events[1].fault.code',
                rule: 'min',
                message: 'at [0].events[1].fault.code: -1 is below the min 0',
              },
            ],
          }),
        });
        thing
          .postHistory({ properties: [{ ts: { value: 1700000000000, time: 5 } }] }, { id: '2' })
          .subscribe();
        scheduler.flush();
        expect(sent.map((message) => message.topic)).toEqual([HISTORY]);
        expect(sentJson(sent[0]?.payload)['params']).toEqual([
          {
            identity: { productKey: d.productKey, deviceName: d.deviceName },
            properties: [{ ts: { value: '1700000000000', time: 5 } }],
          },
        ]);
      });
    });
  });

  describe('postBatch', () => {
    it('should post several values of each property on the batch topic, and take the reply on batch/post_reply', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const replies = topics.propertyBatchPostReply;
        const { device: d, calls, sent } = device({ [replies]: hot('-a', { a: reply(replies, '6') }) });
        const posted = createThing(d).postBatch(
          {
            properties: { temp: [{ value: 20, time: 1 }, { value: 21 }] },
            events: { fault: [{ value: { code: 1 }, time: 2 }] },
          },
          { id: '6' },
        );
        expectObservable(posted).toBe('-(a|)', {
          a: E.right({ id: '6', code: 200, data: {}, message: 'success', version: '1.0' }),
        });
        scheduler.flush();
        expect(calls).toEqual([`observe ${replies} qos 1`, `publish ${topics.propertyBatchPost}`]);
        expect(sentJson(sent[0]?.payload)).toEqual({
          id: '6',
          version: '1.0',
          sys: { ack: 1 },
          method: 'thing.event.property.batch.post',
          params: {
            properties: { temp: [{ value: 20, time: 1 }, { value: 21 }] },
            events: { fault: [{ value: { code: 1 }, time: 2 }] },
          },
        });
      });
    });

    it('should refuse a batch that breaks the thing model, each value by its index, and send dates as strings', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const { device: d, sent } = device({ [topics.propertyBatchPostReply]: hot('-') });
        const thing = createThing(d, { tsl });
        expectObservable(thing.postBatch({ properties: { count: [{ value: 1 }, { value: 1.5 }] } })).toBe(
          '(f|)',
          {
            f: E.left({
              _tag: 'TslFailure',
              topic: topics.propertyBatchPost,
              method: 'thing.event.property.batch.post',
              violations: [
                {
                  path: 'properties.count[1]',
                  rule: 'integer',
                  message: 'at properties.count[1]: expected an integer, got 1.5',
                },
              ],
            }),
          },
        );
        thing.postBatch({ properties: { ts: [{ value: 1700000000000, time: 4 }] } }, { id: '8' }).subscribe();
        scheduler.flush();
        expect(sent.map((message) => message.topic)).toEqual([topics.propertyBatchPost]);
        expect(sentJson(sent[0]?.payload)['params']).toEqual({
          properties: { ts: [{ value: '1700000000000', time: 4 }] },
        });
      });
    });
  });

  describe('without a reply (ack false)', () => {
    it('should send each with sys.ack 0, wait for no reply, and give the publish receipt', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const receipt = { topic: 't', qos: 1 as const, packetId: 1, bytes: 1 };
        const {
          device: d,
          calls,
          sent,
        } = fakeAlinkDevice({
          observed: () => EMPTY,
          published: () => cold('-(r|)', { r: receipt }),
        });
        const thing = createThing(d);
        const options = { ack: false, id: '1' } as const;
        expectObservable(thing.postPack({ properties: { temp: 1 } }, options)).toBe('-(r|)', {
          r: E.right(receipt),
        });
        expectObservable(thing.postHistory({ properties: [{ temp: { value: 1, time: 1 } }] }, options)).toBe(
          '-(r|)',
          { r: E.right(receipt) },
        );
        expectObservable(thing.postBatch({ properties: { temp: [{ value: 1 }] } }, options)).toBe('-(r|)', {
          r: E.right(receipt),
        });
        scheduler.flush();
        expect(calls).toEqual([PACK, HISTORY, topics.propertyBatchPost].map((topic) => `publish ${topic}`));
        expect(sent.map((message) => sentJson(message.payload)['sys'])).toEqual([
          { ack: 0 },
          { ack: 0 },
          { ack: 0 },
        ]);
      });
    });
  });
});
