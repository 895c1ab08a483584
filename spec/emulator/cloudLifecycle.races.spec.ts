// The console's lifecycle of a device where it meets other things: the emulator closing, a secret store, dynamic
// registration, the server API, a gateway deleted, and two calls for one device at once.
import * as E from 'fp-ts/Either';
import mqtt from 'mqtt';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  NEVER,
  of,
  ReplaySubject,
  take,
  timer,
  toArray,
  type Subscription,
} from 'rxjs';
import { createGateway, type SubDeviceSecret } from '../../lib/alink/createGateway';
import { httpsPost } from '../../lib/connection/defaultRegistrationPorts';
import { createDevice, type AliyunDevice } from '../../lib/device';
import {
  DeviceNotFoundError,
  EmulatorClosedError,
  startEmulator,
  type Emulator,
  type EmulatorEvent,
} from '../../lib/emulator';
import { startCloudApi } from '../../lib/emulator/startCloudApi';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { httpsRegistrationForm } from '../../lib/identity/registrationCredentials';
import type { DeviceCredential, SecretStore } from '../../lib/identity/secretStore';
import { serveLifecycle } from '../../lib/alink/serveLifecycle';

const GATEWAY = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gateway-secret-0123456789' };
const DIRECT = { productKey: 'a1DirectPK1', deviceName: 'dev01', deviceSecret: 'direct-secret-0123456789' };
const s01: SubDeviceSecret = { productKey: 'a1SubPK0001', deviceName: 's01', deviceSecret: 'sub-secret-s01' };
const DYN = { productKey: 'a1DynPK0001', productSecret: 'ProductSecret123' };
const reconnect = { initialDelayMs: 10, maxDelayMs: 50, jitter: 'none' } as const;
const identity = ({ productKey, deviceName }: { productKey: string; deviceName: string }) => ({
  productKey,
  deviceName,
});

const nextEvent = <T extends EmulatorEvent['type']>(
  cloud: Emulator,
  type: T,
  where: (e: Extract<EmulatorEvent, { type: T }>) => boolean = () => true,
) =>
  firstValueFrom(
    cloud.events$.pipe(
      filter((e): e is Extract<EmulatorEvent, { type: T }> => e.type === type && where(e as never)),
    ),
  );

/** A raw MQTT login of `device`, no reconnects: resolves with the CONNACK's return code. */
const rawLogin = (cloud: Emulator, device: typeof DIRECT, clientId: string) => {
  const { username, password, clientId: id } = mqttCredentials({ ...device, clientId });
  const client = mqtt.connect(cloud.url, { clientId: id, username, password, reconnectPeriod: 0 });
  const code = new Promise<number>((resolve) => {
    client.once('connect', () => resolve(0));
    client.once('error', (e) => resolve((e as { code?: number }).code ?? -1));
    client.once('close', () => resolve(-1));
  });
  return { client, code };
};

describe('cloudLifecycle, with the rest of the emulator', () => {
  let cloud: Emulator;
  const devices: AliyunDevice[] = [];
  const clients: mqtt.MqttClient[] = [];
  const running: Subscription[] = [];
  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    clients.splice(0).forEach((c) => c.end(true));
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await cloud.close();
  });

  const start = async (credentials: typeof GATEWAY) => {
    const device = createDevice({
      ...credentials,
      endpoint: { url: cloud.url },
      reconnect,
      checkNamespace: false,
    });
    devices.push(device);
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
    return device;
  };

  const standard = () =>
    startEmulator({
      products: [
        { productKey: GATEWAY.productKey, devices: [GATEWAY] },
        { productKey: DIRECT.productKey, devices: [DIRECT] },
        { productKey: s01.productKey, devices: [{ deviceName: 's01', deviceSecret: s01.deviceSecret }] },
      ],
    });

  it('should reject disableThing with EmulatorClosedError when the emulator closes while the sub-device is told', async () => {
    cloud = await standard();
    const gateway = createGateway(await start(GATEWAY), { timeoutMs: 5000 });
    await lastValueFrom(gateway.addTopology([s01]));
    const sensor = gateway.subDevice(s01);
    // It hears the notice and never answers.
    const ready = nextEvent(cloud, 'subscribe', (e) => e.filters.includes(sensor.topics.disable));
    running.push(serveLifecycle(sensor, () => NEVER).subscribe());
    await ready;
    expect(await lastValueFrom(gateway.login(s01))).toEqual(E.right(identity(s01)));
    const disabling = cloud.disableThing(s01, { timeoutMs: 5000 });
    const outcome = disabling.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cloud.close();
    expect(await outcome).toBeInstanceOf(EmulatorClosedError);
  });

  it('should not bring a deleted device back through a secret store recall that was under way', async () => {
    let loaded!: (credential: DeviceCredential | undefined) => void;
    let loading!: () => void;
    const loadStarted = new Promise<void>((resolve) => (loading = resolve));
    const store: SecretStore = {
      load: () => {
        loading();
        return new Promise((resolve) => (loaded = resolve));
      },
      save: () => Promise.resolve(),
    };
    cloud = await startEmulator({
      products: [{ productKey: DIRECT.productKey, devices: [{ deviceName: DIRECT.deviceName }] }],
      secretStore: store,
    });
    // The device registered in an earlier run; it logs in with that secret while the console deletes it.
    const login = rawLogin(cloud, DIRECT, 'c1');
    clients.push(login.client);
    await loadStarted;
    await cloud.deleteDevice(DIRECT);
    loaded({ deviceSecret: DIRECT.deviceSecret });
    expect(await login.code).toBe(4);
    await expect(cloud.deleteDevice(DIRECT)).rejects.toThrow(DeviceNotFoundError);
  });

  it('should disable a device its secret store knows, though it has not logged in in this run', async () => {
    const kept: Record<string, DeviceCredential> = {
      [`${DYN.productKey}/dyn01`]: { deviceSecret: 'dyn01-secret-0123456' },
    };
    cloud = await startEmulator({
      products: [
        {
          productKey: DYN.productKey,
          productSecret: DYN.productSecret,
          dynamicRegistration: true,
          devices: [],
        },
      ],
      secretStore: {
        load: (d) => Promise.resolve(kept[`${d.productKey}/${d.deviceName}`]),
        save: () => Promise.resolve(),
      },
    });
    const dyn01 = { productKey: DYN.productKey, deviceName: 'dyn01', deviceSecret: 'dyn01-secret-0123456' };
    // Registered by an earlier run (the store has its secret); the console disables it before it logs in.
    await cloud.disableThing(dyn01);
    const login = rawLogin(cloud, dyn01, 'c1');
    clients.push(login.client);
    expect(await login.code).toBe(5);
  });

  it('should not hand a disabled device a secret over HTTPS registration, as it refuses its MQTT registration', async () => {
    cloud = await startEmulator({
      products: [
        {
          productKey: DYN.productKey,
          productSecret: DYN.productSecret,
          dynamicRegistration: true,
          devices: [{ deviceName: 'dev01' }],
        },
      ],
    });
    await cloud.disableThing({ productKey: DYN.productKey, deviceName: 'dev01' });
    const form = httpsRegistrationForm({
      productKey: DYN.productKey,
      deviceName: 'dev01',
      productSecret: DYN.productSecret,
      random: 'r0123',
    });
    const { body } = await lastValueFrom(
      httpsPost({ url: `${cloud.urls.https}/auth/register/device`, form, tls: { ca: cloud.ca } }),
    );
    expect(JSON.parse(body.toString())).not.toMatchObject({ code: 200 });
  });

  it('should answer NotExistedDevice for a deleted device (GetDeviceStatus)', async () => {
    const products = [{ productKey: DIRECT.productKey, devices: [DIRECT] }];
    cloud = await startEmulator({ products });
    const api = await startCloudApi(cloud, { products });
    try {
      const status = async () => {
        const q = new URLSearchParams({
          Action: 'GetDeviceStatus',
          ProductKey: DIRECT.productKey,
          DeviceName: 'dev01',
        });
        return (await fetch(`${api.url}?${q.toString()}`)).json() as Promise<Record<string, unknown>>;
      };
      await start(DIRECT);
      await cloud.deleteDevice(DIRECT);
      expect(await status()).toMatchObject({ Success: false, Code: 'iot.device.NotExistedDevice' });
    } finally {
      await api.close();
    }
  });

  it("should take a deleted gateway's sub-devices out of its topology", async () => {
    cloud = await standard();
    const gateway = createGateway(await start(GATEWAY), { timeoutMs: 5000 });
    await lastValueFrom(gateway.addTopology([s01]));
    await cloud.deleteDevice(GATEWAY);
    expect(cloud.getThingTopo(GATEWAY)).toEqual([]);
    expect(await cloud.removeThingTopo(s01)).toBe(false);
  });

  it('should say DISABLE for a disabled device (GetDeviceStatus)', async () => {
    const products = [{ productKey: DIRECT.productKey, devices: [DIRECT] }];
    cloud = await startEmulator({ products });
    const api = await startCloudApi(cloud, { products });
    try {
      await start(DIRECT);
      await cloud.disableThing(DIRECT);
      const q = new URLSearchParams({
        Action: 'GetDeviceStatus',
        ProductKey: DIRECT.productKey,
        DeviceName: 'dev01',
      });
      expect(await (await fetch(`${api.url}?${q.toString()}`)).json()).toMatchObject({
        Data: { Status: 'DISABLE' },
      });
    } finally {
      await api.close();
    }
  });

  it('should leave a sub-device enabled and logged in when enableThing comes while disableThing waits for its answer', async () => {
    cloud = await standard();
    const gateway = createGateway(await start(GATEWAY), { timeoutMs: 5000 });
    await lastValueFrom(gateway.addTopology([s01]));
    const sensor = gateway.subDevice(s01);
    const ready = nextEvent(cloud, 'subscribe', (e) => e.filters.includes(sensor.topics.disable));
    // It takes 200 ms to answer.
    running.push(serveLifecycle(sensor, () => timer(200)).subscribe());
    await ready;
    const results = new ReplaySubject<unknown>();
    running.push(sensor.session().subscribe(results));
    expect(await firstValueFrom(results)).toEqual(E.right(identity(s01)));
    await Promise.all([cloud.disableThing(s01), cloud.enableThing(s01)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Enabled last: the session should be on.
    expect((await firstValueFrom(cloud.devices$)).map(identity)).toContainEqual(identity(s01));
  });

  it('should have session() log a sub-device in again when enableThing tells its gateway', async () => {
    cloud = await standard();
    const gateway = createGateway(await start(GATEWAY), { timeoutMs: 5000 });
    await lastValueFrom(gateway.addTopology([s01]));
    const sensor = gateway.subDevice(s01);
    const ready = nextEvent(cloud, 'subscribe', (e) => e.filters.includes(sensor.topics.disable));
    running.push(serveLifecycle(sensor, () => of(null)).subscribe());
    running.push(gateway.serveTopologyChanges(() => of(null)).subscribe());
    await ready;
    const results = new ReplaySubject<unknown>();
    running.push(sensor.session().subscribe(results));
    expect(await firstValueFrom(results)).toEqual(E.right(identity(s01)));
    await cloud.disableThing(s01);
    const back = nextEvent(cloud, 'sub-device-login', (e) => e.device.deviceName === 's01');
    await cloud.enableThing(s01);
    await back;
    expect(await firstValueFrom(results.pipe(take(3), toArray()))).toEqual([
      E.right(identity(s01)),
      E.left(expect.objectContaining({ _tag: 'LoggedOutFailure', change: 'disabled' })),
      E.right(identity(s01)),
    ]);
  });
});
