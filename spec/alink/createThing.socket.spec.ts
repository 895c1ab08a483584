// The thing model over real sockets: a device against the emulator, which plays the cloud's side of every
// request and calls the device as the platform's server API does.
import * as E from 'fp-ts/Either';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  of,
  ReplaySubject,
  take,
  toArray,
  type Observable,
  type Subscription,
} from 'rxjs';
import { createThing } from '../../lib/alink/createThing';
import { ReplyError } from '../../lib/alink/ReplyError';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import {
  DeviceOfflineError,
  ReplyTimeoutError,
  RrpcTimeoutError,
  TslViolationError,
  type EmulatorEvent,
} from '../../lib/emulator';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import {
  connected,
  DEVICE_SECRET,
  emulatorDevice,
  PRODUCT_KEY,
  type EmulatorDevice,
} from '../support/emulatorDevice';
import { tslFixture } from '../support/tslFixture';

const tsl = parseTsl(tslFixture('everyType'));
const withTsl = {
  products: [
    { productKey: PRODUCT_KEY, devices: [{ deviceName: 'dev01', deviceSecret: DEVICE_SECRET }], tsl },
  ],
};

describe('createThing against the emulator', () => {
  let setup: EmulatorDevice;
  const serving: Subscription[] = [];

  afterEach(async () => {
    serving.splice(0).forEach((s) => s.unsubscribe());
    await setup.close();
  });

  /** Serves for the test, and collects the first `count` outcomes. */
  function collect(serve$: Observable<ServeOutcome>, count: number): Promise<ServeOutcome[]> {
    return new Promise((resolve, reject) => {
      serving.push(serve$.pipe(take(count), toArray()).subscribe({ next: resolve, error: reject }));
    });
  }
  /** Every event of the emulator since the test started it, replayed to each observer. */
  let log: ReplaySubject<EmulatorEvent>;
  async function start(emulatorOptions?: Parameters<typeof emulatorDevice>[0]) {
    setup = await emulatorDevice(emulatorOptions);
    log = new ReplaySubject<EmulatorEvent>();
    serving.push(setup.cloud.events$.subscribe(log));
  }
  const subscribed = (filterName: string) =>
    firstValueFrom(log.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(filterName))));

  describe('device → cloud', () => {
    it('should post properties, get the platform reply, and leave the last value and time at the cloud', async () => {
      await start();
      const thing = createThing(setup.device);
      const reply = await lastValueFrom(
        thing.postProperties({ temp: 21.5, label: { value: 'x', time: 1700000000000 } }),
      );
      expect(reply).toEqual(
        E.right(
          expect.objectContaining({ code: 200, message: 'success', method: 'thing.event.property.post' }),
        ),
      );
      expect(setup.cloud.queryDevicePropertyStatus(setup.device)).toEqual([
        { identifier: 'temp', value: 21.5, time: expect.any(Number) },
        { identifier: 'label', value: 'x', time: 1700000000000 },
      ]);
    });

    it('should post an event, and send without a reply with ack false', async () => {
      await start();
      const thing = createThing(setup.device);
      const events: EmulatorEvent[] = [];
      serving.push(setup.cloud.events$.subscribe((e) => events.push(e)));
      const posted = await lastValueFrom(thing.postEvent('fault', { code: 3 }, { time: 1700000000000 }));
      expect(E.isRight(posted) && posted.right.method).toBe('thing.event.fault.post');
      const notified = await lastValueFrom(thing.postProperties({ temp: 1 }, { ack: false }));
      expect(notified).toEqual(
        E.right(expect.objectContaining({ topic: setup.device.topics.propertyPost, qos: 1 })),
      );
      await firstValueFrom(log.pipe(filter((e) => e.type === 'thing' && e.code === undefined)));
      const thingEvents = events.filter((e) => e.type === 'thing');
      expect(thingEvents.map((e) => e.type === 'thing' && [e.method, e.code])).toEqual([
        ['thing.event.fault.post', 200],
        ['thing.event.property.post', undefined],
      ]);
    });

    it("should refuse a post that breaks the device's thing model before it is sent", async () => {
      await start();
      const received: string[] = [];
      setup.cloud.received$.subscribe((m) => received.push(m.topic));
      const thing = createThing(setup.device, { tsl });
      const result = await lastValueFrom(thing.postProperties({ temp: 500, humidity: 3 }));
      expect(result).toEqual(
        E.left({
          _tag: 'TslFailure',
          topic: setup.device.topics.propertyPost,
          method: 'thing.event.property.post',
          violations: [
            { path: 'temp', rule: 'max', message: 'at temp: 500 is above the max 120' },
            {
              path: 'humidity',
              rule: 'undefined',
              message: 'at humidity: property humidity is not defined by the thing model',
            },
          ],
        }),
      );
      const event = await lastValueFrom(thing.postEvent('fault', { code: 'E1' }));
      expect(E.isLeft(event) && event.left._tag).toBe('TslFailure');
      expect(received).toEqual([]);
    });

    it("should get the platform's codes for posts that break the product's thing model", async () => {
      await start(withTsl);
      const thing = createThing(setup.device);
      const undefinedProperty = await lastValueFrom(thing.postProperties({ humidity: 3 }));
      const outOfRange = await lastValueFrom(thing.postProperties({ temp: 500 }));
      const badEvent = await lastValueFrom(thing.postEvent('fault', { code: 999 }));
      expect(undefinedProperty).toEqual(
        E.left(
          expect.objectContaining({
            _tag: 'ReplyFailure',
            code: 5092,
            message: expect.stringContaining('humidity'),
          }),
        ),
      );
      expect(outOfRange).toEqual(
        E.left(expect.objectContaining({ code: 460, message: 'at temp: 500 is above the max 120' })),
      );
      expect(badEvent).toEqual(E.left(expect.objectContaining({ code: 460 })));
      expect(setup.cloud.queryDevicePropertyStatus(setup.device)).toEqual([]);
      await lastValueFrom(thing.postProperties({ temp: 20 }));
      expect(setup.cloud.queryDevicePropertyStatus(setup.device)).toEqual([
        { identifier: 'temp', value: 20, time: expect.any(Number), name: '温度', dataType: 'float' },
      ]);
    });

    it('should get and delete desired properties', async () => {
      await start();
      const thing = createThing(setup.device);
      setup.cloud.setDeviceDesiredProperty(setup.device, { count: 5, mode: 1 });
      expect(setup.cloud.setDeviceDesiredProperty(setup.device, { count: 6 })).toEqual({ count: 2 });
      const desired = await lastValueFrom(thing.getDesiredProperties(['count', 'mode', 'label']));
      expect(desired).toEqual(E.right({ count: { value: 6, version: 2 }, mode: { value: 1, version: 1 } }));
      // An old version leaves the newer value; no version deletes.
      await lastValueFrom(thing.deleteDesiredProperties({ count: { version: 1 }, mode: {} }));
      expect(setup.cloud.queryDeviceDesiredProperty(setup.device)).toEqual({
        count: { value: 6, version: 2 },
      });
    });

    it('should subscribe the reply topic once for many posts in a row, and let go of it after the linger', async () => {
      await start();
      const thing = createThing(setup.device, { lingerMs: 100 });
      const filterName = setup.device.topics.eventPostReply('+');
      const events: EmulatorEvent[] = [];
      setup.cloud.events$.subscribe((e) => events.push(e));
      for (let i = 0; i < 20; i++) {
        const result = await lastValueFrom(
          i % 2 === 0 ? thing.postProperties({ n: i }) : thing.postEvent('tick', { n: i }),
        );
        expect(E.isRight(result)).toBe(true);
      }
      const unsubscribed = firstValueFrom(setup.cloud.events$.pipe(filter((e) => e.type === 'unsubscribe')));
      expect((await unsubscribed).type === 'unsubscribe' && (await unsubscribed).filters).toEqual([
        filterName,
      ]);
      expect(
        events.filter((e) => e.type === 'subscribe').map((e) => e.type === 'subscribe' && e.filters),
      ).toEqual([[filterName]]);
    });

    it('should fetch the desired properties at each connection, the first and after a reconnect', async () => {
      await start();
      const thing = createThing(setup.device);
      setup.cloud.setDeviceDesiredProperty(setup.device, { count: 5 });
      const fetched = new ReplaySubject<unknown>();
      serving.push(thing.desiredProperties$(['count']).subscribe(fetched));
      expect(await firstValueFrom(fetched)).toEqual(E.right({ count: { value: 5, version: 1 } }));
      // Set while it is online and then lost: the next connection fetches what it missed.
      setup.cloud.setDeviceDesiredProperty(setup.device, { count: 6 });
      await setup.cloud.disconnect(setup.device);
      const [, second] = await firstValueFrom(fetched.pipe(take(2), toArray()));
      expect(second).toEqual(E.right({ count: { value: 6, version: 2 } }));
    });

    it('should send a post made while offline after the reconnect, and take its reply', async () => {
      await start();
      const thing = createThing(setup.device);
      await setup.cloud.disconnect(setup.device);
      const result = lastValueFrom(thing.postProperties({ temp: 3 }, { timeoutMs: 20_000 }));
      await connected(setup.device);
      expect(E.isRight(await result)).toBe(true);
    });
  });

  describe('cloud → device', () => {
    it('should serve property sets from setDeviceProperty, replying on set_reply', async () => {
      await start();
      const thing = createThing(setup.device);
      const outcomes = collect(
        thing.serveProperties((values) => of({ applied: Object.keys(values) })),
        1,
      );
      await subscribed(setup.device.topics.propertySet);
      const reply = await setup.cloud.setDeviceProperty(setup.device, { count: 7, mode: 2 });
      expect(reply).toEqual({
        id: expect.stringMatching(/^\d+$/),
        code: 200,
        data: { applied: ['count', 'mode'] },
      });
      expect((await outcomes)[0]?._tag).toBe('Answered');
    });

    it('should answer a set that breaks the thing model with 460 and the reason', async () => {
      await start();
      const thing = createThing(setup.device, { tsl });
      const outcomes = collect(
        thing.serveProperties(() => of({})),
        1,
      );
      await subscribed(setup.device.topics.propertySet);
      const reply = await setup.cloud.setDeviceProperty(setup.device, { count: 1000, temp: 3 });
      expect(reply).toEqual({
        id: expect.any(String),
        code: 460,
        data: {},
        message: 'at params.count: 1000 is above the max 100; at params.temp: property temp is read-only',
      });
      expect((await outcomes)[0]).toMatchObject({ _tag: 'Failed', code: 460 });
    });

    it('should serve a sync service over RRPC and an async one on its topic, as the thing model says', async () => {
      await start(withTsl);
      const thing = createThing(setup.device, { tsl });
      const ready = Promise.all([
        subscribed(setup.device.topics.extRrpc('+', setup.device.topics.service('reboot'))),
        subscribed(setup.device.topics.service('calibrate')),
      ]);
      const outcomes = collect(
        thing.serveService('reboot', ({ delay }) => of({ at: String(1700000000000 + Number(delay)) })),
        1,
      );
      const calibrated = collect(
        thing.serveService('calibrate', ({ offset }) =>
          Number(offset) > 1 ? Promise.reject(new ReplyError(100005, 'drift')) : of({ ok: 1 as const }),
        ),
        2,
      );
      await ready;
      const events: EmulatorEvent[] = [];
      setup.cloud.events$.subscribe((e) => events.push(e));
      expect(await setup.cloud.invokeThingService(setup.device, 'reboot', { delay: 5 })).toEqual({
        id: expect.any(String),
        code: 200,
        data: { at: '1700000000005' },
      });
      expect(await setup.cloud.invokeThingService(setup.device, 'calibrate', { offset: 0.5 })).toMatchObject({
        code: 200,
        data: { ok: 1 },
      });
      expect(await setup.cloud.invokeThingService(setup.device, 'calibrate', { offset: 2 })).toMatchObject({
        code: 100005,
        message: 'drift',
      });
      expect((await outcomes)[0]?.topic).toMatch(
        /^\/ext\/rrpc\/\d+\/sys\/a1TestPK001\/dev01\/thing\/service\/reboot$/,
      );
      expect((await calibrated).map((o) => o._tag)).toEqual(['Answered', 'Failed']);
      expect(
        events.filter((e) => e.type === 'call').map((e) => e.type === 'call' && [e.call, e.outcome]),
      ).toEqual([
        ['invokeThingService', 'answered'],
        ['invokeThingService', 'answered'],
        ['invokeThingService', 'answered'],
      ]);
    });

    it('should serve a service both ways without a thing model', async () => {
      await start();
      const thing = createThing(setup.device);
      const ready = Promise.all([
        subscribed(setup.device.topics.extRrpc('+', setup.device.topics.service('ping'))),
        subscribed(setup.device.topics.service('ping')),
      ]);
      const outcomes = collect(
        thing.serveService('ping', () => of({ pong: 1 })),
        2,
      );
      await ready;
      const sync = await setup.cloud.invokeThingService(setup.device, 'ping', {}, { callType: 'sync' });
      const async = await setup.cloud.invokeThingService(setup.device, 'ping', {}, { callType: 'async' });
      expect([sync.data, async.data]).toEqual([{ pong: 1 }, { pong: 1 }]);
      expect((await outcomes).map((o) => o.topic.startsWith('/ext/rrpc/'))).toEqual([true, false]);
    });

    it('should refuse calls the thing model refuses, to devices offline, and time out on devices that never answer', async () => {
      await start(withTsl);
      await expect(setup.cloud.invokeThingService(setup.device, 'fly', {})).rejects.toBeInstanceOf(
        TslViolationError,
      );
      await expect(setup.cloud.setDeviceProperty(setup.device, { temp: 1 })).rejects.toThrow(/read-only/);
      await expect(
        setup.cloud.invokeThingService(setup.device, 'reboot', { delay: 1 }, { timeoutMs: 100 }),
      ).rejects.toBeInstanceOf(RrpcTimeoutError);
      await expect(
        setup.cloud.setDeviceProperty(setup.device, { count: 1 }, { timeoutMs: 100 }),
      ).rejects.toBeInstanceOf(ReplyTimeoutError);
      await expect(
        setup.cloud.invokeThingService({ productKey: PRODUCT_KEY, deviceName: 'dev02' }, 'reboot', {}),
      ).rejects.toBeInstanceOf(DeviceOfflineError);
    });
  });
});
