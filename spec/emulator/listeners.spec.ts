// The emulator's four listeners, each with the securemode its transport needs, over real sockets.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, get, request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { createCertificateAuthority } from '../../lib/emulator/certificates';
import { TlsError } from '../../lib/connection/TlsError';
import { CLOSE_GRACE_MS, startListeners } from '../../lib/emulator/listeners';
import { TLS_TRANSPORTS, type Transport } from '../../lib/emulator/transport';
import { countSocketTraffic } from '../support/socketTraffic';
import { within } from '../support/within';
import { DEV01, PK, SECRET, deviceHarness, nextMessage } from './deviceHarness';
import { elapse } from '../support/timerOverflows';

const harness = deviceHarness();
const devices: AliyunDevice[] = [];
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await harness.cleanup();
});

const TRANSPORTS: readonly [Transport, RegExp][] = [
  ['mqtt', /^mqtt:\/\/127\.0\.0\.1:\d+$/],
  ['mqtts', /^mqtts:\/\/127\.0\.0\.1:\d+$/],
  ['ws', /^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/],
  ['wss', /^wss:\/\/127\.0\.0\.1:\d+\/mqtt$/],
];

/** The listeners on free loopback ports, answering HTTPS with `request`; MQTT connections are dropped. */
async function httpsListeners(request: (request: IncomingMessage, response: ServerResponse) => void) {
  const authority = createCertificateAuthority();
  const listeners = await startListeners({
    host: '127.0.0.1',
    ports: { mqtt: 0, mqtts: 0, ws: 0, wss: 0 },
    certificate: authority.issue({ hosts: ['127.0.0.1'] }),
    handle: (stream) => stream.destroy(),
    request,
  });
  return { listeners, ca: authority.cert };
}

describe('the emulator listeners', () => {
  it('should listen on a free loopback port for each transport and say where', async () => {
    const emulator = await harness.start();
    for (const [transport, shape] of TRANSPORTS) expect(emulator.urls[transport]).toMatch(shape);
    const ports = Object.values(emulator.urls).map((url) => new URL(url).port);
    expect(new Set(ports).size).toBe(4);
    expect(emulator.url).toBe(emulator.urls.mqtt);
  });

  it('should make its own certificate authority and show a certificate it signed for the loopback host', async () => {
    const emulator = await harness.start();
    const ca = new X509Certificate(emulator.ca);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it.each(TRANSPORTS.map(([transport]) => transport))(
    'should take a device over %s with the securemode of that transport, and serve it',
    async (transport) => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator, { transport });
      const topic = `/broadcast/${PK}/hello`;
      await client.subscribeAsync(topic, { qos: 1 });
      const message = nextMessage(client);
      await emulator.publish(topic, 'over ' + transport, { qos: 1 });
      expect(await message).toMatchObject({ topic, qos: 1 });
      expect((await message).payload.toString()).toBe('over ' + transport);
      expect(await firstValueFrom(emulator.devices$)).toEqual([{ ...DEV01, clientId: `${PK}.dev01` }]);
    },
  );

  it.each<[Transport, 2 | 3]>([
    ['mqtt', 2],
    ['ws', 2],
    ['mqtts', 3],
    ['wss', 3],
  ])(
    'should refuse a login over %s that says securemode=%i, with CONNACK 2',
    async (transport, secureMode) => {
      const emulator = await harness.start();
      const refused = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'refused')));
      await expect(harness.connectDevice(emulator, { transport, secureMode })).rejects.toMatchObject({
        code: 2,
      });
      expect(await refused).toMatchObject({ reason: 'secure-mode-mismatch', returnCode: 2 });
    },
  );

  it('should refuse a clientId over 64 characters with CONNACK 2', async () => {
    const emulator = await harness.start();
    const refused = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'refused')));
    await expect(harness.connectDevice(emulator, { clientId: 'c'.repeat(65) })).rejects.toMatchObject({
      code: 2,
    });
    expect(await refused).toMatchObject({ reason: 'client-id-too-long' });
  });

  it('should show the certificate it is given', async () => {
    const authority = createCertificateAuthority({ commonName: 'given CA' });
    const emulator = await harness.start({ tls: { ...authority.issue(), ca: authority.cert } });
    expect(emulator.ca).toBe(authority.cert);
    await expect(harness.connectDevice(emulator, { transport: 'mqtts' })).resolves.toBeDefined();
  });

  it.each<[string, Transport, string | undefined]>([
    ['a TCP connection to mqtts that never starts its TLS handshake', 'mqtts', undefined],
    ['a TCP connection to ws that sends nothing', 'ws', undefined],
    ['a TCP connection to wss that never starts its TLS handshake', 'wss', undefined],
    ['a connection to ws that sends half a request head', 'ws', 'GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n'],
  ])('should close with %s, cutting it after its grace', async (_, transport, sent) => {
    const emulator = await harness.start();
    const socket = new Socket();
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) =>
      socket.connect(Number(new URL(emulator.urls[transport]).port), '127.0.0.1', resolve),
    );
    if (sent !== undefined) socket.write(sent);
    // Accepted by the listener by then (the test passes the same if it was not: the listener never had it).
    await elapse(50);
    try {
      const closed = emulator.close().then(() => 'closed');
      expect(await within(CLOSE_GRACE_MS + 2000, closed, 'still open')).toBe('closed');
    } finally {
      socket.destroy();
    }
  });

  it('should close at once with a request whose body never ends, cutting that connection', async () => {
    let arrived: () => void = () => undefined;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    // As the registration and bootstrap forms are read: answered at the body's end, which never comes.
    const { listeners, ca } = await httpsListeners((request, response) => {
      request.on('data', () => arrived());
      request.on('end', () => response.writeHead(200).end());
    });
    const posting = httpsRequest(`${listeners.https}/auth/register/device`, {
      method: 'POST',
      ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1000' },
    });
    try {
      const cut = new Promise<string>((resolve) => {
        posting.on('response', () => resolve('answered'));
        posting.on('error', (error) => resolve(`cut: ${error.message}`));
      });
      posting.write('productKey=a1B2c3D4e5F&deviceName=dev-01&random=');
      await requested;
      const closed = listeners.close().then(() => 'closed');
      expect(await within(2000, closed, 'still open after 2 s')).toBe('closed');
      expect(await cut).toMatch(/^cut: /);
    } finally {
      posting.destroy();
      await listeners.close();
    }
  });

  it('should end a keep-alive connection whose request is answered after close began, so close does not wait for it', async () => {
    let answerNow: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    const { listeners, ca } = await httpsListeners((_request, response) => {
      answerNow = () => response.writeHead(200).end('late');
      arrived();
    });
    const agent = new Agent({ keepAlive: true });
    try {
      const answered = new Promise<string | undefined>((resolve, reject) =>
        get(`${listeners.https}/slow`, { agent, ca }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.headers.connection));
        }).on('error', reject),
      );
      await requested;
      const closed = listeners.close().then(() => 'closed');
      answerNow();
      expect(await answered).toBe('close');
      expect(await within(2000, closed, 'still open after 2 s')).toBe('closed');
    } finally {
      agent.destroy();
      await listeners.close();
    }
  });
});

describe('createDevice against the emulator, over each transport', () => {
  const device = (url: string, tls?: { ca: string }) => {
    const created = createDevice({
      ...DEV01,
      deviceSecret: SECRET,
      endpoint: { url },
      reconnect: false,
      ...(tls ? { tls } : {}),
    });
    devices.push(created);
    return created;
  };
  const settled = (d: AliyunDevice) =>
    firstValueFrom(d.state$.pipe(filter((s) => s.status === 'connected' || s.status === 'closed')));

  it.each(TRANSPORTS.map(([transport]) => transport))(
    'should connect over %s with the emulator ca, and publish at QoS 1',
    async (transport) => {
      const emulator = await harness.start();
      const d = device(
        emulator.urls[transport],
        TLS_TRANSPORTS.includes(transport) ? { ca: emulator.ca } : undefined,
      );
      const received = firstValueFrom(emulator.received$);
      d.start();
      await expect(settled(d)).resolves.toEqual({ status: 'connected', sessionPresent: false });
      const topic = `/sys/${PK}/dev01/thing/event/property/post`;
      await lastValueFrom(d.publish({ topic, payload: '{}', qos: 1 }));
      expect(await received).toMatchObject({ topic, qos: 1 });
    },
  );

  it.each<[Transport, string]>([
    ['mqtts', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['wss', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ])('should close with a TlsError over %s without the emulator ca', async (transport, code) => {
    const emulator = await harness.start();
    const d = device(emulator.urls[transport]);
    d.start();
    const state = await settled(d);
    expect(state.status === 'closed' && state.error).toBeInstanceOf(TlsError);
    expect(state.status === 'closed' && state.error).toMatchObject({ code });
  });

  it.each<Transport>(['mqtt', 'mqtts'])(
    "should turn Nagle's algorithm off on the device's socket over %s",
    async (transport) => {
      // The device batches its writes to the end of each job; Nagle on top held the last one of a batch
      // for the broker's delayed ACK.
      const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
      try {
        const emulator = await harness.start();
        const port = Number(new URL(emulator.urls[transport]).port);
        const d = device(emulator.urls[transport], transport === 'mqtts' ? { ca: emulator.ca } : undefined);
        d.start();
        await expect(settled(d)).resolves.toMatchObject({ status: 'connected' });
        const turnedOff = noDelay.mock.contexts.filter((_, call) => noDelay.mock.calls[call]?.[0] === true);
        expect(turnedOff.some((socket) => (socket as Socket).remotePort === port)).toBe(true);
      } finally {
        noDelay.mockRestore();
      }
    },
  );

  it.each<Transport>(['mqtt', 'mqtts'])(
    "should turn Nagle's algorithm off on its own end of a device's connection over %s",
    async (transport) => {
      // It batches its writes to the end of each turn of the event loop; Nagle on top held an answer
      // behind the PUBACK before it until the device's delayed ACK.
      const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
      try {
        const emulator = await harness.start();
        const port = Number(new URL(emulator.urls[transport]).port);
        await harness.connectDevice(emulator, { transport });
        const turnedOff = noDelay.mock.contexts.filter((_, call) => noDelay.mock.calls[call]?.[0] === true);
        expect(turnedOff.some((socket) => (socket as Socket).localPort === port)).toBe(true);
      } finally {
        noDelay.mockRestore();
      }
    },
  );

  it('should send what it writes to a device in one turn of the event loop together, not a write nor a drain wait per message', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const topic = `/broadcast/${PK}/burst`;
    await client.subscribeAsync(topic, { qos: 1 });
    const count = 200;
    let received = 0;
    const all = new Promise<void>((resolve) =>
      client.on('message', () => {
        received += 1;
        if (received === count) resolve();
      }),
    );
    const traffic = await countSocketTraffic(
      emulator.urls.mqtt,
      async () => {
        // One job: aedes forwards each message from a setImmediate of its own, and wrote each alone.
        // 40 KB in all: past the socket's high-water mark, where what is held goes at once.
        const payload = 'x'.repeat(200);
        const published = Array.from({ length: count }, () => emulator.publish(topic, payload, { qos: 1 }));
        await Promise.all([...published, all]);
      },
      'broker',
    );
    expect(received).toBe(count);
    expect(traffic.writes).toBeGreaterThan(0);
    expect(traffic.writes).toBeLessThanOrEqual(10);
    // Without the early release aedes waited for 'drain' with a listener per message past the mark.
    expect(traffic.drainWaits).toBeLessThanOrEqual(2);
  });

  it('should connect over wss with rejectUnauthorized: false', async () => {
    const emulator = await harness.start();
    const created = createDevice({
      ...DEV01,
      deviceSecret: SECRET,
      endpoint: { url: emulator.urls.wss },
      tls: { rejectUnauthorized: false },
      reconnect: false,
    });
    devices.push(created);
    created.start();
    await expect(settled(created)).resolves.toMatchObject({ status: 'connected' });
  });
});
