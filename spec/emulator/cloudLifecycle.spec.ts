// The console's lifecycle of a device from both ends: disableThing, enableThing and deleteDevice against a
// device and a gateway's sub-device of the library, the sub-device serving its lifecycle notices.
import * as E from 'fp-ts/Either';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  of,
  ReplaySubject,
  take,
  toArray,
  type Subscription,
} from 'rxjs';
import {
  createGateway,
  type Gateway,
  type SubDeviceSecret,
  type TopologyChange,
} from '../../lib/alink/createGateway';
import { serveLifecycle, type LifecycleNotice } from '../../lib/alink/serveLifecycle';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { DeviceNotFoundError, startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { ALINK_CODES } from '../../lib/protocol';

const GATEWAY = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gateway-secret-0123456789' };
const DIRECT = { productKey: 'a1DirectPK1', deviceName: 'dev01', deviceSecret: 'direct-secret-0123456789' };
const s01: SubDeviceSecret = { productKey: 'a1SubPK0001', deviceName: 's01', deviceSecret: 'sub-secret-s01' };
const identity = ({ productKey, deviceName }: { productKey: string; deviceName: string }) => ({
  productKey,
  deviceName,
});
const reconnect = { initialDelayMs: 10, maxDelayMs: 50, jitter: 'none' } as const;

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

describe('cloudLifecycle', () => {
  let cloud: Emulator;
  let devices: AliyunDevice[];
  const running: Subscription[] = [];

  beforeEach(async () => {
    cloud = await startEmulator({
      products: [
        { productKey: GATEWAY.productKey, devices: [GATEWAY] },
        { productKey: DIRECT.productKey, devices: [DIRECT] },
        { productKey: s01.productKey, devices: [{ deviceName: 's01', deviceSecret: s01.deviceSecret }] },
      ],
    });
    devices = [];
  });
  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    await Promise.all(devices.map((d) => d.close()));
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

  /** The gateway with s01 in its topology and logged in, s01 serving its notices, the topology changes heard. */
  async function gatewayWithSession(answer = true) {
    const gateway: Gateway = createGateway(await start(GATEWAY), { timeoutMs: 5000 });
    const notices: LifecycleNotice['command'][] = [];
    const changes = new ReplaySubject<TopologyChange>();
    /** The first `count` topology changes the gateway heard. */
    const heard = (count: number) => firstValueFrom(changes.pipe(take(count), toArray()));
    await lastValueFrom(gateway.addTopology([s01]));
    const sensor = gateway.subDevice(s01);
    if (answer) {
      const ready = nextEvent(cloud, 'subscribe', (e) => e.filters.includes(sensor.topics.delete));
      running.push(serveLifecycle(sensor, ({ command }) => of(notices.push(command))).subscribe());
      await ready;
    }
    running.push(gateway.serveTopologyChanges((change) => of(changes.next(change))).subscribe());
    expect(await lastValueFrom(gateway.login(s01))).toEqual(E.right(identity(s01)));
    return { gateway, notices, heard };
  }

  it('should disconnect a disabled device, refuse its logins with CONNACK 5, and let it in once enabled', async () => {
    const device = await start(DIRECT);
    const gone = nextEvent(cloud, 'disconnect');
    const refused = nextEvent(cloud, 'refused');
    await cloud.disableThing(DIRECT);
    expect(await gone).toMatchObject({ device: identity(DIRECT), reason: 'disabled' });
    expect(await refused).toMatchObject({ reason: 'device-disabled', returnCode: 5 });
    const back = nextEvent(cloud, 'connect');
    const lifecycle = nextEvent(cloud, 'lifecycle');
    await cloud.enableThing(DIRECT);
    expect(await lifecycle).toEqual({ type: 'lifecycle', device: identity(DIRECT), change: 'enabled' });
    expect(await back).toMatchObject({ device: identity(DIRECT) });
    // The device's own reconnects, which CONNACK 5 did not stop, bring it back.
    expect(await firstValueFrom(device.state$.pipe(filter((st) => st.status === 'connected')))).toBeDefined();
  });

  it('should tell a sub-device it is disabled, end its session once it answered, and refuse its login 6204', async () => {
    const { gateway, notices, heard } = await gatewayWithSession();
    const answered = nextEvent(cloud, 'call', (e) => e.call === 'disableThing');
    const logout = nextEvent(cloud, 'sub-device-logout');
    await cloud.disableThing(s01);
    expect(notices).toEqual(['disable']);
    expect(await answered).toMatchObject({
      outcome: 'answered',
      topic: `/sys/${s01.productKey}/s01/thing/disable`,
    });
    expect(await logout).toMatchObject({ device: identity(s01), reason: 'disabled' });
    expect(await heard(1)).toEqual([{ status: 8, change: 'disabled', subDevices: [identity(s01)] }]);
    const login = await lastValueFrom(gateway.login(s01));
    expect(login).toEqual(E.left(expect.objectContaining({ code: ALINK_CODES.deviceDisabled })));

    await cloud.enableThing(s01);
    expect((await heard(2))[1]).toEqual({ status: 2, change: 'enabled', subDevices: [identity(s01)] });
    expect(await lastValueFrom(gateway.login(s01))).toEqual(E.right(identity(s01)));
  });

  it('should end the session of a sub-device that does not answer after timeoutMs', async () => {
    await gatewayWithSession(false);
    const call = nextEvent(cloud, 'call', (e) => e.call === 'disableThing');
    await cloud.disableThing(s01, { timeoutMs: 100 });
    expect(await call).toMatchObject({ outcome: 'timeout' });
    expect((await firstValueFrom(cloud.devices$)).map(identity)).not.toContainEqual(identity(s01));
  });

  it('should tell a deleted sub-device, take it out of the topology, and forget it', async () => {
    const { gateway, notices, heard } = await gatewayWithSession();
    const lifecycle = nextEvent(cloud, 'lifecycle');
    await cloud.deleteDevice(s01);
    expect(notices).toEqual(['delete']);
    expect(await lifecycle).toEqual({ type: 'lifecycle', device: identity(s01), change: 'deleted' });
    expect(cloud.getThingTopo(GATEWAY)).toEqual([]);
    expect(await heard(1)).toEqual([{ status: 1, change: 'deleted', subDevices: [identity(s01)] }]);
    const again = await lastValueFrom(gateway.addTopology([s01]));
    expect(again).toEqual(E.left(expect.objectContaining({ code: ALINK_CODES.deviceNotFound })));
    await expect(cloud.deleteDevice(s01)).rejects.toThrow(DeviceNotFoundError);
  });

  it('should close a deleted device and refuse it as unknown from then on', async () => {
    await start(DIRECT);
    const gone = nextEvent(cloud, 'disconnect');
    const refused = nextEvent(cloud, 'refused');
    await cloud.deleteDevice(DIRECT);
    expect(await gone).toMatchObject({ reason: 'deleted' });
    expect(await refused).toMatchObject({ reason: 'unknown-device' });
  });

  it('should reject a device it does not know with DeviceNotFoundError', async () => {
    const nobody = { productKey: 'a1NobodyPK1', deviceName: 'x' };
    await expect(cloud.disableThing(nobody)).rejects.toThrow(DeviceNotFoundError);
    await expect(cloud.enableThing(nobody)).rejects.toThrow('device a1NobodyPK1/x does not exist');
  });
});
