// createDevice with a productSecret and no deviceSecret, as the seed configures it: it registers inside
// state$, keeps what it got, and logs in with it. Against the emulator, over real sockets and files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, of, throwError, type Observable } from 'rxjs';
import { fileSecretStore } from '../lib/alink/fileSecretStore';
import { RegistrationRefusedError } from '../lib/alink/registrationErrors';
import type { ConnectionState } from '../lib/connection/ConnectionState';
import { mqttExchange } from '../lib/connection/defaultRegistrationPorts';
import type { DevicePacket } from '../lib/connection/DevicePacket';
import { ConnectionLostError } from '../lib/connection/errors';
import { createDevice, type AliyunDevice, type DeviceTransport } from '../lib/device';
import { startEmulator, type Emulator, type EmulatorOptions } from '../lib/emulator';
import type { EmulatorEvent } from '../lib/emulator/emulatorEvent';
import type { DeviceOptions } from '../lib/identity/deviceOptions';
import { memorySecretStore } from '../lib/identity/secretStore';

const PK = 'a1SeedPK001';
const PS = 'mj7qKfEn73y07gyK';
const products: EmulatorOptions['products'] = [
  { productKey: PK, productSecret: PS, dynamicRegistration: true, devices: [{ deviceName: 'Chic_001' }] },
];

let dir: string;
const emulators: Emulator[] = [];
const devices: AliyunDevice[] = [];
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-registration-'))));
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function emulator(options: Partial<EmulatorOptions> = {}) {
  const started = await startEmulator({ products, ...options });
  emulators.push(started);
  return started;
}

function device(cloud: Emulator, patch: Partial<DeviceOptions> = {}, transport: DeviceTransport = {}) {
  const created = createDevice(
    {
      productKey: PK,
      deviceName: 'Chic_001',
      productSecret: PS,
      clientId: 'clientID',
      endpoint: { url: cloud.urls.mqtts },
      tls: { ca: cloud.ca },
      reconnect: { initialDelayMs: 10, jitter: 'none', maxRetries: 3 },
      ...patch,
    } as DeviceOptions,
    transport,
  );
  devices.push(created);
  return created;
}

/** Starts the device and collects its states until one with `status`. */
async function run(
  d: AliyunDevice,
  until: ConnectionState['status'] = 'connected',
): Promise<ConnectionState[]> {
  const states: ConnectionState[] = [];
  const reached = firstValueFrom(
    d.state$.pipe(
      filter((s) => {
        states.push(s);
        return s.status === until || s.status === 'closed';
      }),
    ),
  );
  d.start();
  await reached;
  return states;
}

const events = (cloud: Emulator, type: EmulatorEvent['type']) => {
  const seen: EmulatorEvent[] = [];
  cloud.events$.pipe(filter((e) => e.type === type)).subscribe((e) => seen.push(e));
  return seen;
};

describe('createDevice with a productSecret and no deviceSecret', () => {
  it('should register inside state$, keep the secret and log in with it', async () => {
    const cloud = await emulator();
    const registered = events(cloud, 'registered');
    const store = memorySecretStore();
    const all = events(cloud, 'connect');
    const d = device(cloud, { secretStore: store });
    const states = await run(d);
    expect(states).toEqual([
      { status: 'idle' },
      { status: 'connecting', attempt: 1 },
      { status: 'registering', attempt: 1 },
      { status: 'connecting', attempt: 1 },
      { status: 'connected', sessionPresent: false },
    ]);
    expect(registered).toEqual([
      { type: 'registered', device: { productKey: PK, deviceName: 'Chic_001' }, method: 'register' },
    ]);
    const kept = (await store.load({ productKey: PK, deviceName: 'Chic_001' })) as { deviceSecret: string };
    expect(kept.deviceSecret).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify([states, registered, all])).not.toContain(kept.deviceSecret);
    expect(JSON.stringify([states, registered, all])).not.toContain(PS);
  });

  it("should show the registration's packets in packets$, before the login's, the secret redacted", async () => {
    const cloud = await emulator();
    const store = memorySecretStore();
    const d = device(cloud, { secretStore: store, registration: { random: 'r1' } });
    const packets: DevicePacket[] = [];
    d.packets$.subscribe((p) => packets.push(p));
    await run(d);
    const kept = (await store.load({ productKey: PK, deviceName: 'Chic_001' })) as { deviceSecret: string };
    const shown = packets.map((p) => ({
      ...p,
      ...('payload' in p ? { payload: Buffer.from(p.payload).toString() } : {}),
    }));
    expect(shown.slice(0, 5)).toEqual([
      expect.objectContaining({
        direction: 'sent',
        type: 'connect',
        clientId: 'clientID|securemode=2,authType=register,random=r1,signmethod=hmacsha256|',
        password: '[redacted]',
      }),
      expect.objectContaining({ direction: 'received', type: 'connack', returnCode: 0 }),
      expect.objectContaining({
        direction: 'received',
        type: 'publish',
        topic: '/ext/register',
        payload: expect.stringContaining('"deviceSecret":"[redacted]"'),
      }),
      expect.objectContaining({
        direction: 'sent',
        type: 'connect',
        clientId: 'clientID|securemode=2,signmethod=hmacsha256|',
        password: '[redacted]',
      }),
      expect.objectContaining({ direction: 'received', type: 'connack', returnCode: 0 }),
    ]);
    expect(JSON.stringify(shown)).not.toContain(kept.deviceSecret);
  });

  it('should reuse the stored secret after a restart of both the device and the emulator, without registering', async () => {
    const deviceFile = join(dir, 'device', 'secret.json');
    const cloudFile = join(dir, 'cloud', 'registry.json');
    const first = await emulator({ secretStore: fileSecretStore(cloudFile) });
    const firstDevice = device(first, { secretStore: fileSecretStore(deviceFile) });
    expect((await run(firstDevice)).map((s) => s.status)).toContain('registering');
    await firstDevice.close();
    await first.close();
    const stored = JSON.parse(readFileSync(deviceFile, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(stored[PK]?.['Chic_001']).toEqual({ deviceSecret: expect.any(String) });

    const second = await emulator({ secretStore: fileSecretStore(cloudFile), port: 0 });
    const registered = events(second, 'registered');
    const secondDevice = device(second, { secretStore: fileSecretStore(deviceFile) });
    expect((await run(secondDevice)).map((s) => s.status)).toEqual(['idle', 'connecting', 'connected']);
    expect(registered).toEqual([]);
  });

  it('should close with a RegistrationRefusedError, without trying again, when the device is activated already', async () => {
    const cloud = await emulator();
    await run(device(cloud));
    await devices[0]?.close();
    // A device that lost its secret (another store) registers again: the platform refuses.
    const refused = events(cloud, 'refused');
    const states = await run(device(cloud, { secretStore: memorySecretStore() }), 'closed');
    const last = states[states.length - 1];
    expect(last).toEqual({ status: 'closed', error: expect.any(RegistrationRefusedError) });
    expect(String(last?.status === 'closed' && last.error)).toContain('reset the device in the console');
    expect(states.filter((s) => s.status === 'registering')).toHaveLength(1);
    expect(refused).toHaveLength(1);
  });

  it('should register again on the next attempt when a registration fails on the way', async () => {
    const cloud = await emulator();
    let attempts = 0;
    const flaky: DeviceTransport = {
      registration: {
        mqtt: (request) =>
          ++attempts === 1
            ? throwError(() => new ConnectionLostError('network down'))
            : mqttExchange(request),
      },
    };
    const states = await run(device(cloud, {}, flaky));
    expect(states.map((s) => s.status)).toEqual([
      'idle',
      'connecting',
      'registering',
      'reconnecting',
      'connecting',
      'registering',
      'connecting',
      'connected',
    ]);
    expect(states[3]).toMatchObject({ attempt: 1, error: expect.any(ConnectionLostError) });
  });

  it('should register with regnwl and log in with the token (authType=connwl)', async () => {
    const cloud = await emulator();
    const store = memorySecretStore();
    const connected = firstValueFrom(cloud.events$.pipe(filter((e) => e.type === 'connect')));
    const d = device(cloud, {
      deviceName: 'NotCreated01',
      secretStore: store,
      registration: { method: 'regnwl' },
    });
    expect((await run(d)).map((s) => s.status)).toContain('registering');
    const token = (await store.load({ productKey: PK, deviceName: 'NotCreated01' })) as { clientId: string };
    expect(await connected).toMatchObject({
      device: { deviceName: 'NotCreated01', clientId: token.clientId },
    });
  });

  it('should register over HTTPS and connect over wss', async () => {
    const cloud = await emulator();
    const registered = events(cloud, 'registered');
    const d = device(cloud, {
      endpoint: { url: cloud.urls.wss },
      registration: { method: 'https', url: cloud.urls.https },
    });
    expect((await run(d)).map((s) => s.status)).toEqual([
      'idle',
      'connecting',
      'registering',
      'connecting',
      'connected',
    ]);
    expect(registered).toMatchObject([{ method: 'https' }]);
  });

  it('should ask the secret store at each attempt, so a secret saved meanwhile is used', async () => {
    const cloud = await emulator();
    const loads: number[] = [];
    const store = memorySecretStore();
    const counting = {
      load: (id: { productKey: string; deviceName: string }) => (
        loads.push(loads.length + 1),
        store.load(id)
      ),
      save: store.save,
    };
    const d = device(cloud, { secretStore: counting });
    await run(d);
    await cloud.disconnect();
    await firstValueFrom(d.state$.pipe(filter((s) => s.status === 'reconnecting')));
    await firstValueFrom(d.state$.pipe(filter((s) => s.status === 'connected')));
    expect(loads).toEqual([1, 2]);
  });

  it('should take a secret store that answers with an observable, and one that answers nothing', async () => {
    const cloud = await emulator();
    const saved: unknown[] = [];
    const store = {
      load: (): Observable<undefined> => of(),
      save: (_: unknown, credential: unknown) => (saved.push(credential), of(undefined)),
    };
    await run(device(cloud, { secretStore: store }));
    expect(saved).toEqual([{ deviceSecret: expect.any(String) }]);
  });
});

describe('createDevice: credentials at each attempt', () => {
  it('should sign a fresh timestamp for each attempt when timestamp is a function', async () => {
    const cloud = await emulator({
      products: [{ productKey: PK, devices: [{ deviceName: 'Chic_001', deviceSecret: 'ds0123' }] }],
    });
    let now = 1_700_000_000_000;
    const refused = events(cloud, 'refused');
    const connects = events(cloud, 'connect');
    const d = createDevice({
      productKey: PK,
      deviceName: 'Chic_001',
      deviceSecret: 'ds0123',
      endpoint: { url: cloud.urls.mqtt },
      timestamp: () => (now += 1000),
      reconnect: { initialDelayMs: 10, jitter: 'none' },
    });
    devices.push(d);
    await run(d);
    await cloud.disconnect();
    await firstValueFrom(d.state$.pipe(filter((s) => s.status === 'reconnecting')));
    await firstValueFrom(d.state$.pipe(filter((s) => s.status === 'connected')));
    expect(now).toBe(1_700_000_002_000);
    expect(connects).toHaveLength(2);
    expect(refused).toEqual([]);
  });
});
