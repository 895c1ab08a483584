// Message compression from both ends: a device declares its topics and speaks gzip on them through
// compressedDevice, the emulator keeps the declaration, gunzips what the device sends before its services
// see it and gzips what it sends the device.
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as E from 'fp-ts/Either';
import {
  asapScheduler,
  concatMap,
  filter,
  firstValueFrom,
  lastValueFrom,
  map,
  observeOn,
  of,
  ReplaySubject,
  take,
  tap,
  toArray,
  type Subscription,
} from 'rxjs';
import { compressedDevice, type CompressedDevice } from '../../lib/alink/compressedDevice';
import { createThing } from '../../lib/alink/createThing';
import { declareCompression } from '../../lib/alink/declareCompression';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import type { CompressionPort } from '../../lib/compression/CompressionPort';
import { gzipPort } from '../../lib/compression/gzipPort';
import { PublishRefusedError } from '../../lib/connection/errors';
import type { InboundMessage } from '../../lib/connection/messages';
import type { EmulatorEvent } from '../../lib/emulator';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';
import { elapse } from '../support/timerOverflows';

type Event<T extends EmulatorEvent['type']> = Extract<EmulatorEvent, { type: T }>;
const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

describe('message compression against the emulator', () => {
  let rig: EmulatorDevice;
  let events: ReplaySubject<EmulatorEvent>;
  const subscriptions: Subscription[] = [];
  beforeEach(async () => {
    rig = await emulatorDevice();
    events = new ReplaySubject();
    subscriptions.push(rig.cloud.events$.subscribe(events));
  });
  afterEach(async () => {
    subscriptions.splice(0).forEach((s) => s.unsubscribe());
    await rig.close();
  });

  const nth = <T extends EmulatorEvent['type']>(type: T, count = 1) =>
    firstValueFrom(
      events.pipe(
        filter((e): e is Event<T> => e.type === type),
        take(count),
        toArray(),
      ),
    );
  /** Declares and waits for the platform's answer. */
  const declare = (options: Parameters<typeof declareCompression>[1]) =>
    firstValueFrom(declareCompression(rig.device, { ...options, everyConnection: false }));
  /** Subscribes `observed` to `topic` and resolves once the emulator has the subscription. */
  async function watch(
    topic: string,
    observe: (topic: string) => ReturnType<typeof rig.device.observe> = (t) =>
      rig.device.observe(t, { qos: 1 }),
  ) {
    const seen = new ReplaySubject<InboundMessage>();
    const subscribed = firstValueFrom(
      rig.cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(topic))),
    );
    subscriptions.push(observe(topic).subscribe(seen));
    await subscribed;
    return seen;
  }

  it('should post properties compressed, the emulator keeping them as plain JSON', async () => {
    const { cloud, device } = rig;
    const topics = { uplink: [device.topics.propertyPost], downlink: [device.topics.propertyPostReply] };
    expect(await declare(topics)).toEqual(E.right({ ...topics, message: 'success' }));
    expect(await nth('compression')).toEqual([
      { type: 'compression', device: { productKey: PRODUCT_KEY, deviceName: 'dev01' }, code: 200, ...topics },
    ]);
    const wire = await watch(device.topics.propertyPostReply);
    const thing = createThing(compressedDevice(device, topics));
    const label = 'a long label that compresses well '.repeat(20);
    const reply = await lastValueFrom(thing.postProperties({ temp: 21.5, label }));
    // The reply came gzip on the wire (a declared downlink topic), and plain to the thing.
    expect(reply).toEqual(
      E.right(expect.objectContaining({ code: 200, method: 'thing.event.property.post' })),
    );
    const raw = await firstValueFrom(wire);
    expect(isGzip(raw.payload)).toBe(true);
    expect(JSON.parse(gunzipSync(raw.payload).toString())).toMatchObject({ code: 200 });
    expect(cloud.queryDevicePropertyStatus(device)).toEqual([
      { identifier: 'temp', value: 21.5, time: expect.any(Number) },
      { identifier: 'label', value: label, time: expect.any(Number) },
    ]);
    // What the cloud hands on (received$, the rules, the services) is plain too.
    expect((await nth('thing'))[0]).toMatchObject({ method: 'thing.event.property.post', code: 200 });
  });

  it('should send a property set compressed, served by createThing over the compressed device', async () => {
    const { cloud, device } = rig;
    const topics = { uplink: [device.topics.propertySetReply], downlink: [device.topics.propertySet] };
    await declare(topics);
    const wire = await watch(device.topics.propertySet);
    const thing = createThing(compressedDevice(device, topics));
    const outcomes = new ReplaySubject<ServeOutcome>();
    subscriptions.push(
      thing.serveProperties((values) => of({ applied: Object.keys(values) })).subscribe(outcomes),
    );
    const reply = await cloud.setDeviceProperty(device, { count: 7, mode: 2 });
    expect(reply).toEqual({
      id: expect.stringMatching(/^\d+$/),
      code: 200,
      data: { applied: ['count', 'mode'] },
    });
    expect((await firstValueFrom(outcomes))._tag).toBe('Answered');
    const raw = await firstValueFrom(wire);
    expect(isGzip(raw.payload)).toBe(true);
    expect(JSON.parse(gunzipSync(raw.payload).toString())).toMatchObject({
      method: 'thing.service.property.set',
      params: { count: 7, mode: 2 },
    });
  });

  it('should declare through the offline queue, ahead of compressed publishes made before the device connects', async () => {
    const { cloud } = rig;
    const device = rig.other('dev02');
    const update = device.topics.userTopic('update');
    const heard = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic === update)));
    const results = new ReplaySubject<unknown>();
    subscriptions.push(declareCompression(device, { uplink: [update] }).subscribe(results));
    const published = lastValueFrom(
      compressedDevice(device, { uplink: [update] }).publish({ topic: update, payload: 'zipped', qos: 1 }),
    );
    device.start();
    await published;
    expect(await firstValueFrom(results)).toEqual(
      E.right({ uplink: [update], downlink: [], message: 'success' }),
    );
    expect((await heard).payload.toString()).toBe('zipped');
    expect((await nth('compression')).length).toBe(1);
  });

  it.each([true, false])(
    'should declare ahead of compressed publishes whatever the time offline, past timeoutMs too (everyConnection %s)',
    async (everyConnection) => {
      const { cloud } = rig;
      const device = rig.other('dev02');
      const update = device.topics.userTopic('update');
      const heard = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic === update)));
      const results = new ReplaySubject<unknown>();
      subscriptions.push(
        declareCompression(device, { uplink: [update], timeoutMs: 100, everyConnection }).subscribe(results),
      );
      const published = lastValueFrom(
        compressedDevice(device, { uplink: [update] }).publish({ topic: update, payload: 'zipped', qos: 1 }),
      );
      // Offline three times as long as the declaration's timeoutMs (longer still on a slow machine).
      await elapse(300);
      device.start();
      await published;
      expect(await firstValueFrom(results)).toEqual(
        E.right({ uplink: [update], downlink: [], message: 'success' }),
      );
      expect((await heard).payload.toString()).toBe('zipped');
    },
  );

  it('should declare again after each reconnect while subscribed', async () => {
    const { cloud, device } = rig;
    const get = device.topics.userTopic('get');
    const results = new ReplaySubject<unknown>();
    subscriptions.push(declareCompression(device, { downlink: [get] }).subscribe(results));
    await firstValueFrom(results);
    await cloud.disconnect(device);
    expect(await firstValueFrom(results.pipe(take(2), toArray()))).toEqual([
      E.right({ uplink: [], downlink: [get], message: 'success' }),
      E.right({ uplink: [], downlink: [get], message: 'success' }),
    ]);
    const declarations = await nth('compression', 2);
    expect(declarations.map((e) => [e.code, e.downlink])).toEqual([
      [200, [get]],
      [200, [get]],
    ]);
  });

  it('should keep a declaration across a reconnect, as the platform does', async () => {
    const { cloud, device } = rig;
    const get = device.topics.userTopic('get');
    await declare({ downlink: [get] });
    const seen = await watch(get);
    // The subscription again after the reconnect: the device is back, and declared nothing since.
    const back = firstValueFrom(
      cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(get))),
    );
    await cloud.disconnect(device);
    await back;
    await cloud.publish(get, { hello: 1 }, { qos: 1 });
    const raw = await firstValueFrom(seen);
    expect(JSON.parse(gunzipSync(raw.payload).toString())).toEqual({ hello: 1 });
    expect((await nth('compression', 1)).length).toBe(1);
  });

  it('should give a payload that does not gunzip as a failure value, the streams going on', async () => {
    const { cloud, device } = rig;
    const get = device.topics.userTopic('get');
    // The device decompresses a topic it has not declared: the platform sends it plain.
    const compressed: CompressedDevice = compressedDevice(device, { downlink: [get] });
    const failures = new ReplaySubject<unknown>();
    subscriptions.push(compressed.decompressionFailures$.subscribe(failures));
    const delivered = await watch(get, (topic) => compressed.observe(topic, { qos: 1 }));
    await cloud.publish(get, { n: 1 }, { qos: 1 });
    expect(await firstValueFrom(failures)).toEqual({
      _tag: 'DecompressionFailure',
      topic: get,
      bytes: 7,
      reason: 'not-gzip',
      message: expect.stringMatching(/^the payload is not gzip: /),
    });
    await declare({ downlink: [get] });
    await cloud.publish(get, { n: 2 }, { qos: 1 });
    expect(JSON.parse((await firstValueFrom(delivered)).payload.toString())).toEqual({ n: 2 });
  });

  it('should refuse a decompression bomb on the device, and deliver what follows', async () => {
    const { cloud, device } = rig;
    const get = device.topics.userTopic('get');
    await declare({ downlink: [get] });
    const compressed = compressedDevice(device, { downlink: [get] });
    const failures = new ReplaySubject<unknown>();
    subscriptions.push(compressed.decompressionFailures$.subscribe(failures));
    const delivered = await watch(get, (topic) => compressed.observe(topic, { qos: 1 }));
    // 8 MiB of spaces: some 8 KiB of gzip on the wire, far under the 256 KiB a message may have.
    await cloud.publish(get, Buffer.alloc(8 * 1024 * 1024, 0x20), { qos: 1 });
    expect(await firstValueFrom(failures)).toMatchObject({
      _tag: 'DecompressionFailure',
      reason: 'too-large',
      message: 'the payload gunzips to more than 1048576 bytes',
    });
    await cloud.publish(get, 'after', { qos: 1 });
    expect((await firstValueFrom(delivered)).payload.toString()).toBe('after');
  });

  it('should drop what a device sends plain or as a bomb on a declared uplink topic, and report it', async () => {
    const { cloud, device } = rig;
    const update = device.topics.userTopic('update');
    await declare({ uplink: [update] });
    const received = new ReplaySubject<string>();
    subscriptions.push(
      cloud.received$
        .pipe(filter((m) => m.topic === update))
        .subscribe((m) => received.next(m.payload.toString())),
    );
    await lastValueFrom(device.publish({ topic: update, payload: 'plain', qos: 1 }));
    await lastValueFrom(
      device.publish({ topic: update, payload: gzipSync(Buffer.alloc(2 * 1024 * 1024)), qos: 1 }),
    );
    await lastValueFrom(
      compressedDevice(device, { uplink: [update] }).publish({ topic: update, payload: 'zipped', qos: 1 }),
    );
    expect(await firstValueFrom(received)).toBe('zipped');
    const failed = await nth('decompression-failed', 2);
    expect(failed.map((e) => [e.topic, e.reason])).toEqual([
      [update, 'not-gzip'],
      [update, 'too-large'],
    ]);
    expect(failed[0]?.bytes).toBe(5);
  });

  it('should send compressed publishes in the order they were issued, one made sooner waiting its turn', async () => {
    const { cloud, device } = rig;
    const update = device.topics.userTopic('update');
    await declare({ uplink: [update] });
    // The first gzip is made only once the second has been: as a browser's port may answer.
    const zlib = gzipPort();
    const secondMade = new ReplaySubject<void>(1);
    let made = 0;
    const port: CompressionPort = {
      ...zlib,
      gzip: (data, level) =>
        ++made === 1
          ? secondMade.pipe(
              observeOn(asapScheduler),
              take(1),
              concatMap(() => zlib.gzip(data, level)),
            )
          : zlib.gzip(data, level).pipe(tap(() => secondMade.next())),
    };
    const compressed = compressedDevice(device, { uplink: [update], port });
    // A plain publish (a topic not declared) after them waits its turn too.
    const error = device.topics.userTopic('update/error');
    const received = firstValueFrom(
      cloud.received$.pipe(
        filter((m) => m.topic === update || m.topic === error),
        map((m) => m.payload.toString()),
        take(3),
        toArray(),
      ),
    );
    await Promise.all([
      lastValueFrom(compressed.publish({ topic: update, payload: 'first', qos: 1 })),
      lastValueFrom(compressed.publish({ topic: update, payload: 'second', qos: 1 })),
      lastValueFrom(compressed.publish({ topic: error, payload: 'third', qos: 1 })),
    ]);
    expect(made).toBe(2);
    expect(await received).toEqual(['first', 'second', 'third']);
  });

  it('should refuse what the platform would not take with the PublishRefusedError of the connection', async () => {
    const { cloud, device } = rig;
    const update = device.topics.userTopic('update');
    await declare({ uplink: [update] });
    const compressed = compressedDevice(device, { uplink: [update] });
    const heard = new ReplaySubject<string>();
    subscriptions.push(
      cloud.received$
        .pipe(filter((m) => m.topic === update))
        .subscribe((m) => heard.next(m.payload.toString())),
    );
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const refusals = await Promise.all(
      [
        // 2 MiB of spaces: a few KiB of gzip, but over the 1 MiB the platform decompresses.
        Buffer.alloc(2 * 1024 * 1024, 0x20),
        // 300 KiB that gzip cannot shrink: over the 256 KiB of a message once compressed.
        randomBytes(300 * 1024),
        circular as never,
      ].map((payload) =>
        lastValueFrom(compressed.publish({ topic: update, payload, qos: 1 })).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    expect(refusals.map((e) => e instanceof PublishRefusedError && [e.reason, e.topic])).toEqual([
      ['payload-too-large', update],
      ['payload-too-large', update],
      ['invalid-payload', update],
    ]);
    expect((refusals[0] as Error).message).toMatch(
      /2097152 bytes before compression, the platform's limit is 1048576$/,
    );
    await lastValueFrom(compressed.publish({ topic: update, payload: 'taken', qos: 1 }));
    expect(await firstValueFrom(heard)).toBe('taken');
  });

  it('should refuse a declaration of wildcards or of another device with 460, keeping what it had', async () => {
    const { cloud, device } = rig;
    const get = device.topics.userTopic('get');
    await declare({ downlink: [get] });
    const other = `/${PRODUCT_KEY}/dev02/user/get`;
    expect(await declare({ downlink: [other] })).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'ReplyFailure',
          code: 460,
          message: `request parameter error: ${other} is not a topic of ${PRODUCT_KEY}/dev01`,
        }),
      ),
    );
    // Wildcards never leave the device (a RangeError at the call): a raw request shows the emulator's answer.
    const replies = await watch(device.topics.codecTopicUpdateReply);
    const wildcard = {
      params: [{ topic: `/${PRODUCT_KEY}/dev01/user/#`, operation: 'compress', format: 'gzip' }],
    };
    await lastValueFrom(device.publish({ topic: device.topics.codecTopicUpdate, payload: wildcard, qos: 1 }));
    expect(JSON.parse((await firstValueFrom(replies)).payload.toString())).toEqual({
      version: '1.0',
      code: 460,
      message: `request parameter error: "/${PRODUCT_KEY}/dev01/user/#" is no complete topic (no wildcards)`,
    });
    const wire = await watch(get);
    await cloud.publish(get, 'still', { qos: 1 });
    expect(isGzip((await firstValueFrom(wire)).payload)).toBe(true);
  });

  it('should take a new declaration in place of the last, an empty one ending compression', async () => {
    const { cloud, device } = rig;
    const get = device.topics.userTopic('get');
    await declare({ downlink: [get] });
    await declare({});
    const wire = await watch(get);
    await cloud.publish(get, 'plain again', { qos: 1 });
    expect((await firstValueFrom(wire)).payload.toString()).toBe('plain again');
  });
});
