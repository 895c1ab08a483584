// The pass-through data format over real sockets, the test playing the cloud: against the emulator (which,
// for a product without a data-parsing script, carries the bytes as they are), for a device and for a
// gateway's sub-device, and against a real mosquitto.
import * as E from 'fp-ts/Either';
import mqtt from 'mqtt';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  of,
  take,
  throwError,
  toArray,
  type Subscription,
} from 'rxjs';
import { createRawData } from '../../lib/alink/createRawData';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { createDevice, type AliyunDevice } from '../../lib/device';
import type { Emulator } from '../../lib/emulator';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { connected, emulatorDevice, type EmulatorDevice } from '../support/emulatorDevice';
import { gatewayEmulator, SENSOR, type GatewayEmulator } from '../support/gatewayEmulator';
import { describeWithMosquitto } from '../support/mosquitto';
import { mosquittoBroker, testDevice, type TestBroker } from '../support/testBrokers';

// Bytes that are no UTF-8, so that a payload read or written as text anywhere would show.
const bytes = (...values: number[]) => Buffer.from(values);

/** Resolves once the emulator has the device's subscriptions to every one of `filters`. */
function subscribed(cloud: Emulator, filters: readonly string[]): Promise<unknown> {
  const seen = new Set<string>();
  return firstValueFrom(
    cloud.events$.pipe(
      filter((e) => {
        if (e.type === 'subscribe') e.filters.forEach((f) => seen.add(f));
        return filters.every((f) => seen.has(f));
      }),
    ),
  );
}

/** The first `count` messages devices send on `topic`. */
const heard = (cloud: Emulator, topic: string, count = 1) =>
  firstValueFrom(
    cloud.received$.pipe(
      filter((m) => m.topic === topic),
      take(count),
      toArray(),
    ),
  );

describe('createRawData against the emulator, the test playing the cloud', () => {
  let rig: EmulatorDevice;
  const serving: Subscription[] = [];

  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(async () => {
    serving.splice(0).forEach((s) => s.unsubscribe());
    await rig.close();
  });

  it('should post bytes as they are on up_raw, and a string as UTF-8', async () => {
    const { cloud, device } = rig;
    const raw = createRawData(device);
    const posts = heard(cloud, device.topics.upRaw, 2);
    expect(await lastValueFrom(raw.post(bytes(0xff, 0x00, 0xfe)))).toEqual(
      E.right(expect.objectContaining({ topic: device.topics.upRaw, qos: 1 })),
    );
    expect(E.isRight(await lastValueFrom(raw.post('温度=21')))).toBe(true);
    expect((await posts).map((m) => [m.payload, m.qos])).toEqual([
      [bytes(0xff, 0x00, 0xfe), 1],
      [Buffer.from('温度=21', 'utf8'), 1],
    ]);
  });

  it("should take the up_raw_reply its matches accepts, passing over another request's", async () => {
    const { cloud, device } = rig;
    const { upRaw, upRawReply } = device.topics;
    // The cloud's side: each request `[tag, …]` gets first another tag's answer, then its own.
    const answering = cloud.received$.pipe(filter((m) => m.topic === upRaw)).subscribe((m) => {
      const tag = m.payload[0] ?? 0;
      void cloud
        .publish(upRawReply, bytes(tag + 1, 0xee), { qos: 1 })
        .then(() => cloud.publish(upRawReply, bytes(tag, 0xff, 0x80), { qos: 1 }));
    });
    serving.push(answering);
    const ready = subscribed(cloud, [upRawReply]);
    const seen: Buffer[] = [];
    serving.push(createRawData(device).replies$.subscribe((m) => seen.push(m.payload)));
    await ready;
    const result = await lastValueFrom(
      createRawData(device).request(bytes(0x07, 0x01), { matches: (reply) => reply[0] === 0x07 }),
    );
    expect(result).toEqual(E.right(bytes(0x07, 0xff, 0x80)));
    // replies$ has every reply, the one passed over too.
    expect(seen).toEqual([bytes(0x08, 0xee), bytes(0x07, 0xff, 0x80)]);
  });

  it('should answer down_raw on down_raw_reply, each request once, and send nothing for a failing handler', async () => {
    const { cloud, device } = rig;
    const { downRaw, downRawReply } = device.topics;
    const ready = subscribed(cloud, [downRaw, device.topics.extRrpc('+', downRaw)]);
    const outcomes = new Promise<ServeOutcome[]>((resolve) =>
      serving.push(
        createRawData(device)
          .serve(({ payload }) =>
            payload[0] === 0x00 ? throwError(() => new Error('not mine')) : of(bytes(payload[0] ?? 0, 0xaa)),
          )
          .pipe(take(3), toArray())
          .subscribe(resolve),
      ),
    );
    await ready;
    const answers = heard(cloud, downRawReply, 2);
    // The failing request first: had it been answered, its answer would come before the others'.
    await cloud.publish(downRaw, bytes(0x00), { qos: 1 });
    await cloud.publish(downRaw, bytes(0x05), { qos: 1 });
    await cloud.publish(downRaw, bytes(0x05), { qos: 1 });
    expect((await answers).map((m) => [m.payload, m.qos])).toEqual([
      [bytes(0x05, 0xaa), 1],
      [bytes(0x05, 0xaa), 1],
    ]);
    expect((await outcomes).map((o) => [o._tag, o.topic, 'id' in o ? o.id : undefined])).toEqual([
      ['Failed', downRaw, '1'],
      ['Answered', downRaw, '2'],
      ['Answered', downRaw, '3'],
    ]);
  });

  it('should answer a synchronous call on the rrpc topic it came on, at QoS 0, with its message id', async () => {
    const { cloud, device } = rig;
    const { downRaw } = device.topics;
    const ready = subscribed(cloud, [downRaw, device.topics.extRrpc('+', downRaw)]);
    const asked: (string | undefined)[] = [];
    const outcome = new Promise<ServeOutcome>((resolve) =>
      serving.push(
        createRawData(device)
          .serve(({ payload, messageId }) => {
            asked.push(messageId);
            return bytes(0x80, ...payload);
          })
          .subscribe(resolve),
      ),
    );
    await ready;
    const topic = device.topics.extRrpc('4242', downRaw);
    const answer = heard(cloud, topic);
    await cloud.publish(topic, bytes(0x01, 0xff), { qos: 0 });
    expect((await answer).map((m) => [m.payload, m.qos])).toEqual([[bytes(0x80, 0x01, 0xff), 0]]);
    expect(await outcome).toEqual({ _tag: 'Answered', topic, id: '4242', latencyMs: expect.any(Number) });
    expect(asked).toEqual(['4242']);
    // The platform's own call, as RRpc makes it, gets the same answer.
    expect(await cloud.rrpc(device, bytes(0x02), { topic: downRaw })).toEqual(bytes(0x80, 0x02));
  });
});

describe("createRawData for a gateway's sub-device, against the emulator", () => {
  let rig: GatewayEmulator;
  let cloud: Emulator;
  const running: Subscription[] = [];

  beforeEach(async () => {
    rig = await gatewayEmulator();
    cloud = rig.cloud;
  });

  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    await rig.close();
  });

  it("should post, request and serve the sub-device's own bytes over the gateway's connection", async () => {
    const sub = await rig.loggedIn();
    const raw = createRawData(sub);
    const { upRaw, upRawReply, downRaw, downRawReply } = sub.topics;

    running.push(
      cloud.received$
        .pipe(filter((m) => m.topic === upRaw))
        .subscribe((m) => void cloud.publish(upRawReply, bytes(0xa0, ...m.payload), { qos: 1 })),
    );
    const up = await lastValueFrom(raw.request(bytes(0x11), { matches: (reply) => reply[0] === 0xa0 }));
    expect(up).toEqual(E.right(bytes(0xa0, 0x11)));

    const ready = subscribed(cloud, [downRaw, sub.topics.extRrpc('+', downRaw)]);
    running.push(raw.serve(({ payload }) => bytes(0xb0, ...payload)).subscribe());
    await ready;
    const answer = heard(cloud, downRawReply);
    await cloud.publish(downRaw, bytes(0x22), { qos: 1 });
    expect((await answer).map((m) => [m.productKey, m.deviceName, m.payload])).toEqual([
      ['a1SubPK0001', 's01', bytes(0xb0, 0x22)],
    ]);
    expect(await cloud.rrpc(SENSOR, bytes(0x33), { topic: downRaw })).toEqual(bytes(0xb0, 0x33));
  });
});

describeWithMosquitto('createRawData against mosquitto, the test playing the cloud', () => {
  let broker: TestBroker;
  let device: AliyunDevice;
  let cloud: mqtt.MqttClient;

  beforeEach(async () => {
    broker = await mosquittoBroker();
    device = createDevice({ ...testDevice, endpoint: { url: broker.url }, reconnect: false });
    device.start();
    await connected(device);
    const { username, password } = mqttCredentials(testDevice);
    cloud = await mqtt.connectAsync(broker.url, { username, password, clientId: 'the-cloud' });
    await cloud.subscribeAsync([device.topics.upRaw, device.topics.downRawReply], { qos: 1 });
  });

  afterEach(async () => {
    await cloud.endAsync();
    await device.close();
    await broker.close();
  });

  /** The next message the cloud hears on `topic`. */
  const next = (topic: string) =>
    new Promise<Buffer>((resolve) => {
      const listener = (at: string, payload: Buffer) => {
        if (at !== topic) return;
        cloud.off('message', listener);
        resolve(payload);
      };
      cloud.on('message', listener);
    });

  it('should carry a request up and its answer back', async () => {
    const { upRaw, upRawReply } = device.topics;
    const asked = next(upRaw);
    const result = lastValueFrom(
      createRawData(device).request(bytes(0x07, 0xff), { matches: (reply) => reply[0] === 0x07 }),
    );
    expect(await asked).toEqual(bytes(0x07, 0xff));
    await cloud.publishAsync(upRawReply, bytes(0x07, 0x00, 0xfe), { qos: 1 });
    expect(await result).toEqual(E.right(bytes(0x07, 0x00, 0xfe)));
  });

  it('should carry a down_raw request down and its answer back', async () => {
    const { downRaw, downRawReply } = device.topics;
    const raw = createRawData(device);
    const outcome = firstValueFrom(raw.serve(({ payload }) => bytes(0x90, ...payload)));
    // mosquitto reads a client's packets in order: once it has passed on a post sent after the SUBSCRIBE,
    // it holds the subscription.
    const probe = next(device.topics.upRaw);
    await lastValueFrom(raw.post('probe'));
    expect(String(await probe)).toBe('probe');
    const answer = next(downRawReply);
    await cloud.publishAsync(downRaw, bytes(0x01, 0xfe), { qos: 1 });
    expect(await answer).toEqual(bytes(0x90, 0x01, 0xfe));
    expect(await outcome).toEqual({
      _tag: 'Answered',
      topic: downRaw,
      id: '1',
      latencyMs: expect.any(Number),
    });
  });
});
