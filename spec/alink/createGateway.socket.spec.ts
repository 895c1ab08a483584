// A gateway and its sub-devices from both ends: a device against the emulator, which keeps the topology and
// the sub-devices' sessions on the gateway's connection.
import * as E from 'fp-ts/Either';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  of,
  ReplaySubject,
  skip,
  take,
  throwError,
  toArray,
  type Subscription,
} from 'rxjs';
import { createGateway, type Gateway, type SubDeviceSecret } from '../../lib/alink/createGateway';
import { createThing } from '../../lib/alink/createThing';
import { fetchThingModel } from '../../lib/alink/fetchThingModel';
import { platformErrors } from '../../lib/alink/platformErrors';
import { ReplyError } from '../../lib/alink/ReplyError';
import { serveRrpc } from '../../lib/alink/serveRrpc';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { OutsideNamespaceError, PublishRefusedError } from '../../lib/connection/errors';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { alinkRequest } from '../../lib/protocol';

const GATEWAY = {
  productKey: 'a1GatewayPK',
  deviceName: 'gw01',
  deviceSecret: 'gateway-secret-0123456789abcdef',
};
const SUB_PK = 'a1SubPK0001';
const s01: SubDeviceSecret = { productKey: SUB_PK, deviceName: 's01', deviceSecret: 'sub-secret-s01' };
const s02: SubDeviceSecret = { productKey: SUB_PK, deviceName: 's02', deviceSecret: 'sub-secret-s02' };
const DYN_PK = 'a1DynSubPK1';
const DYN_SECRET = 'product-secret-of-dyn';
const identity = ({ productKey, deviceName }: { productKey: string; deviceName: string }) => ({
  productKey,
  deviceName,
});

const connected = (device: AliyunDevice) =>
  firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));

describe('createGateway against the emulator', () => {
  /** Whether the emulator lists the device online now (`devices$` replays the current list). */
  const isOnline = async ({ productKey, deviceName }: { productKey: string; deviceName: string }) =>
    (await firstValueFrom(cloud.devices$)).some(
      (d) => d.productKey === productKey && d.deviceName === deviceName,
    );

  let cloud: Emulator;
  let device: AliyunDevice;
  let gateway: Gateway;
  let events: EmulatorEvent[];
  const running: Subscription[] = [];

  beforeEach(async () => {
    cloud = await startEmulator({
      products: [
        { productKey: GATEWAY.productKey, devices: [GATEWAY] },
        {
          productKey: DYN_PK,
          productSecret: DYN_SECRET,
          dynamicRegistration: true,
          devices: [{ deviceName: 'p01' }, { deviceName: 'p02' }],
        },
        {
          productKey: SUB_PK,
          devices: [
            { deviceName: 's01', deviceSecret: s01.deviceSecret },
            { deviceName: 's02', deviceSecret: s02.deviceSecret },
            { deviceName: 's03' },
          ],
        },
      ],
    });
    events = [];
    running.push(cloud.events$.subscribe((event) => events.push(event)));
    device = createDevice({
      ...GATEWAY,
      endpoint: { url: cloud.url },
      checkNamespace: false,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, jitter: 'none' },
    });
    gateway = createGateway(device, { timeoutMs: 5000 });
    device.start();
    await connected(device);
  });

  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    await device.close();
    await cloud.close();
  });

  it('should add sub-devices to the topology with their signs, list them, and delete them', async () => {
    expect(await lastValueFrom(gateway.addTopology([s01, s02]))).toEqual(
      E.right([identity(s01), identity(s02)]),
    );
    expect(await lastValueFrom(gateway.getTopology())).toEqual(E.right([identity(s01), identity(s02)]));
    expect(cloud.getThingTopo(GATEWAY)).toEqual([identity(s01), identity(s02)]);

    expect(await lastValueFrom(gateway.deleteTopology([s02]))).toEqual(E.right([identity(s02)]));
    expect(await lastValueFrom(gateway.getTopology())).toEqual(E.right([identity(s01)]));
    expect(events.filter((e) => e.type === 'topology')).toEqual([
      {
        type: 'topology',
        gateway: identity(GATEWAY),
        change: 'added',
        devices: [identity(s01), identity(s02)],
      },
      { type: 'topology', gateway: identity(GATEWAY), change: 'removed', devices: [identity(s02)] },
    ]);
  });

  it('should be refused a wrong sign (460) and an unknown sub-device (6100), the topology unchanged', async () => {
    const wrong = await lastValueFrom(gateway.addTopology([{ ...s01, deviceSecret: 'not-its-secret' }]));
    expect(wrong).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 460 })));
    const unknown = await lastValueFrom(gateway.addTopology([{ ...s01, deviceName: 'nobody' }]));
    expect(unknown).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6100 })));
    expect(cloud.getThingTopo(GATEWAY)).toEqual([]);
    // The refusal names the sub-device, never its secret.
    expect(JSON.stringify(wrong)).not.toContain('not-its-secret');
  });

  it('should refuse more sub-devices than a request may hold, before anything is sent', () => {
    const many = Array.from({ length: 31 }, (_, i) => ({ ...s01, deviceName: `s${i}` }));
    expect(() => gateway.addTopology(many)).toThrow(RangeError);
    expect(() => gateway.loginAll([])).toThrow('loginAll takes 1 to 50 sub-devices, not 0');
    const products = many.map((sub) => ({ ...sub, productSecret: 'x' }));
    expect(() => gateway.provisionSubDevices(products)).toThrow(
      'provisionSubDevices takes 1 to 30 sub-devices, not 31',
    );
  });

  it("should log a sub-device in and carry its own services: a property post, its thing model, the cloud's RRPC", async () => {
    await lastValueFrom(gateway.addTopology([s01]));
    const sensor = gateway.subDevice(s01);
    running.push(sensor.session().subscribe());
    // A second subscriber shares the session: it gets the login's result, and leaving does not log out.
    expect(await firstValueFrom(sensor.session())).toEqual(E.right(identity(s01)));
    expect(await isOnline(s01)).toBe(true);
    const online = await firstValueFrom(cloud.devices$);
    expect(online.map(identity)).toEqual(expect.arrayContaining([identity(GATEWAY), identity(s01)]));

    // The cloud hears the post as the sub-device's, and answers it on the sub-device's reply topic.
    const heard = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic === sensor.topics.propertyPost)));
    const posted = await lastValueFrom(createThing(sensor).postProperties({ temp: 21.5 }));
    expect(posted).toEqual(E.right(expect.anything()));
    expect(await heard).toMatchObject({ productKey: SUB_PK, deviceName: 's01', clientId: `${SUB_PK}&s01` });
    // Its thing model is its own product's, not the gateway's.
    expect(await lastValueFrom(fetchThingModel(sensor))).toEqual(
      E.right(expect.objectContaining({ productKey: SUB_PK })),
    );

    // System RRPC to the sub-device goes to the gateway's connection.
    running.push(serveRrpc(sensor, (request) => of(`pong ${String(request.payload)}`)).subscribe());
    await firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(sensor.topics.rrpcRequestFilter)),
      ),
    );
    expect(String(await cloud.rrpc(s01, 'ping'))).toBe('pong ping');
  });

  it('should drop a publish for a sub-device of the topology without a session, report 520, and stay connected', async () => {
    await lastValueFrom(gateway.addTopology([s01]));
    const reported = firstValueFrom(platformErrors(device).pipe(filter(E.isRight)));
    const sensor = gateway.subDevice(s01);
    await lastValueFrom(
      sensor.publish({ topic: sensor.topics.propertyPost, payload: { id: '1', params: {} }, qos: 1 }),
    );
    const error = await reported;
    expect(error).toEqual(E.right(expect.objectContaining({ code: 520 })));
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'violation',
        reason: 'no-session',
        topic: sensor.topics.propertyPost,
        action: 'dropped',
      }),
    );
    expect(events.some((e) => e.type === 'disconnect')).toBe(false);
    // Outside the topology, the login itself is refused: 6401.
    const login = await lastValueFrom(gateway.login(s02));
    expect(login).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6401 })));
  });

  it('should log its sub-devices in again after the gateway reconnects, and out when unsubscribed', async () => {
    await lastValueFrom(gateway.addTopology([s01]));
    const sensor = gateway.subDevice(s01, { cleanSession: false });
    const twice = firstValueFrom(sensor.session().pipe(filter(E.isRight), take(2), toArray()));
    const session = sensor.session().subscribe();
    running.push(session);
    // A service of the sub-device, its subscription made again with the gateway's after the reconnect.
    const served: ServeOutcome[] = [];
    running.push(serveRrpc(sensor, () => of('pong')).subscribe((outcome) => served.push(outcome)));
    // The first login's reply in before the connection drops (a reply lost with it is no login for the device).
    await firstValueFrom(sensor.session());
    await cloud.disconnect(GATEWAY);
    expect(await twice).toEqual([E.right(identity(s01)), E.right(identity(s01))]);
    expect(
      events
        .filter((e) => e.type === 'sub-device-logout')
        .map((e) => e.type === 'sub-device-logout' && e.reason),
    ).toContain('gateway-disconnected');
    await firstValueFrom(cloud.devices$.pipe(filter((list) => list.some((d) => d.deviceName === 's01'))));
    expect(String(await cloud.rrpc(s01, 'ping', { timeoutMs: 3000 }))).toBe('pong');
    expect(served).toEqual([expect.objectContaining({ _tag: 'Answered' })]);

    session.unsubscribe();
    const out = await firstValueFrom(
      cloud.events$.pipe(filter((e) => e.type === 'sub-device-logout' && e.reason === 'logout')),
    );
    expect(out).toMatchObject({ device: { productKey: SUB_PK, deviceName: 's01' } });
  });

  it('should log several in at once, all or nothing, and out again', async () => {
    await lastValueFrom(gateway.addTopology([s01, s02]));
    const refused = await lastValueFrom(gateway.loginAll([s01, { ...s02, deviceSecret: 'wrong' }]));
    expect(refused).toEqual(E.left(expect.objectContaining({ code: 460 })));
    expect(await isOnline(s01)).toBe(false);

    expect(await lastValueFrom(gateway.loginAll([s01, s02]))).toEqual(
      E.right([identity(s01), identity(s02)]),
    );
    expect([await isOnline(s01), await isOnline(s02)]).toEqual([true, true]);
    expect(await lastValueFrom(gateway.logoutAll([s01, s02]))).toEqual(
      E.right([identity(s01), identity(s02)]),
    );
    expect([await isOnline(s01), await isOnline(s02)]).toEqual([false, false]);
  });

  it('should register a sub-device that has no secret, which then logs in with the one it got', async () => {
    const registered = await lastValueFrom(
      gateway.registerSubDevices([{ productKey: SUB_PK, deviceName: 's03' }]),
    );
    if (E.isLeft(registered)) throw new Error(`registration failed: ${registered.left._tag}`);
    const [s03] = registered.right;
    expect(s03).toEqual({
      productKey: SUB_PK,
      deviceName: 's03',
      deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    await lastValueFrom(gateway.addTopology([s03!]));
    expect(await lastValueFrom(gateway.login(s03!))).toEqual(E.right(identity(s03!)));
    expect(await isOnline(s03!)).toBe(true);
    // A secret is given out once: a sub-device that has one is refused.
    const again = await lastValueFrom(gateway.registerSubDevices([identity(s01)]));
    expect(again).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 460 })));
    expect(JSON.stringify(again)).not.toContain(s01.deviceSecret);
  });

  it('should reply with the failure of a topology change handler that fails', async () => {
    const outcome = firstValueFrom(
      gateway.serveTopologyChanges(() => throwError(() => new ReplyError(100001, 'cannot forget it now'))),
    );
    await firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.topoChange)),
      ),
    );
    await lastValueFrom(gateway.addTopology([s01]));
    const answered = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === device.topics.topoChangeReply)),
    );
    await cloud.removeThingTopo(s01);
    expect(await outcome).toMatchObject({ _tag: 'Failed', code: 100001, message: 'cannot forget it now' });
    expect(JSON.parse(String((await answered).payload))).toMatchObject({
      code: 100001,
      message: 'cannot forget it now',
    });
  });

  it('should register sub-devices with their product secret, and refuse a wrong sign or an unknown device', async () => {
    const p01 = { productKey: DYN_PK, deviceName: 'p01', productSecret: DYN_SECRET };
    const result = await lastValueFrom(
      gateway.provisionSubDevices([
        p01,
        { ...p01, deviceName: 'p02', productSecret: 'not-it' },
        { ...p01, deviceName: 'nobody' },
        // A product without dynamic registration.
        { productKey: SUB_PK, deviceName: 's03', productSecret: 'whatever' },
      ]),
    );
    if (E.isLeft(result)) throw new Error(`provisioning failed: ${result.left._tag}`);
    expect(result.right).toEqual({
      registered: [
        { productKey: DYN_PK, deviceName: 'p01', deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) },
      ],
      refused: [
        { productKey: DYN_PK, deviceName: 'p02', code: 6601, message: 'sign check failed' },
        { productKey: DYN_PK, deviceName: 'nobody', code: 6100, message: 'device not found' },
        {
          productKey: SUB_PK,
          deviceName: 's03',
          code: 6250,
          message: 'dynamic registration is not enabled for the product',
        },
      ],
    });
    const [registered] = result.right.registered;
    expect(await lastValueFrom(gateway.addTopology([registered!]))).toEqual(E.right([identity(registered!)]));
    expect(await lastValueFrom(gateway.login(registered!))).toEqual(E.right(identity(registered!)));
    // Registered once: again, it is refused.
    const again = await lastValueFrom(gateway.provisionSubDevices([p01]));
    expect(again).toEqual(
      E.right({ registered: [], refused: [expect.objectContaining({ deviceName: 'p01', code: 6289 })] }),
    );
  });

  it("should serve the cloud's topology change and lose the sub-device's session with it", async () => {
    await lastValueFrom(gateway.addTopology([s01]));
    await lastValueFrom(gateway.login(s01));
    const changes: unknown[] = [];
    const outcome = firstValueFrom(
      gateway.serveTopologyChanges((change) => {
        changes.push(change);
        return of('handled');
      }),
    );
    await firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.topoChange)),
      ),
    );
    const answered = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === device.topics.topoChangeReply)),
    );
    expect(await cloud.removeThingTopo(s01)).toBe(true);
    expect(await outcome).toMatchObject({ _tag: 'Answered', topic: device.topics.topoChange });
    expect(changes).toEqual([{ status: 1, change: 'deleted', subDevices: [identity(s01)] }]);
    expect(JSON.parse(String((await answered).payload))).toMatchObject({ code: 200, data: {} });
    expect(await isOnline(s01)).toBe(false);
    expect(cloud.getThingTopo(GATEWAY)).toEqual([]);
    expect(await cloud.removeThingTopo(s01)).toBe(false);
  });

  it("should end a session the cloud ends by removing the topology, log in again when the cloud adds it back, and end at the gateway's own delete", async () => {
    await lastValueFrom(gateway.addTopology([s01]));
    // Every result of the session, in order: the n-th is `result(n)`.
    const results = new ReplaySubject<unknown>();
    const result = (n: number) => firstValueFrom(results.pipe(skip(n)));
    // The session hears the cloud's changes: it subscribes their topic.
    const hearing = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.topoChange)),
      ),
    );
    running.push(gateway.subDevice(s01).session().subscribe(results));
    expect(await result(0)).toEqual(E.right(identity(s01)));
    await hearing;

    expect(await cloud.removeThingTopo(s01)).toBe(true);
    expect(await result(1)).toEqual(
      E.left({ _tag: 'LoggedOutFailure', productKey: SUB_PK, deviceName: 's01', change: 'deleted' }),
    );
    expect(await isOnline(s01)).toBe(false);

    // The cloud adds it back (the console would): the session logs in by itself.
    expect(await lastValueFrom(gateway.addTopology([s01]))).toEqual(E.right([identity(s01)]));
    const created = alinkRequest({
      id: '77',
      method: 'thing.topo.change',
      params: { status: 0, subList: [identity(s01)] },
    });
    await cloud.publish(device.topics.topoChange, created, { qos: 1 });
    expect(await result(2)).toEqual(E.right(identity(s01)));
    expect(await isOnline(s01)).toBe(true);

    // The gateway's own delete logs it out too, whether or not the cloud says so on thing.topo.change.
    expect(await lastValueFrom(gateway.deleteTopology([s01]))).toEqual(E.right([identity(s01)]));
    expect(await result(3)).toEqual(
      E.left({ _tag: 'LoggedOutFailure', productKey: SUB_PK, deviceName: 's01', change: 'deleted' }),
    );
    expect(await isOnline(s01)).toBe(false);
  });

  it("should refuse a sub-device's topics and filters outside its own namespace, before anything is sent", async () => {
    const sensor = gateway.subDevice(s01);
    await expect(
      lastValueFrom(sensor.publish({ topic: device.topics.propertyPost, payload: '{}' })),
    ).rejects.toBeInstanceOf(PublishRefusedError);
    await expect(lastValueFrom(sensor.observe('/sys/a1GatewayPK/gw01/#'))).rejects.toBeInstanceOf(
      OutsideNamespaceError,
    );
    expect(sensor.topics.propertyPost).toBe(`/sys/${SUB_PK}/s01/thing/event/property/post`);
  });
});
