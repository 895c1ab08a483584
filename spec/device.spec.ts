import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, map, NEVER, take, tap, toArray, type Observable } from 'rxjs';
import { createDevice, type AliyunDevice } from '../lib/device';
import type { ConnectionState } from '../lib/connection/ConnectionState';
import {
  ConnectionRefusedError,
  DeviceClosedError,
  PublishRefusedError,
  SubscribeRefusedError,
} from '../lib/connection/errors';
import { DeviceOptionsError, type DeviceOptions } from '../lib/identity/deviceOptions';
import { MAX_UNACKNOWLEDGED } from '../lib/connection/mqttJsPort';
import { describeWithMosquitto } from './support/mosquitto';
import { countSocketTraffic } from './support/socketTraffic';
import {
  echoTopic,
  emulatorBroker,
  mosquittoBroker,
  testDevice,
  type TestBroker,
} from './support/testBrokers';

const { deviceName: dn } = testDevice;
const burstScript = join(__dirname, 'support', 'qos0Burst.ts');
// A custom topic the test product lets devices publish on and subscribe to (and mosquitto's ACL allows), so
// that the broker brings a device's own publishes back to it.
const topic = echoTopic('echo');

const until = (device: AliyunDevice, status: ConnectionState['status']) =>
  firstValueFrom(device.state$.pipe(filter((s) => s.status === status)));

/** Publishes a probe until it comes back: proves the broker has the subscription. */
async function roundTrip(device: AliyunDevice, filterOrTopic: string, probeTopic: string, qos: 0 | 1 = 1) {
  const probe = `probe-${Math.random()}`;
  const back = firstValueFrom(
    device.observe(filterOrTopic, { qos }).pipe(filter((m) => m.payload.toString() === probe)),
  );
  const receipt = await lastValueFrom(device.publish({ topic: probeTopic, payload: probe, qos }));
  await back;
  return receipt;
}

/**
 * Observes `topic` for the payloads `${prefix}0` to `${prefix}${count - 1}`, which the test then publishes;
 * `back` resolves with them in the order they came. Returns once the subscription is in place.
 */
async function observeOwn(device: AliyunDevice, prefix: string, count: number, qos: 0 | 1) {
  const payloads = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  const back = firstValueFrom(
    device.observe(topic, { qos }).pipe(
      map((m) => m.payload.toString()),
      filter((payload) => payload.startsWith(prefix)),
      take(count),
      toArray(),
    ),
  );
  await roundTrip(device, topic, topic, qos);
  return { payloads, back };
}

function suite(name: string, startBroker: () => Promise<TestBroker>) {
  describe(`createDevice against ${name}`, () => {
    let broker: TestBroker;
    const devices: AliyunDevice[] = [];

    const device = (overrides: Partial<DeviceOptions> = {}) => {
      const created = createDevice({
        ...testDevice,
        endpoint: { url: broker.url },
        reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 'none' },
        ...overrides,
      });
      devices.push(created);
      return created;
    };

    beforeEach(async () => {
      broker = await startBroker();
    });

    afterEach(async () => {
      await Promise.all(devices.splice(0).map((d) => d.close()));
      await broker.close();
    });

    it('should connect and show connected in state$', async () => {
      const d = device();
      d.start();
      await expect(until(d, 'connected')).resolves.toEqual({ status: 'connected', sessionPresent: false });
    });

    it.each([0, 1] as const)(
      'should send a topic of many-byte characters as its UTF-8 bytes at QoS %i, and show it as text',
      async (qos) => {
        const d = device();
        const named = echoTopic('温度-ä');
        const sent = firstValueFrom(
          d.packets$.pipe(filter((p) => p.direction === 'sent' && p.type === 'publish' && p.topic === named)),
        );
        d.start();
        await until(d, 'connected');
        // The broker matched it against the filter, and gave it back: the bytes were the topic's.
        const back = firstValueFrom(
          d.observe(echoTopic('#'), { qos }).pipe(filter((m) => m.topic === named)),
        );
        await roundTrip(d, echoTopic('#'), named, qos);
        expect((await back).topic).toBe(named);
        expect(await sent).toMatchObject({ type: 'publish', topic: named, qos });
      },
    );

    it.each([0, 1] as const)('should deliver its own publish back through observe at QoS %i', async (qos) => {
      const d = device();
      d.start();
      const seen = firstValueFrom(d.observe(topic, { qos }));
      await until(d, 'connected');
      const receipt = await roundTrip(d, topic, topic, qos);
      expect(receipt).toEqual(expect.objectContaining({ topic, qos }));
      expect(qos === 1 ? typeof receipt.packetId : receipt.packetId).toBe(qos === 1 ? 'number' : undefined);
      await expect(seen.then((m) => m.topic)).resolves.toBe(topic);
    });

    it('should have each QoS 1 publish acknowledged when more are sent at once than MQTT has packet ids', async () => {
      // An outage with a large offline queue: it all goes out when the connection is back. MQTT.js's packet
      // ids wrap around after 65,535; one reused while still unanswered lost the first publish's answer.
      const count = MAX_UNACKNOWLEDGED + 5_000;
      const d = device({ offlineQueue: { limit: count }, publishTimeoutMs: 30_000 });
      const outcomes = Array.from({ length: count }, (_, i) =>
        lastValueFrom(d.publish({ topic, payload: `id${i}`, qos: 1 })).then(
          (receipt) => receipt.packetId,
          (error: Error) => error.name,
        ),
      );
      d.start();
      const answers = await Promise.all(outcomes);
      expect(answers.filter((answer) => typeof answer !== 'number')).toEqual([]);
    });

    it('should send one SUBSCRIBE for 50 observers of a filter, and one UNSUBSCRIBE when all leave', async () => {
      const d = device();
      d.start();
      const filterAll = echoTopic('#');
      const got = Array.from({ length: 50 }, () => firstValueFrom(d.observe(filterAll)));
      const subscriptions = Array.from({ length: 50 }, () => d.observe(filterAll).subscribe());
      await until(d, 'connected');
      await roundTrip(d, filterAll, topic, 0); // QoS 0 as the others: a higher QoS would SUBSCRIBE again
      await expect(Promise.all(got).then((all) => all.length)).resolves.toBe(50);
      expect(broker.subscribes(filterAll)).toBe(1);

      subscriptions.forEach((s) => s.unsubscribe());
      // A later SUBSCRIBE round trip proves the UNSUBSCRIBE before it has been processed (packet order).
      await roundTrip(d, echoTopic('probe'), echoTopic('probe'));
      expect(broker.unsubscribes(filterAll)).toBe(1);
    });

    it('should reconnect, restore subscriptions and deliver all of 200 QoS1 publishes made across a broker restart', async () => {
      const d = device();
      const states: ConnectionState[] = [];
      d.state$.subscribe((s) => states.push(s));
      d.start();
      const payloads = new Set<string>();
      const all = firstValueFrom(
        d.observe(topic, { qos: 1 }).pipe(
          map((m) => payloads.add(m.payload.toString()).size),
          filter((size) => size >= 201),
        ),
      );
      await until(d, 'connected');
      await roundTrip(d, topic, topic);

      const send = (from: number) =>
        Array.from({ length: 100 }, (_, i) =>
          lastValueFrom(d.publish({ topic, payload: `m${from + i}`, qos: 1 })),
        );
      const first = send(0);
      await broker.stop();
      const second = send(100);
      await broker.start();
      const receipts = await Promise.all([...first, ...second]);

      expect(receipts).toHaveLength(200);
      await all;
      for (let i = 0; i < 200; i++) expect(payloads.has(`m${i}`)).toBe(true);
      const statuses = states.map((s) => s.status);
      const dropped = statuses.indexOf('reconnecting');
      expect(dropped).toBeGreaterThan(statuses.indexOf('connected'));
      expect(statuses.indexOf('connected', dropped)).toBeGreaterThan(dropped);
    });

    it('should show a refused secret in state$, back off between attempts, and close after maxRetries', async () => {
      const d = device({
        deviceSecret: 'wrong-secret-wrong-secret-012345',
        reconnect: { initialDelayMs: 10, factor: 2, jitter: 'none', maxRetries: 3 },
      });
      const states = lastValueFrom(d.state$.pipe(toArray()));
      d.start();
      const seen = await states;
      const retries = seen.filter((s) => s.status === 'reconnecting');
      expect(retries.map((s) => s.status === 'reconnecting' && s.delayMs)).toEqual([10, 20, 40]);
      const last = seen[seen.length - 1];
      expect(last?.status).toBe('closed');
      const error = last?.status === 'closed' ? last.error : undefined;
      expect(error).toBeInstanceOf(ConnectionRefusedError);
      expect([4, 5]).toContain((error as ConnectionRefusedError).returnCode);
      expect(JSON.stringify(seen) + String(error)).not.toContain('wrong-secret');
    });

    it('should complete every stream on close() and refuse later publishes', async () => {
      const d = device();
      d.start();
      const ends = ([d.state$, d.messages$, d.observe(topic)] as Observable<unknown>[]).map((s) =>
        lastValueFrom(s, { defaultValue: 'done' }),
      );
      await until(d, 'connected');
      await d.close();
      await expect(Promise.all(ends)).resolves.toHaveLength(3);
      await expect(lastValueFrom(d.publish({ topic, payload: 'late' }))).rejects.toBeInstanceOf(
        DeviceClosedError,
      );
      await expect(lastValueFrom(d.state$)).resolves.toEqual({ status: 'closed' });
    });

    it('should take a burst of 3,000 QoS 0 publishes without a listener-leak warning', async () => {
      // In a child process: Node prints the warning from the real process, which a test cannot listen to.
      // The burst is written in one tick, so MQTT.js waits for 'drain' once per publish.
      const child = spawn(process.execPath, ['--import', 'tsx', burstScript, broker.url, '3000'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: '3000', stderr: '' });
    });

    it('should send the publishes of one job in one write, also when they are made on separate ticks', async () => {
      // MQTT.js handles each inbound packet on a tick of its own: a device that publishes in reply to a read
      // of many packets publishes from as many ticks, all in one job.
      const d = device();
      d.start();
      await until(d, 'connected');
      const count = 50;
      const { payloads, back } = await observeOwn(d, 'tick-', count, 0);
      const traffic = await countSocketTraffic(broker.url, async () => {
        const receipts: Promise<unknown>[] = [];
        const published = new Promise<void>((resolve) => {
          const publishFrom = (i: number) => {
            receipts.push(lastValueFrom(d.publish({ topic, payload: payloads[i] as string, qos: 0 })));
            if (i + 1 < count) process.nextTick(publishFrom, i + 1);
            else resolve();
          };
          // The first from a microtask (this function resumed after an await), the others from ticks.
          publishFrom(0);
        });
        await published;
        // A QoS 0 receipt comes once MQTT.js has handed the publish to the socket.
        await Promise.all(receipts);
      });
      expect(traffic.writes).toBe(1);
      await expect(back).resolves.toEqual(payloads);
    });

    it('should tell each QoS 0 publish of a burst past the socket high-water mark once it is written, waiting for one drain', async () => {
      const d = device();
      d.start();
      await until(d, 'connected');
      const count = 1000;
      const { payloads, back } = await observeOwn(d, 'drain-', count, 0);
      let told = 0;
      let toldAtOnce = 0;
      const traffic = await countSocketTraffic(broker.url, async () => {
        const receipts = payloads.map((payload) =>
          lastValueFrom(d.publish({ topic, payload, qos: 0 }).pipe(tap(() => (told += 1)))),
        );
        // The job's writes are held to its end: those past 16 KiB wait for the socket to drain.
        toldAtOnce = told;
        await Promise.all(receipts);
      });
      expect(toldAtOnce).toBeGreaterThan(0);
      expect(toldAtOnce).toBeLessThan(count);
      expect(told).toBe(count);
      // MQTT.js waited with a listener per publish past the mark (664 of them here), each removed in
      // time proportional to their number.
      expect(traffic.drainWaits).toBeGreaterThan(0);
      expect(traffic.drainWaits).toBeLessThanOrEqual(5);
      await expect(back).resolves.toEqual(payloads);
    });

    it('should answer the QoS 1 messages of one read in one write', async () => {
      const d = device();
      d.start();
      await until(d, 'connected');
      const { payloads, back } = await observeOwn(d, 'ack-', 200, 1);
      const traffic = await countSocketTraffic(broker.url, async () => {
        const receipts = payloads.map((payload) => lastValueFrom(d.publish({ topic, payload, qos: 1 })));
        await Promise.all(receipts);
        // Until the last message is in, so that every PUBACK is counted. The UNSUBSCRIBE that follows it
        // goes in the same job as the last PUBACK.
        await expect(back).resolves.toEqual(payloads);
      });
      // One write for the 200 publishes, then at most one per read for the PUBACKs the device owes: without
      // holding the writes, MQTT.js sent each PUBACK alone, 201 writes against 2 to 4 reads here with
      // either broker (the check has teeth as long as a broker sends more than one message per read).
      expect(traffic.reads).toBeGreaterThan(0);
      expect(traffic.writes).toBeLessThanOrEqual(traffic.reads + 1);
    });

    it.each<[boolean, string]>([
      [false, 'keep its subscription and get the QoS 1 message sent while it was away'],
      [true, 'subscribe again and not get the message sent while it was away'],
    ])('with cleanSession %s, should %s when its connection drops', async (cleanSession) => {
      // The device's socket, to cut from under it: the port turns Nagle off on each one it opens.
      const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
      try {
        const d = device({ cleanSession, reconnect: { initialDelayMs: 300, jitter: 'none' } });
        const sent: string[] = [];
        d.packets$.subscribe((packet) => {
          if (packet.direction === 'sent') sent.push(packet.type);
          if (packet.type === 'connack') sent.push(`connack, session present: ${packet.sessionPresent}`);
        });
        const away = echoTopic('away');
        const got: string[] = [];
        const after = firstValueFrom(
          d.observe(away, { qos: 1 }).pipe(
            map((message) => got.push(message.payload.toString())),
            filter(() => got.includes('after')),
          ),
        );
        d.start();
        await until(d, 'connected');
        await roundTrip(d, away, away, 1);
        got.length = 0;
        const sockets = noDelay.mock.contexts as Socket[];
        sockets
          .filter((socket) => socket.remotePort === Number(new URL(broker.url).port))
          .forEach((s) => s.destroy());
        await until(d, 'reconnecting');
        await broker.publishToDevice(away, 'while away');
        await expect(until(d, 'connected')).resolves.toEqual({
          status: 'connected',
          sessionPresent: !cleanSession,
        });
        if (cleanSession) await firstValueFrom(d.packets$.pipe(filter((p) => p.type === 'suback')));
        await broker.publishToDevice(away, 'after');
        await after;
        expect(got).toEqual(cleanSession ? ['after'] : ['while away', 'after']);
        const reconnected = sent.slice(sent.lastIndexOf('connect'));
        expect(reconnected.includes('subscribe')).toBe(cleanSession);
        expect(reconnected[1]).toBe(`connack, session present: ${!cleanSession}`);
      } finally {
        noDelay.mockRestore();
      }
    });

    it('should let an in-flight QoS1 publish finish on close()', async () => {
      const d = device();
      d.start();
      await until(d, 'connected');
      const receipt = lastValueFrom(d.publish({ topic, payload: 'last words', qos: 1 }));
      await d.close();
      await expect(receipt).resolves.toEqual(expect.objectContaining({ topic, qos: 1 }));
    });

    it('should refuse QoS 2, retain, a foreign topic and an oversized payload with typed errors', async () => {
      const d = device();
      d.start();
      await until(d, 'connected');
      const refusal = (message: Parameters<AliyunDevice['publish']>[0]) =>
        lastValueFrom(d.publish(message)).then(
          () => 'sent',
          (e: PublishRefusedError) => e.reason,
        );
      await expect(refusal({ topic, payload: 'x', qos: 2 })).resolves.toBe('qos-not-supported');
      await expect(refusal({ topic, payload: 'x', retain: true })).resolves.toBe('retain-not-supported');
      await expect(refusal({ topic: `/sys/other/${dn}/x`, payload: 'x' })).resolves.toBe('outside-namespace');
      await expect(refusal({ topic, payload: Buffer.alloc(256 * 1024 + 1) })).resolves.toBe(
        'payload-too-large',
      );
      await expect(refusal({ topic, payload: { ok: true } })).resolves.toBe('sent');
    });
  });
}

suite('the emulator', emulatorBroker);
describeWithMosquitto('mosquitto', () => suite('mosquitto', mosquittoBroker));

describe('createDevice against the emulator: refused subscriptions', () => {
  it('should error only the observers of a filter whose SUBACK is refused', async () => {
    const broker = await emulatorBroker();
    // The namespace check is off so that the filter reaches the broker, which refuses it (SUBACK 0x80).
    const d = createDevice({ ...testDevice, endpoint: { url: broker.url }, checkNamespace: false });
    try {
      d.start();
      const foreign = `/sys/otherPK/${dn}/#`;
      const denied = lastValueFrom(d.observe(foreign));
      const allowed = roundTrip(d, topic, topic);
      await expect(denied).rejects.toBeInstanceOf(SubscribeRefusedError);
      await expect(denied.catch((e: SubscribeRefusedError) => e.filter)).resolves.toBe(foreign);
      await expect(allowed).resolves.toEqual(expect.objectContaining({ topic }));
    } finally {
      await d.close();
      await broker.close();
    }
  });
});

describe('createDevice: transport.clientOptions', () => {
  const { productKey, deviceName, deviceSecret } = testDevice;
  const options = { productKey, deviceName, deviceSecret, reconnect: false } as const;
  const problemsOf = (run: () => unknown): readonly string[] => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(DeviceOptionsError);
      return (error as DeviceOptionsError).problems;
    }
    throw new Error('createDevice did not throw');
  };

  it('should refuse an option the device sets itself, naming where it goes, never its value', () => {
    const password = 'hunter2-not-a-real-one';
    const problems = problemsOf(() =>
      createDevice(options, { clientOptions: { clientId: 'x', password, keepalive: 5, ca: 'PEM' } }),
    );
    expect(problems).toEqual([
      'transport.clientOptions.clientId: set from the credentials',
      'transport.clientOptions.password: set from the credentials',
      'transport.clientOptions.keepalive: set by the device: use the keepalive option',
      'transport.clientOptions.ca: TLS goes through the tls option: use tls.ca',
    ]);
    expect(problems.join('\n')).not.toContain(password);
  });

  it('should list those problems with the options’ own', () => {
    const problems = problemsOf(() =>
      createDevice({ ...options, productKey: 'a/b' }, { clientOptions: { clean: false } }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'productKey',
      'transport.clientOptions.clean',
    ]);
  });

  it('should refuse clientOptions with a port of its own, which would ignore them', () => {
    const port = { connect: () => NEVER };
    expect(problemsOf(() => createDevice(options, { port, clientOptions: { host: '127.0.0.1' } }))).toEqual([
      'transport.clientOptions: ignored with a port of your own (transport.port); pass one or the other',
    ]);
  });

  it('should pass what it does not set to MQTT.js: a host and port of the caller’s own', async () => {
    const broker = await emulatorBroker();
    try {
      const url = new URL(broker.url);
      // The endpoint names a host nobody listens on; clientOptions send MQTT.js to the emulator instead.
      const device = createDevice(
        { ...options, endpoint: { url: 'mqtt://127.0.0.1:1' } },
        { clientOptions: { host: url.hostname, port: Number(url.port) } },
      );
      device.start();
      await expect(
        firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected' || s.status === 'closed'))),
      ).resolves.toMatchObject({ status: 'connected' });
      await device.close();
    } finally {
      await broker.close();
    }
  });
});
