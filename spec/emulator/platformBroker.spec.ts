// The device side of the emulator, over real sockets: authentication, the platform's rules, kicks.
import { filter, firstValueFrom, take, toArray, type Observable } from 'rxjs';
import type { ErrorWithSubackPacket } from 'mqtt';
import { createDevice, type AliyunDevice } from '../../lib/device';
import type { EmulatorEvent, ViolationReason } from '../../lib/emulator';
import { sessionKey } from '../../lib/emulator/platformBroker';
import { mqttCredentials } from '../../lib/identity';
import { DEV01, PK, SECRET, deviceHarness, nextMessage, whenClosed } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

function nextEvent<T extends EmulatorEvent['type']>(
  events$: Observable<EmulatorEvent>,
  type: T,
): Promise<Extract<EmulatorEvent, { type: T }>> {
  return firstValueFrom(
    events$.pipe(filter((e): e is Extract<EmulatorEvent, { type: T }> => e.type === type)),
  );
}

describe('platformBroker: authentication', () => {
  it.each([
    ['hmacmd5', undefined],
    ['hmacsha1', undefined],
    ['hmacsha256', undefined],
    ['hmacmd5', 1700000000000],
    ['hmacsha1', 1700000000000],
    ['hmacsha256', 2524608000000],
  ] as const)('should accept %s with timestamp %s', async (signMethod, timestamp) => {
    const emulator = await harness.start();
    const connected = nextEvent(emulator.events$, 'connect');
    await harness.connectDevice(emulator, { signMethod, timestamp, clientId: 'my-id' });
    expect(await connected).toEqual({ type: 'connect', device: { ...DEV01, clientId: 'my-id' } });
  });

  it('should accept a password in uppercase hex, as the C SDK sends it', async () => {
    const emulator = await harness.start();
    const { password } = mqttCredentials({ ...DEV01, deviceSecret: SECRET, signMethod: 'hmacsha1' });
    const client = await harness.connectDevice(emulator, {
      signMethod: 'hmacsha1',
      password: password.toUpperCase(),
    });
    expect(client.connected).toBe(true);
  });

  it.each([
    ['a wrong secret', { deviceSecret: 'wrong' }, 'bad-signature'],
    ['an unknown device', { deviceName: 'dev99' }, 'unknown-device'],
    ['a bad username', { username: 'dev01' }, 'bad-username'],
  ])('should refuse %s with CONNACK 4 and say why without the secret', async (_, login, reason) => {
    const emulator = await harness.start();
    const refused = nextEvent(emulator.events$, 'refused');
    await expect(harness.connectDevice(emulator, login)).rejects.toMatchObject({ code: 4 });
    const event = await refused;
    expect(event).toMatchObject({ type: 'refused', reason, returnCode: 4 });
    expect(JSON.stringify(event)).not.toMatch(new RegExp(`${SECRET}|wrong|password`));
  });

  it('should refuse keepalive 10 with CONNACK 2 and accept 30', async () => {
    const emulator = await harness.start();
    const refused = nextEvent(emulator.events$, 'refused');
    await expect(harness.connectDevice(emulator, { keepalive: 10 })).rejects.toMatchObject({ code: 2 });
    expect(await refused).toMatchObject({ reason: 'keepalive-out-of-range', returnCode: 2 });
    expect((await harness.connectDevice(emulator, { keepalive: 30 })).connected).toBe(true);
  });
});

describe('platformBroker: publish rules', () => {
  it.each<[string, string, 0 | 1 | 2, boolean, ViolationReason]>([
    ['a QoS 2 publish', `/sys/${PK}/dev01/thing/event/property/post`, 2, false, 'qos2-publish'],
    ['a retained publish', `/sys/${PK}/dev01/thing/event/property/post`, 1, true, 'retained-publish'],
    [
      'a publish outside the namespace',
      `/sys/${PK}/dev02/thing/event/property/post`,
      1,
      false,
      'topic-not-allowed',
    ],
  ])('should close the connection on %s', async (_, topic, qos, retain, reason) => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const events = firstValueFrom(emulator.events$.pipe(take(2), toArray()));
    const closed = whenClosed(client);
    client.publish(topic, 'x', { qos, retain });
    await closed;
    expect(await events).toEqual([
      { type: 'violation', device: { ...DEV01, clientId: `${PK}.dev01` }, reason, topic, action: 'closed' },
      { type: 'disconnect', device: { ...DEV01, clientId: `${PK}.dev01` }, reason: 'violation' },
    ]);
  });

  it('should pass a payload of maxPayloadBytes and close on one byte more', async () => {
    const emulator = await harness.start({ maxPayloadBytes: 16 });
    const client = await harness.connectDevice(emulator);
    const topic = `/${PK}/dev01/user/update`;
    const received = firstValueFrom(emulator.received$);
    await client.publishAsync(topic, 'x'.repeat(16), { qos: 1 });
    expect((await received).payload.length).toBe(16);
    const violation = nextEvent(emulator.events$, 'violation');
    const closed = whenClosed(client);
    client.publish(topic, 'x'.repeat(17), { qos: 1 });
    await closed;
    expect(await violation).toMatchObject({ reason: 'payload-too-large', topic });
  });
});

describe('platformBroker: topic directions', () => {
  // What a device only receives, it may not publish on: the connection closes (by default), as for a
  // publish outside its namespace.
  it.each([
    `/broadcast/${PK}/123`,
    `/sys/${PK}/dev01/thing/service/property/set`,
    `/sys/${PK}/dev01/thing/event/property/post_reply`,
    `/ota/device/upgrade/${PK}/dev01`,
    `/${PK}/dev01/user/get`,
    `/sys/${PK}/dev01/thing/unknown`,
  ])('should close the connection on a publish on %s', async (topic) => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const violation = nextEvent(emulator.events$, 'violation');
    const closed = whenClosed(client);
    client.publish(topic, 'x', { qos: 1 });
    await closed;
    expect(await violation).toMatchObject({ reason: 'not-publishable', topic, action: 'closed' });
  });

  it("should acknowledge and drop it with wrongDirection: 'drop', the connection open", async () => {
    const emulator = await harness.start({ wrongDirection: 'drop' });
    const client = await harness.connectDevice(emulator);
    const received: string[] = [];
    emulator.received$.subscribe((m) => received.push(m.topic));
    const violation = nextEvent(emulator.events$, 'violation');
    const topic = `/broadcast/${PK}/123`;
    await client.publishAsync(topic, 'x', { qos: 1 });
    expect(await violation).toMatchObject({ reason: 'not-publishable', topic, action: 'dropped' });
    const allowed = `/${PK}/dev01/user/update`;
    await client.publishAsync(allowed, 'y', { qos: 1 });
    expect(client.connected).toBe(true);
    expect(received).toEqual([allowed]);
  });

  it('should refuse a subscription to a topic the device only publishes on, and say why', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const refused = nextEvent(emulator.events$, 'subscription-refused');
    const publishOnly = `/sys/${PK}/dev01/thing/event/property/post`;
    const receivable = `/sys/${PK}/dev01/thing/event/property/post_reply`;
    const error: ErrorWithSubackPacket = await client
      .subscribeAsync([publishOnly, receivable], { qos: 1 })
      .then(
        () => Promise.reject(new Error('the SUBSCRIBE should have failed in part')),
        (e: ErrorWithSubackPacket) => e,
      );
    expect(error.packet.granted).toEqual([128, 1]);
    expect(await refused).toEqual({
      type: 'subscription-refused',
      device: { ...DEV01, clientId: `${PK}.dev01` },
      filter: publishOnly,
      reason: 'not-subscribable',
    });
  });

  it('should take custom topic classes: publish on a pub or all class, subscribe to a sub or all one', async () => {
    const emulator = await harness.start({
      products: [
        {
          productKey: PK,
          devices: [{ deviceName: 'dev01', deviceSecret: SECRET }],
          topicClasses: [
            { topic: 'user/data', access: 'pub' },
            { topic: 'user/cmd/+', access: 'sub' },
            { topic: 'user/chat', access: 'all' },
          ],
        },
      ],
    });
    const client = await harness.connectDevice(emulator);
    const granted = await client
      .subscribeAsync([`/${PK}/dev01/user/cmd/reboot`, `/${PK}/dev01/user/chat`, `/${PK}/dev01/user/data`], {
        qos: 0,
      })
      .then(
        () => [],
        (e: ErrorWithSubackPacket) => e.packet.granted,
      );
    expect(granted).toEqual([0, 0, 128]);
    const received = firstValueFrom(emulator.received$.pipe(take(2), toArray()));
    await client.publishAsync(`/${PK}/dev01/user/data`, 'a', { qos: 1 });
    await client.publishAsync(`/${PK}/dev01/user/chat`, 'b', { qos: 1 });
    expect((await received).map((m) => m.topic)).toEqual([
      `/${PK}/dev01/user/data`,
      `/${PK}/dev01/user/chat`,
    ]);
    // The default classes are gone with classes of the product's own.
    const closed = whenClosed(client);
    client.publish(`/${PK}/dev01/user/update`, 'c', { qos: 1 });
    await closed;
  });
});

describe('platformBroker: subscribe rules', () => {
  it('should fail a filter outside the namespace (128) and grant the inside one in the same packet', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const subscribed = nextEvent(emulator.events$, 'subscribe');
    const inside = `/sys/${PK}/dev01/thing/service/+`;
    const outside = `/sys/${PK}/dev02/thing/service/+`;
    const error: ErrorWithSubackPacket = await client.subscribeAsync([inside, outside], { qos: 1 }).then(
      () => Promise.reject(new Error('the SUBSCRIBE should have failed in part')),
      (e: ErrorWithSubackPacket) => e,
    );
    expect(error.packet.granted).toEqual([1, 128]);
    expect(await subscribed).toMatchObject({ filters: [inside, outside], granted: [1, 128] });
    expect(client.connected).toBe(true);
  });

  it('should grant a QoS 2 subscription as QoS 1', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const topic = `/ota/device/upgrade/${PK}/dev01`;
    expect(await client.subscribeAsync(topic, { qos: 2 })).toEqual([{ topic, qos: 1 }]);
  });

  it('should deliver a QoS 1 cloud message at QoS 1 to a QoS 0 subscription, and QoS 0 at QoS 0', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const topic = `/broadcast/${PK}/qos`;
    await client.subscribeAsync(topic, { qos: 0 });
    const first = nextMessage(client);
    await emulator.publish(topic, 'one', { qos: 1 });
    expect(await first).toMatchObject({ topic, qos: 1 });
    const second = nextMessage(client);
    await emulator.publish(topic, 'zero', { qos: 0 });
    expect(await second).toMatchObject({ topic, qos: 0 });
  });

  it('should grant QoS 0 as asked', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const topic = `/broadcast/${PK}/+`;
    expect(await client.subscribeAsync(topic, { qos: 0 })).toEqual([{ topic, qos: 0 }]);
  });
});

describe('sessionKey', () => {
  it.each([
    ['my-id|securemode=3,signmethod=hmacsha1,timestamp=789|', 'dev01&pk', 'dev01&pk|my-id'],
    ['my-id|securemode=3,signmethod=hmacsha1,timestamp=790|', 'dev01&pk', 'dev01&pk|my-id'],
    ['my-id|securemode=3|', 'dev02&pk', 'dev02&pk|my-id'],
    ['no-params', 'dev01&pk', 'dev01&pk|no-params'],
    ['no-username', undefined, '|no-username'],
    ['', 'dev01&pk', ''],
    [
      'pk.dev01|securemode=2,authType=register,random=r1,signmethod=hmacsha1|',
      'dev01&pk',
      'register|pk.dev01|securemode=2,authType=register,random=r1,signmethod=hmacsha1|',
    ],
    [
      'pk.dev01|securemode=-2,authType=regnwl,random=r2,signmethod=hmacsha1|',
      'dev01&pk',
      'register|pk.dev01|securemode=-2,authType=regnwl,random=r2,signmethod=hmacsha1|',
    ],
    ['cid|securemode=-2,authType=connwl|', 'dev01&pk', 'dev01&pk|cid'],
  ])('should key %j of %s as %j', (clientId, username, key) => {
    expect(sessionKey(clientId, username)).toBe(key);
  });
});

describe('platformBroker: second login', () => {
  it.each([
    ['another clientId', 'second'],
    ['the same clientId', 'first'],
  ])('should kick the first connection of the device on a login with %s', async (_, secondId) => {
    const emulator = await harness.start();
    const first = await harness.connectDevice(emulator, { clientId: 'first' });
    const events = firstValueFrom(emulator.events$.pipe(take(3), toArray()));
    const firstClosed = whenClosed(first);
    const second = await harness.connectDevice(emulator, { clientId: secondId });
    await firstClosed;
    expect(second.connected).toBe(true);
    expect(await events).toEqual([
      { type: 'kicked', device: { ...DEV01, clientId: 'first' }, byClientId: secondId },
      { type: 'disconnect', device: { ...DEV01, clientId: 'first' }, reason: 'kicked' },
      { type: 'connect', device: { ...DEV01, clientId: secondId } },
    ]);
    expect(await firstValueFrom(emulator.devices$)).toEqual([{ ...DEV01, clientId: secondId }]);
  });

  it('should leave another device alone that logs in with the same clientId', async () => {
    // aedes lets one client id be connected once: keyed by the MQTT client id alone, the second closed the first.
    const emulator = await harness.start();
    const one = await harness.connectDevice(emulator, { clientId: 'firmware-1.0' });
    const other = await harness.connectDevice(emulator, {
      deviceName: 'dev02',
      deviceSecret: 'another-secret',
      clientId: 'firmware-1.0',
    });
    const topic = `/broadcast/${PK}/both`;
    await Promise.all([one, other].map((client) => client.subscribeAsync(topic, { qos: 1 })));
    const heard = Promise.all([nextMessage(one), nextMessage(other)]);
    await emulator.publish(topic, 'to both', { qos: 1 });
    expect((await heard).map((m) => m.payload.toString())).toEqual(['to both', 'to both']);
    expect([one.connected, other.connected]).toEqual([true, true]);
    expect((await firstValueFrom(emulator.devices$)).map((d) => d.deviceName)).toEqual(['dev01', 'dev02']);
  });

  it('should keep the session of a device that logs in again with cleanSession false and a new timestamp', async () => {
    const emulator = await harness.start();
    const topic = `/${PK}/${DEV01.deviceName}/user/get`;
    let now = 1700000000000;
    const login = (): AliyunDevice =>
      createDevice({
        ...DEV01,
        deviceSecret: SECRET,
        clientId: 'my-id',
        timestamp: () => (now += 60_000),
        cleanSession: false,
        endpoint: { url: emulator.url },
        reconnect: false,
      });
    const first = login();
    const subscribed = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'subscribe')));
    first.observe(topic, { qos: 1 }).subscribe();
    first.start();
    await subscribed;
    await first.close();
    await emulator.publish(topic, 'while away', { qos: 1 });
    const second = login();
    try {
      const message = firstValueFrom(second.observe(topic, { qos: 1 }));
      second.start();
      expect((await message).payload.toString()).toBe('while away');
      expect(await firstValueFrom(second.state$)).toEqual({ status: 'connected', sessionPresent: true });
    } finally {
      await second.close();
    }
  });

  it('should leave other devices of the product alone', async () => {
    const emulator = await harness.start();
    const one = await harness.connectDevice(emulator);
    await harness.connectDevice(emulator, { deviceName: 'dev02', deviceSecret: 'another-secret' });
    expect(one.connected).toBe(true);
    expect((await firstValueFrom(emulator.devices$)).map((d) => d.deviceName)).toEqual(['dev01', 'dev02']);
  });
});
