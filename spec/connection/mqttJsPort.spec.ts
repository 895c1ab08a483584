import createDebug from 'debug';
import { once } from 'node:events';
import { format } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { filter, firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createConnection, type ConnectionConfig } from '../../lib/connection/createConnection';
import { createDevice } from '../../lib/device';
import {
  ConnectionLostError,
  ConnectionRefusedError,
  PublishTimeoutError,
} from '../../lib/connection/errors';
import {
  halfOpenDetectionMs,
  mqttJsPort,
  type MqttJsPortConfig,
  type PacketTap,
} from '../../lib/connection/mqttJsPort';
import type { MqttLink } from '../../lib/connection/MqttPort';
import { DeviceOptionsError } from '../../lib/identity/deviceOptions';
import { freePort } from '../support/mosquitto';
import { testDevice } from '../support/testBrokers';
import { elapse, watchTimerOverflows } from '../support/timerOverflows';

/** A broker that answers CONNECT with `connack` and then ignores everything: no PUBACK, no SUBACK. */
async function silentBroker(
  connack: number[],
  allowHalfOpen = false,
): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen }, (socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.write(Buffer.from(connack)));
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

async function closeServer({ server, sockets }: { server: Server; sockets: Set<Socket> }) {
  sockets.forEach((s) => s.destroy());
  server.close();
  await once(server, 'close');
}

/** A link from `port` once its CONNACK is in; `connection` ends it when unsubscribed. */
async function connectLink(port: ReturnType<typeof mqttJsPort>) {
  let connection: Subscription | undefined;
  const link = await new Promise<MqttLink>((resolve, reject) => {
    connection = port.connect(() => undefined).subscribe({ next: resolve, error: reject });
  });
  return { link, connection: connection as Subscription };
}

const config = {
  clientId: 'c|securemode=3|',
  username: 'u',
  password: 'p',
  keepalive: 60,
  cleanSession: true,
};
const connectionConfig: ConnectionConfig = {
  reconnect: false,
  queueLimit: 10,
  overflow: 'error',
  publishTimeoutMs: 60_000,
  maxPayloadBytes: 1000,
  maxTopicBytes: 100,
};

/**
 * Runs `body` with a port logged in to a silent broker that accepts it (`portOptions` added to `config`);
 * the broker is closed afterwards.
 */
async function withAcceptingBroker(
  portOptions: Partial<MqttJsPortConfig>,
  body: (port: ReturnType<typeof mqttJsPort>, broker: { sockets: Set<Socket> }) => Promise<void>,
  allowHalfOpen = false,
): Promise<void> {
  const broker = await silentBroker([0x20, 0x02, 0x00, 0x00], allowHalfOpen);
  try {
    await body(mqttJsPort({ ...config, url: broker.url, connectTimeoutMs: 5000, ...portOptions }), broker);
  } finally {
    await closeServer(broker);
  }
}

/** One small QoS 0 publish whose answer nobody needs. */
const publishOnce = (link: MqttLink) => link.publish('t', Buffer.from('x'), 0, () => undefined);

describe('mqttJsPort', () => {
  it('should throw a DeviceOptionsError for clientOptions that set what the port sets itself', () => {
    const port = () =>
      mqttJsPort({
        ...config,
        url: 'mqtt://127.0.0.1:1',
        connectTimeoutMs: 1000,
        clientOptions: {
          username: 'other',
          reconnectPeriod: 1000,
          rejectUnauthorized: false,
          host: '127.0.0.1',
        },
      });
    expect(port).toThrow(DeviceOptionsError);
    expect(port).toThrow(
      /clientOptions.username: set from the credentials\n.*clientOptions.reconnectPeriod: .*\n.*clientOptions.rejectUnauthorized: .*tls.rejectUnauthorized$/,
    );
  });

  it.each(['messageIdProvider', 'outgoingStore'])(
    'should throw a DeviceOptionsError for clientOptions.%s, which would hold back QoS 0 publishes',
    (name) => {
      const port = () =>
        mqttJsPort({
          ...config,
          url: 'mqtt://127.0.0.1:1',
          connectTimeoutMs: 1000,
          clientOptions: { [name]: {} },
        });
      expect(port).toThrow(DeviceOptionsError);
      expect(port).toThrow(new RegExp(`- clientOptions.${name}: not settable: `));
    },
  );

  it('should wait a connectTimeoutMs longer than a Node.js timer holds, not time out at once', async () => {
    const overflows = watchTimerOverflows();
    // Takes the connection and never answers the CONNECT.
    const mute = await silentBroker([]);
    const port = mqttJsPort({ ...config, url: mute.url, connectTimeoutMs: 2 ** 31 });
    const outcomes: unknown[] = [];
    const attempt = port
      .connect(() => {})
      .subscribe({
        next: (link) => outcomes.push(link),
        error: (error) => outcomes.push(error),
      });
    await elapse(100);
    attempt.unsubscribe();
    await closeServer(mute);
    overflows.stop();

    expect(outcomes).toEqual([]);
    expect(overflows.count()).toBe(0);
  });

  it('should error with ConnectionLostError when nothing listens', async () => {
    const port = mqttJsPort({
      ...config,
      url: `mqtt://127.0.0.1:${await freePort()}`,
      connectTimeoutMs: 5000,
    });
    await expect(firstValueFrom(port.connect(() => {}))).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('should error with ConnectionRefusedError and the return code when CONNACK refuses', async () => {
    const broker = await silentBroker([0x20, 0x02, 0x00, 0x05]);
    try {
      const port = mqttJsPort({ ...config, url: broker.url, connectTimeoutMs: 5000 });
      const error = await firstValueFrom(port.connect(() => {})).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionRefusedError);
      expect((error as ConnectionRefusedError).returnCode).toBe(5);
    } finally {
      await closeServer(broker);
    }
  });

  it('should time out a publish that is never acknowledged, and still close without hanging', async () => {
    const broker = await silentBroker([0x20, 0x02, 0x00, 0x00]);
    try {
      const device = createDevice({ ...testDevice, endpoint: { url: broker.url }, publishTimeoutMs: 100 });
      device.start();
      const topic = `/sys/${testDevice.productKey}/${testDevice.deviceName}/thing/event/property/post`;
      const publish = lastValueFrom(device.publish({ topic, payload: 'x', qos: 1 }));
      await expect(publish).rejects.toBeInstanceOf(PublishTimeoutError);
      await device.close();
      await expect(lastValueFrom(device.state$)).resolves.toEqual({ status: 'closed' });
    } finally {
      await closeServer(broker);
    }
  });

  it('should give up a half-open link within halfOpenDetectionMs(keepalive), sending again, not failing, a QoS1 publish in flight', async () => {
    // CONNACK, then silence: no PUBACK, no PINGRESP. MQTT.js fails its in-flight publishes on the keepalive
    // timeout before it reports the close; the publish must wait for the next connection instead.
    const broker = await silentBroker([0x20, 0x02, 0x00, 0x00]);
    const connection = createConnection(
      mqttJsPort({ ...config, keepalive: 1, url: broker.url, connectTimeoutMs: 5000 }),
      { ...connectionConfig, reconnect: { initialDelayMs: 60_000, jitter: 'none' } },
    );
    try {
      connection.start();
      await firstValueFrom(connection.state$.pipe(filter((s) => s.status === 'connected')));
      const since = Date.now();
      const failures: unknown[] = [];
      connection
        .publish({ topic: 'a/b', payload: 'x', qos: 1 })
        .subscribe({ error: (e) => failures.push(e) });
      await firstValueFrom(connection.state$.pipe(filter((s) => s.status === 'reconnecting')));
      const detectedMs = Date.now() - since;
      expect(failures).toEqual([]);
      // MQTT.js pings after a keepalive of silence and gives up half a keepalive later.
      expect(detectedMs).toBeGreaterThanOrEqual(1000);
      expect(detectedMs).toBeLessThanOrEqual(halfOpenDetectionMs(1) + 250);
    } finally {
      await connection.close();
      await closeServer(broker);
    }
  });

  it('should send again on the next link, by default not fail, a QoS1 publish on a half-open link', async () => {
    // The default publishTimeoutMs must outlast the keepalive's detection (45 s at keepalive 30): a
    // publish that times out first fails, where the reconnect would have sent it again.
    const broker = await silentBroker([0x20, 0x02, 0x00, 0x00]);
    // Real sockets, virtual timers: MQTT.js's keepalive and RxJS's timers alike.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const device = createDevice({
      ...testDevice,
      endpoint: { url: broker.url },
      keepalive: 30,
      reconnect: { initialDelayMs: 600_000, jitter: 'none' },
    });
    try {
      device.start();
      await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
      const failures: unknown[] = [];
      const topic = `/sys/${testDevice.productKey}/${testDevice.deviceName}/thing/event/property/post`;
      device.publish({ topic, payload: 'x', qos: 1 }).subscribe({ error: (e) => failures.push(e) });
      const reconnecting = firstValueFrom(device.state$.pipe(filter((s) => s.status === 'reconnecting')));
      await jest.advanceTimersByTimeAsync(halfOpenDetectionMs(30) + 1000);
      await reconnecting;
      expect(failures).toEqual([]);
    } finally {
      jest.useRealTimers();
      await device.close();
      await closeServer(broker);
    }
  });

  // Without the grace period, close() waits for a 'close' that a half-open peer never lets happen.
  it('should refuse a publish once disconnecting with ConnectionLostError, not call it written', async () => {
    // The peer never closes after DISCONNECT: MQTT.js stays connected and disconnecting.
    await withAcceptingBroker(
      {},
      async (port) => {
        const { link, connection } = await connectLink(port);
        try {
          link.disconnect().subscribe({ error: () => undefined });
          const answers: unknown[][] = [];
          for (const qos of [0, 1] as const)
            link.publish('t', Buffer.from('x'), qos, (...answer) => answers.push(answer));
          expect(answers).toEqual([[expect.any(ConnectionLostError)], [expect.any(ConnectionLostError)]]);
        } finally {
          connection.unsubscribe();
        }
      },
      true,
    );
  });

  it('should hold nothing of a QoS 1 publish it has written while the PUBACK is awaited', async () => {
    // MQTT.js's own store kept a copy of each payload until its PUBACK: 32 MiB for these. The publish sink
    // keeps what it sends again; the link, nothing.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heldMiB = () => {
      gc();
      return process.memoryUsage().arrayBuffers / 2 ** 20;
    };
    await withAcceptingBroker({}, async (port, broker) => {
      const { link, connection } = await connectLink(port);
      try {
        const [socket] = [...broker.sockets] as [Socket];
        let received = 0;
        socket.on('data', (chunk: Buffer) => (received += chunk.length));
        const before = heldMiB();
        const answers: unknown[][] = [];
        for (let i = 0; i < 32; i++)
          link.publish('t', Buffer.alloc(2 ** 20, i), 1, (...answer) => answers.push(answer));
        while (received < 32 * 2 ** 20) await new Promise((turn) => setTimeout(turn, 10));
        // The broker has every byte; Node lets go of what it wrote within a few turns.
        let held = heldMiB() - before;
        for (let tries = 0; held >= 4 && tries < 25; tries++) {
          await new Promise((turn) => setTimeout(turn, 20));
          held = heldMiB() - before;
        }
        expect(answers).toEqual([]);
        expect(held).toBeLessThan(4);
      } finally {
        connection.unsubscribe();
      }
    });
  });

  it('should call a QoS 0 publish written only when the socket took it, not once the peer has closed', async () => {
    // The broker sends its FIN and goes on reading: whatever the device wrote before its own end arrives.
    // From the FIN to MQTT.js's 'close' (a turn or more), MQTT.js still says connected; a publish then is lost.
    await withAcceptingBroker(
      {},
      async (port, broker) => {
        const { link, connection } = await connectLink(port);
        try {
          const [socket] = [...broker.sockets] as [Socket];
          const chunks: Buffer[] = [];
          socket.on('data', (chunk: Buffer) => chunks.push(chunk));
          const deviceEnded = once(socket, 'end');
          const answers = { written: 0, lost: 0 };
          // 20 publishes a turn of the event loop, until one is refused.
          const refused = new Promise<void>((resolve) => {
            const burst = () => {
              for (let i = 0; i < 20; i++)
                link.publish('t', Buffer.from('x'), 0, (error) =>
                  error ? answers.lost++ : answers.written++,
                );
              if (answers.lost > 0) resolve();
              else setImmediate(burst);
            };
            burst();
          });
          setImmediate(() => socket.end());
          await Promise.all([refused, deviceEnded]);

          // A PUBLISH of 'x' to 't' at QoS 0 is 6 bytes: 0x30 0x04 0x00 0x01 't' 'x'.
          const publishes = Buffer.concat(chunks).length / 6;
          expect(answers.lost).toBeGreaterThan(0);
          expect(answers.written).toBe(publishes);
        } finally {
          connection.unsubscribe();
        }
      },
      true,
    );
  });

  it('should listen to packets only while a tap with watch is active, asking active only when told', async () => {
    let active = false;
    let asked = 0;
    let changed: () => void = () => undefined;
    const seen: string[] = [];
    const packets: PacketTap = {
      get active() {
        asked += 1;
        return active;
      },
      next: (packet) => seen.push(`${packet.direction} ${packet.type}`),
      watch(onChange) {
        changed = onChange;
        return () => (changed = () => undefined);
      },
    };
    await withAcceptingBroker({ packets }, async (port) => {
      const { link, connection } = await connectLink(port);
      for (let i = 0; i < 100; i++) publishOnce(link);
      expect(asked).toBe(1);
      active = true;
      changed();
      publishOnce(link);
      active = false;
      changed();
      publishOnce(link);
      connection.unsubscribe();
      expect(seen).toEqual(['sent publish']);
      // Once when the connection started, once for each change; a packet asks only while listened to.
      expect(asked).toBe(4);
      // The connection ended: it no longer watches.
      changed();
      expect(asked).toBe(4);
    });
  });

  it('should ask a tap without watch at each packet', async () => {
    let asked = 0;
    const seen: string[] = [];
    const packets: PacketTap = {
      get active() {
        asked += 1;
        return asked > 3;
      },
      next: (packet) => seen.push(`${packet.direction} ${packet.type}`),
    };
    await withAcceptingBroker({ packets }, async (port) => {
      const { link, connection } = await connectLink(port);
      // CONNECT and CONNACK asked 2 times; then each publish once.
      publishOnce(link);
      publishOnce(link);
      connection.unsubscribe();
      expect(asked).toBeGreaterThanOrEqual(4);
      expect(seen).toContain('sent publish');
    });
  });

  describe("MQTT.js's own log", () => {
    let lines: string[] = [];
    let namespaces = '';
    const print = createDebug.log;
    beforeEach(() => {
      lines = [];
      namespaces = createDebug.disable();
      createDebug.log = (...args: unknown[]) => lines.push(format(...args));
    });
    afterEach(() => {
      createDebug.log = print;
      createDebug.enable(namespaces);
    });
    const linkLogging = async (port: ReturnType<typeof mqttJsPort>) => {
      const { link, connection } = await connectLink(port);
      publishOnce(link);
      connection.unsubscribe();
    };

    it('should print with mqttjs:client on when a connection starts, and not when it was off then', async () => {
      await withAcceptingBroker({}, async (port) => {
        createDebug.enable('mqttjs:client');
        await linkLogging(port);
        expect(lines.some((line) => line.includes('mqttjs:client') && line.includes('publish'))).toBe(true);
        // Off when the connection started: a no-op stands in for it (a cost per message), until the next one.
        createDebug.disable();
        const { link, connection } = await connectLink(port);
        createDebug.enable('mqttjs:client');
        lines = [];
        publishOnce(link);
        connection.unsubscribe();
        expect(lines).toEqual([]);
        await linkLogging(port);
        expect(lines.length).toBeGreaterThan(0);
      });
    });

    it('should call a log given in clientOptions, whatever debug says', async () => {
      const calls: unknown[][] = [];
      const log = (...args: unknown[]) => calls.push(args);
      await withAcceptingBroker({ clientOptions: { log } }, async (port) => {
        await linkLogging(port);
        expect(calls.some(([first]) => String(first).startsWith('publish'))).toBe(true);
        expect(lines).toEqual([]);
      });
    });
  });

  it('should close even when the peer never closes its side after DISCONNECT', async () => {
    const broker = await silentBroker([0x20, 0x02, 0x00, 0x00], true);
    const connection = createConnection(mqttJsPort({ ...config, url: broker.url, connectTimeoutMs: 5000 }), {
      ...connectionConfig,
      disconnectGraceMs: 100,
    });
    try {
      connection.start();
      await firstValueFrom(connection.state$.pipe(filter((s) => s.status === 'connected')));
      await connection.close();
      await expect(lastValueFrom(connection.state$)).resolves.toEqual({ status: 'closed' });
    } finally {
      await closeServer(broker);
    }
  });
});
