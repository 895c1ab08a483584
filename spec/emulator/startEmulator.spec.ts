// The cloud side of the emulator and its lifecycle, over real sockets.
import { connect, createServer } from 'node:net';
import { filter, firstValueFrom, lastValueFrom, skip, take, toArray } from 'rxjs';
import type { MqttClient } from 'mqtt';
import { EmulatorClosedError, PayloadTooLargeError, startEmulator } from '../../lib/emulator';
import { DEV01, PK, deviceHarness, nextMessage, whenClosed } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const ONLINE01 = { ...DEV01, clientId: `${PK}.dev01` };

/** Collects what a device receives until a message on `marker` arrives. */
function messagesUntil(client: MqttClient, marker: string): Promise<string[]> {
  const topics: string[] = [];
  return new Promise((resolve) => {
    const onMessage = (topic: string): void => {
      topics.push(topic);
      if (topic !== marker) return;
      client.off('message', onMessage);
      resolve(topics);
    };
    client.on('message', onMessage);
  });
}

describe('startEmulator', () => {
  it('should listen on a free loopback port and say where', async () => {
    const emulator = await harness.start();
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.url).toBe(`mqtt://127.0.0.1:${emulator.port}`);
  });

  it('should reject when the port is taken', async () => {
    const emulator = await harness.start();
    await expect(startEmulator({ products: [], port: emulator.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  describe('publish', () => {
    it.each([0, 1] as const)(
      'should reach a subscribed device at QoS %i, JSON-encoding an object',
      async (qos) => {
        const emulator = await harness.start();
        const client = await harness.connectDevice(emulator);
        const topic = `/sys/${PK}/dev01/thing/service/property/set`;
        await client.subscribeAsync(topic, { qos: 1 });
        const message = nextMessage(client);
        await emulator.publish(topic, { id: '1', params: { Power: 'on' } }, { qos });
        expect(await message).toEqual({
          topic,
          qos,
          payload: Buffer.from('{"id":"1","params":{"Power":"on"}}'),
        });
      },
    );

    it('should not reach a device on a topic it did not subscribe to', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const marker = `/sys/${PK}/dev01/thing/service/property/set`;
      await client.subscribeAsync(marker);
      const received = messagesUntil(client, marker);
      await emulator.publish(`/sys/${PK}/dev01/thing/config/push`, 'not subscribed');
      await emulator.publish(marker, 'marker');
      expect(await received).toEqual([marker]);
    });

    it.each([
      `/sys/${PK}/dev01/rrpc/request/42`,
      `/sys/${PK}/dev01/broadcast/request/42`,
      `/ext/rrpc/42/${PK}/dev01/user/cmd`,
    ])('should deliver %s without a subscription, to that device only, once', async (topic) => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const other = await harness.connectDevice(emulator, {
        deviceName: 'dev02',
        deviceSecret: 'another-secret',
      });
      await client.subscribeAsync(`/sys/${PK}/dev01/#`); // overlaps the /sys topics: still one delivery
      await other.subscribeAsync(`/sys/${PK}/dev02/thing/service/property/set`);
      const marker = `/sys/${PK}/dev01/thing/service/property/set`;
      const received = messagesUntil(client, marker);
      const otherReceived = messagesUntil(other, `/sys/${PK}/dev02/thing/service/property/set`);
      await emulator.publish(topic, 'direct');
      await emulator.publish(`/sys/${PK}/dev02/rrpc/request/43`, 'for dev02');
      await emulator.publish(marker, 'marker');
      await emulator.publish(`/sys/${PK}/dev02/thing/service/property/set`, 'marker');
      expect(await received).toEqual([topic, marker]);
      expect(await otherReceived).toEqual([
        `/sys/${PK}/dev02/rrpc/request/43`,
        `/sys/${PK}/dev02/thing/service/property/set`,
      ]);
    });

    it('should reject a payload over maxPayloadBytes and an invalid topic', async () => {
      const emulator = await harness.start({ maxPayloadBytes: 4 });
      await expect(emulator.publish('/a', '12345')).rejects.toBeInstanceOf(PayloadTooLargeError);
      await expect(emulator.publish('/a/+', '1')).rejects.toBeInstanceOf(TypeError);
      await expect(emulator.publish('/a', '1234')).resolves.toBeUndefined();
    });
  });

  describe('received$', () => {
    it('should carry what a device publishes, and not echo it back to the device', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      await client.subscribeAsync(`/sys/${PK}/dev01/#`);
      const topic = `/sys/${PK}/dev01/thing/event/property/post`;
      const received = firstValueFrom(emulator.received$);
      const marker = `/sys/${PK}/dev01/thing/event/property/post_reply`;
      const deviceGot = messagesUntil(client, marker);
      await client.publishAsync(topic, '{"id":"1"}', { qos: 1 });
      expect(await received).toEqual({ ...ONLINE01, topic, payload: Buffer.from('{"id":"1"}'), qos: 1 });
      await emulator.publish(marker, '{"id":"1","code":200}');
      expect(await deviceGot).toEqual([marker]);
    });
  });

  describe('devices$', () => {
    it('should replay who is online and follow connects and disconnects', async () => {
      const emulator = await harness.start();
      const lists = firstValueFrom(emulator.devices$.pipe(take(3), toArray()));
      const client = await harness.connectDevice(emulator);
      await client.endAsync();
      expect(await lists).toEqual([[], [ONLINE01], []]);
    });
  });

  describe('events$', () => {
    it('should report one subscribe per SUBSCRIBE packet and one unsubscribe per UNSUBSCRIBE', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const events = firstValueFrom(
        emulator.events$.pipe(
          filter((e) => e.type === 'subscribe' || e.type === 'unsubscribe'),
          take(3),
          toArray(),
        ),
      );
      const [a, b, c] = [
        `/sys/${PK}/dev01/thing/service/property/set`,
        `/sys/${PK}/dev01/rrpc/request/+`,
        `/ota/device/upgrade/${PK}/dev01`,
      ];
      await client.subscribeAsync([a, b], { qos: 1 });
      await client.subscribeAsync(c, { qos: 0 });
      await client.unsubscribeAsync([a, b]);
      expect(await events).toEqual([
        { type: 'subscribe', device: ONLINE01, filters: [a, b], granted: [1, 1] },
        { type: 'subscribe', device: ONLINE01, filters: [c], granted: [0] },
        { type: 'unsubscribe', device: ONLINE01, filters: [a, b] },
      ]);
    });
  });

  describe('disconnect', () => {
    it('should drop one device and keep serving', async () => {
      const emulator = await harness.start();
      const one = await harness.connectDevice(emulator);
      const two = await harness.connectDevice(emulator, {
        deviceName: 'dev02',
        deviceSecret: 'another-secret',
      });
      const dropped = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'disconnect')));
      const closed = whenClosed(one);
      await emulator.disconnect(DEV01);
      await closed;
      expect(await dropped).toEqual({ type: 'disconnect', device: ONLINE01, reason: 'dropped' });
      expect(two.connected).toBe(true);
      expect((await firstValueFrom(emulator.devices$)).map((d) => d.deviceName)).toEqual(['dev02']);
      expect((await harness.connectDevice(emulator)).connected).toBe(true);
    });

    it('should drop every device when none is named', async () => {
      const emulator = await harness.start();
      const closed = [
        whenClosed(await harness.connectDevice(emulator)),
        whenClosed(
          await harness.connectDevice(emulator, { deviceName: 'dev02', deviceSecret: 'another-secret' }),
        ),
      ];
      await emulator.disconnect();
      await Promise.all(closed);
      expect(await firstValueFrom(emulator.devices$)).toEqual([]);
    });
  });

  describe('close', () => {
    it('should close connections, complete the streams and refuse further publishes', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      await client.subscribeAsync(`/sys/${PK}/dev01/#`); // a closing connection is no UNSUBSCRIBE
      const events = lastValueFrom(emulator.events$.pipe(toArray()));
      const devices = lastValueFrom(emulator.devices$.pipe(skip(1), toArray()));
      const received = lastValueFrom(emulator.received$.pipe(toArray()));
      const closed = whenClosed(client);
      await emulator.close();
      await closed;
      expect(await events).toEqual([{ type: 'disconnect', device: ONLINE01, reason: 'emulator-closed' }]);
      expect(await devices).toEqual([[]]);
      expect(await received).toEqual([]);
      await expect(emulator.publish('/a', 'x')).rejects.toBeInstanceOf(EmulatorClosedError);
      await expect(emulator.close()).resolves.toBeUndefined();
    });

    // The time limit is below aedes' 30 s CONNECT timeout, which would otherwise end the socket.
    it('should close a connection that never sent CONNECT', async () => {
      const emulator = await harness.start();
      const socket = connect(emulator.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const ended = new Promise((resolve) => socket.once('close', resolve));
      await emulator.close();
      await ended;
    }, 10000);

    it('should release the port so that a new emulator on it accepts the device again', async () => {
      const first = await harness.start();
      const client = await harness.connectDevice(first);
      const closed = whenClosed(client);
      await first.close();
      await closed;
      const second = await harness.start({ port: first.port });
      expect(second.port).toBe(first.port);
      expect((await harness.connectDevice(second)).connected).toBe(true);
      // and the port is free again once the second one is closed
      await second.close();
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(first.port, '127.0.0.1', () => resolve());
      });
      await new Promise((resolve) => probe.close(resolve));
    });
  });
});
