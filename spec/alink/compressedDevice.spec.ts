// Marble specs of compressedDevice over a fake device: what it publishes, what its streams deliver, and the
// failures of payloads that do not gunzip.
import { gunzipSync, gzipSync } from 'node:zlib';
import { delay, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { compressedDevice } from '../../lib/alink/compressedDevice';
import type { CompressionPort } from '../../lib/compression/CompressionPort';
import { gzipPort } from '../../lib/compression/gzipPort';
import type { InboundMessage } from '../../lib/connection/messages';
import { nextMessageId } from '../../lib/protocol';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const set = { id: '7', version: '1.0', method: 'thing.service.property.set', params: { on: 1 } };
/** A message on `topic` whose payload is the gzip of `json`. */
const zipped = (topic: string, json: unknown): InboundMessage => ({
  ...inbound(topic, ''),
  payload: gzipSync(JSON.stringify(json)),
});
const jsonOf = (message: InboundMessage) => JSON.parse(message.payload.toString('utf8')) as unknown;
const compression = { uplink: [topics.propertyPost], downlink: [topics.propertySet] };

describe('compressedDevice', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should publish the gzip of the payload on an uplink topic, and any other topic as it is', () => {
    const { device, sent } = fakeAlinkDevice();
    const compressed = compressedDevice(device, compression);
    const post = { id: '1', params: { temp: 21.5 } };
    compressed.publish({ topic: topics.propertyPost, payload: post, qos: 1 }).subscribe();
    compressed.publish({ topic: topics.propertyPost, payload: JSON.stringify(post) }).subscribe();
    compressed.publish({ topic: topics.userTopic('update'), payload: 'plain' }).subscribe();
    expect(sent.map((m) => [m.topic, m.qos])).toEqual([
      [topics.propertyPost, 1],
      [topics.propertyPost, undefined],
      [topics.userTopic('update'), undefined],
    ]);
    expect(JSON.parse(gunzipSync(sent[0]!.payload as Uint8Array).toString())).toEqual(post);
    expect(JSON.parse(gunzipSync(sent[1]!.payload as Uint8Array).toString())).toEqual(post);
    expect(sent[2]!.payload).toBe('plain');
  });

  it('should compress at the level asked for (1 by default)', () => {
    const { device, sent } = fakeAlinkDevice();
    const text = JSON.stringify({ text: 'abc '.repeat(500) });
    compressedDevice(device, compression).publish({ topic: topics.propertyPost, payload: text }).subscribe();
    compressedDevice(device, { ...compression, level: 9 })
      .publish({ topic: topics.propertyPost, payload: text })
      .subscribe();
    expect(Buffer.from(sent[0]!.payload as Uint8Array)).toEqual(gzipSync(text, { level: 1 }));
    expect(Buffer.from(sent[1]!.payload as Uint8Array)).toEqual(gzipSync(text, { level: 9 }));
  });

  it('should publish once per subscription, nothing before it (cold)', () => {
    const { device, calls } = fakeAlinkDevice();
    const publish = compressedDevice(device, compression).publish({
      topic: topics.propertyPost,
      payload: '{}',
    });
    expect(calls).toEqual([]);
    publish.subscribe();
    publish.subscribe();
    expect(calls).toEqual([`publish ${topics.propertyPost}`, `publish ${topics.propertyPost}`]);
  });

  it('should deliver downlink messages gunzipped on messages$ and observe, others as they came', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const values = {
        a: zipped(topics.propertySet, set),
        b: inbound(topics.propertyPostReply, { id: '1', code: 200 }),
      };
      const messages = hot('-a-b', values);
      const { device } = fakeAlinkDevice({ messages, observed: () => messages });
      const compressed = compressedDevice(device, compression);
      const expected = { a: set, b: { id: '1', code: 200 } };
      expectObservable(compressed.messages$.pipe(map(jsonOf))).toBe('-a-b', expected);
      expectObservable(compressed.observe(topics.propertySet).pipe(map(jsonOf))).toBe('-a-b', expected);
    });
  });

  it('should leave out a payload that does not gunzip, report it once, and go on', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const values = {
        x: inbound(topics.propertySet, set),
        a: zipped(topics.propertySet, set),
      };
      const messages = hot('-x-a', values);
      const { device } = fakeAlinkDevice({ messages, observed: () => messages });
      const compressed = compressedDevice(device, compression);
      expectObservable(compressed.messages$.pipe(map(jsonOf))).toBe('---a', { a: set });
      expectObservable(compressed.observe(topics.propertySet).pipe(map(jsonOf))).toBe('---a', { a: set });
      expectObservable(compressed.decompressionFailures$).toBe('-f', {
        f: {
          _tag: 'DecompressionFailure',
          topic: topics.propertySet,
          bytes: values.x.payload.byteLength,
          reason: 'not-gzip',
          message: expect.stringMatching(/^the payload is not gzip: /),
        },
      });
    });
  });

  it('should refuse a payload that gunzips past maxUncompressedBytes (a decompression bomb)', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const bomb = { ...inbound(topics.propertySet, ''), payload: gzipSync(Buffer.alloc(4096, 0x20)) };
      const messages = hot('-b', { b: bomb });
      const { device } = fakeAlinkDevice({ messages });
      const compressed = compressedDevice(device, { ...compression, maxUncompressedBytes: 4095 });
      expectObservable(compressed.messages$).toBe('');
      expectObservable(compressed.decompressionFailures$).toBe('-f', {
        f: {
          _tag: 'DecompressionFailure',
          topic: topics.propertySet,
          bytes: bomb.payload.byteLength,
          reason: 'too-large',
          message: 'the payload gunzips to more than 4095 bytes',
        },
      });
    });
  });

  it('should gunzip each message once, however many streams see it', () => {
    let gunzips = 0;
    const node = gzipPort();
    const counting: CompressionPort = {
      gzip: node.gzip,
      gunzip: (data, maxBytes) => (gunzips++, node.gunzip(data, maxBytes)),
    };
    scheduler.run(({ hot, expectObservable }) => {
      const messages = hot('-a-a', { a: zipped(topics.propertySet, set) });
      const { device } = fakeAlinkDevice({ messages, observed: () => messages });
      const compressed = compressedDevice(device, { ...compression, port: counting });
      expectObservable(compressed.messages$.pipe(map(jsonOf))).toBe('-a-a', { a: set });
      expectObservable(compressed.observe(topics.propertySet).pipe(map(jsonOf))).toBe('-a-a', { a: set });
      expectObservable(compressed.decompressionFailures$).toBe('');
    });
    // One message object, delivered twice by the hot stream: the same object is gunzipped once.
    expect(gunzips).toBe(1);
  });

  it('should keep the order of messages when the port answers later (as a browser does)', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const node = gzipPort();
      const slow: CompressionPort = {
        gzip: (data, level) => node.gzip(data, level).pipe(delay(5)),
        gunzip: (data, maxBytes) => node.gunzip(data, maxBytes).pipe(delay(5)),
      };
      const plain = inbound(topics.propertyPostReply, { id: '1', code: 200 });
      const messages: Observable<InboundMessage> = hot('-ab', {
        a: zipped(topics.propertySet, set),
        b: plain,
      });
      const { device } = fakeAlinkDevice({ messages });
      const compressed = compressedDevice(device, { ...compression, port: slow });
      expectObservable(compressed.messages$.pipe(map(jsonOf))).toBe('------(ab)', {
        a: set,
        b: { id: '1', code: 200 },
      });
    });
  });

  it('should keep the identity, topics and state of the device, and draw from its message ids', () => {
    const { device } = fakeAlinkDevice();
    const compressed = compressedDevice(device, compression);
    expect([compressed.productKey, compressed.deviceName, compressed.topics]).toEqual(['pk', 'dn', topics]);
    expect(compressed.state$).toBe(device.state$);
    expect(compressed.compression).toEqual(compression);
    const first = Number(nextMessageId(device));
    expect(Number(nextMessageId(compressed))).toBe(first + 1);
    expect(Number(nextMessageId(device))).toBe(first + 2);
  });

  it('should pass every message through untouched without downlink topics', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const a = zipped(topics.propertySet, set);
      const messages = hot('-a', { a });
      const { device } = fakeAlinkDevice({ messages });
      expectObservable(compressedDevice(device, { uplink: [topics.propertyPost] }).messages$).toBe('-a', {
        a,
      });
    });
  });

  it.each<[string, object, RegExp]>([
    ['level 0', { level: 0 }, /level must be a whole number from 1 to 9, not 0/],
    ['level 10', { level: 10 }, /level must be a whole number from 1 to 9, not 10/],
    ['level 1.5', { level: 1.5 }, /not 1.5/],
    ['maxUncompressedBytes 0', { maxUncompressedBytes: 0 }, /maxUncompressedBytes must be/],
    ['a wildcard', { downlink: ['/sys/pk/dn/thing/service/#'] }, /complete topic/],
  ])('should refuse %s at the call', (_, options, message) => {
    const { device } = fakeAlinkDevice();
    expect(() => compressedDevice(device, { ...compression, ...options })).toThrow(RangeError);
    expect(() => compressedDevice(device, { ...compression, ...options })).toThrow(message);
  });
});
