// Sub-devices a gateway finds, and the cloud asking it to add them, from both ends: a gateway against the
// emulator (`thing.list.found`, then `thing.topo.add.notify` answered by adding them with `thing.topo.add`).
import * as E from 'fp-ts/Either';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  map,
  ReplaySubject,
  take,
  toArray,
  type Subscription,
} from 'rxjs';
import { createGateway, type Gateway, type SubDeviceSecret } from '../../lib/alink/createGateway';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { ReplyTimeoutError, startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import type { DeviceIdentity } from '../../lib/identity';
import { alinkRequest } from '../../lib/protocol';

const GATEWAY = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gateway-secret-0123' };
const SUB_PK = 'a1SubPK0001';
const lamp1: SubDeviceSecret = { productKey: SUB_PK, deviceName: 'lamp-01', deviceSecret: 'lamp-01-secret' };
const lamp2: SubDeviceSecret = { productKey: SUB_PK, deviceName: 'lamp-02', deviceSecret: 'lamp-02-secret' };
const identity = ({ productKey, deviceName }: DeviceIdentity): DeviceIdentity => ({ productKey, deviceName });

describe('createGateway: found sub-devices and the cloud asking to add them', () => {
  let cloud: Emulator;
  let device: AliyunDevice;
  let gateway: Gateway;
  let events: EmulatorEvent[];
  const running: Subscription[] = [];

  beforeEach(async () => {
    cloud = await startEmulator({
      products: [
        { productKey: GATEWAY.productKey, devices: [GATEWAY] },
        { productKey: SUB_PK, devices: [lamp1, lamp2] },
      ],
    });
    events = [];
    running.push(cloud.events$.subscribe((event) => events.push(event)));
    device = createDevice({
      ...GATEWAY,
      endpoint: { url: cloud.url },
      checkNamespace: false,
      reconnect: false,
    });
    gateway = createGateway(device, { timeoutMs: 5000 });
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
  });

  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    await device.close();
    await cloud.close();
  });

  /**
   * Serves the cloud's requests to add sub-devices with `handler`, once the topic is subscribed; `outcomes(n)`
   * resolves with the first `n` outcomes (each comes once its reply is acknowledged).
   */
  const serving = async (handler: (subs: readonly DeviceIdentity[]) => Promise<unknown>) => {
    const outcomes$ = new ReplaySubject<ServeOutcome>();
    const subscribed = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.topoAddNotify)),
      ),
    );
    running.push(gateway.serveTopologyAddNotify(handler).subscribe(outcomes$));
    await subscribed;
    return (n: number) => firstValueFrom(outcomes$.pipe(take(n), toArray()));
  };

  it('should report what it found, which the cloud keeps once each, first found first', async () => {
    expect(await lastValueFrom(gateway.reportFoundSubDevices([lamp2]))).toEqual(E.right([identity(lamp2)]));
    expect(await lastValueFrom(gateway.reportFoundSubDevices([lamp1, lamp2]))).toEqual(
      E.right([identity(lamp1), identity(lamp2)]),
    );
    expect(cloud.foundSubDevices(GATEWAY)).toEqual([identity(lamp2), identity(lamp1)]);
    expect(events.filter((e) => e.type === 'sub-devices-found')).toEqual([
      { type: 'sub-devices-found', gateway: identity(GATEWAY), devices: [identity(lamp2)] },
      {
        type: 'sub-devices-found',
        gateway: identity(GATEWAY),
        devices: [identity(lamp1), identity(lamp2)],
      },
    ]);
    // Only found: not in the topology until the gateway adds them.
    expect(cloud.getThingTopo(GATEWAY)).toEqual([]);
  });

  it('should be refused an unknown product (6250) and a name that is no device name (6280), nothing kept', async () => {
    const unknown = await lastValueFrom(
      gateway.reportFoundSubDevices([{ productKey: 'a1NoSuchPK1', deviceName: 'lamp-09' }]),
    );
    expect(unknown).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6250 })));
    const badName = await lastValueFrom(
      gateway.reportFoundSubDevices([identity(lamp1), { productKey: SUB_PK, deviceName: 'l/1' }]),
    );
    expect(badName).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6280 })));
    expect(cloud.foundSubDevices(GATEWAY)).toEqual([]);
  });

  it('should report an empty found list, as the platform allows (its params may be empty)', async () => {
    expect(await lastValueFrom(gateway.reportFoundSubDevices([]))).toEqual(E.right([]));
    expect(cloud.foundSubDevices(GATEWAY)).toEqual([]);
  });

  it('should add the sub-devices the cloud asks for, and answer 200 once they are added', async () => {
    const secrets = new Map([lamp1, lamp2].map((sub) => [sub.deviceName, sub]));
    const outcomes = await serving((subs) =>
      lastValueFrom(
        gateway.addTopology(subs.map((sub) => secrets.get(sub.deviceName)!)).pipe(
          map((added) => {
            if (E.isLeft(added)) throw new Error(`not added: ${added.left._tag}`);
            return added.right;
          }),
        ),
      ),
    );
    await lastValueFrom(gateway.reportFoundSubDevices([lamp1, lamp2]));

    const reply = await cloud.notifyAddThingTopo(GATEWAY, cloud.foundSubDevices(GATEWAY));
    expect(reply).toMatchObject({ code: 200 });
    expect(cloud.getThingTopo(GATEWAY)).toEqual([identity(lamp1), identity(lamp2)]);
    expect(await outcomes(1)).toEqual([
      expect.objectContaining({ _tag: 'Answered', topic: device.topics.topoAddNotify }),
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'call', call: 'notifyAddThingTopo', outcome: 'answered' }),
    );
  });

  it("should reply the handler's failure, and a request that does not decode with 460", async () => {
    const outcomes = await serving(() => Promise.reject(new Error('no secret for it')));
    const reply = await cloud.notifyAddThingTopo(GATEWAY, [identity(lamp1)]);
    expect(reply).toMatchObject({ code: 400, message: expect.stringContaining('no secret for it') });
    expect(cloud.getThingTopo(GATEWAY)).toEqual([]);

    const replies = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === device.topics.topoAddNotifyReply)),
    );
    await cloud.publish(
      device.topics.topoAddNotify,
      alinkRequest({ id: '77', method: 'thing.topo.add.notify', params: { not: 'a list' } }),
      { qos: 1 },
    );
    expect(JSON.parse(String((await replies).payload))).toMatchObject({ id: '77', code: 460 });
    expect((await outcomes(2)).map((o) => o._tag)).toEqual(['Failed', 'Failed']);
  });

  it('should time out a gateway that does not answer, and refuse an empty list at once', async () => {
    // The gateway serves nothing: the notify goes unanswered.
    await expect(cloud.notifyAddThingTopo(GATEWAY, [identity(lamp1)], { timeoutMs: 50 })).rejects.toThrow(
      ReplyTimeoutError,
    );
    await expect(cloud.notifyAddThingTopo(GATEWAY, [])).rejects.toThrow(TypeError);
  });

  it('should stop serving when unsubscribed: the next request goes unanswered', async () => {
    const served: (readonly DeviceIdentity[])[] = [];
    await serving(async (subs) => served.push(subs));
    await cloud.notifyAddThingTopo(GATEWAY, [identity(lamp1)]);
    running.pop()?.unsubscribe();
    await firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'unsubscribe'),
        take(1),
      ),
    );
    await expect(cloud.notifyAddThingTopo(GATEWAY, [identity(lamp2)], { timeoutMs: 50 })).rejects.toThrow(
      ReplyTimeoutError,
    );
    expect(served).toEqual([[identity(lamp1)]]);
  });

  it('should not throw from the handler synchronously into the stream', async () => {
    const outcomes = await serving(() => {
      throw new Error('boom');
    });
    const reply = await cloud.notifyAddThingTopo(GATEWAY, [identity(lamp1)]);
    expect(reply).toMatchObject({ code: 400, message: expect.stringContaining('boom') });
    expect(await outcomes(1)).toEqual([expect.objectContaining({ _tag: 'Failed' })]);
  });
});
