// The cloud side of gateways, driven by raw MQTT.js with the payloads the platform documents: the topology,
// sub-device logins on the gateway's connection, and what a session lets through.
import mqtt, { type MqttClient } from 'mqtt';
import { filter, firstValueFrom } from 'rxjs';
import { startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { subDeviceSign } from '../../lib/protocol';
import type { DeviceIdentity } from '../../lib/identity';
import type { DeviceCredential } from '../../lib/identity/secretStore';
import { registrationSign } from '../../lib/identity/registrationCredentials';

const GW1 = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gw01-secret' };
const GW2 = { productKey: 'a1GatewayPK', deviceName: 'gw02', deviceSecret: 'gw02-secret' };
const SUB_PK = 'a1SubPK0001';
const secrets: Record<string, string> = { s01: 'sub-secret-s01', s02: 'sub-secret-s02' };

/** A sub-device's signed fields as the Link SDK sends them: a numeric timestamp, a camel-case method. */
function signed(deviceName: string, method: 'hmacmd5' | 'hmacsha1', secret = secrets[deviceName]!) {
  const fields = {
    productKey: SUB_PK,
    deviceName,
    clientId: `${SUB_PK}&${deviceName}`,
    timestamp: '1700000000000',
  };
  return { ...fields, timestamp: 1700000000000, sign: subDeviceSign(method, secret, fields) };
}

describe('cloudGateway', () => {
  let cloud: Emulator;
  let events: EmulatorEvent[];
  const clients: MqttClient[] = [];
  let id = 0;

  const connect = async (gateway: typeof GW1) => {
    const client = await mqtt.connectAsync(cloud.url, {
      ...mqttCredentials(gateway),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  };

  /** Publishes `payload` (its `id` set) on `topic` and resolves with the parsed reply on `${topic}_reply`. */
  const ask = async (client: MqttClient, topic: string, payload: Record<string, unknown>) => {
    const reply = `${topic}_reply`;
    await client.subscribeAsync(reply, { qos: 1 });
    const messageId = String(++id);
    const answered = new Promise<Record<string, unknown>>((resolve) => {
      const onMessage = (t: string, body: Buffer) => {
        const json = JSON.parse(String(body)) as Record<string, unknown>;
        if (t !== reply || json['id'] !== messageId) return;
        client.removeListener('message', onMessage);
        resolve(json);
      };
      client.on('message', onMessage);
    });
    await client.publishAsync(topic, JSON.stringify({ ...payload, id: messageId }), { qos: 1 });
    return answered;
  };

  const topoAdd = (client: MqttClient, gateway: typeof GW1, params: unknown[]) =>
    ask(client, `/sys/${gateway.productKey}/${gateway.deviceName}/thing/topo/add`, {
      version: '1.0',
      params,
      method: 'thing.topo.add',
    });
  const session = (gateway: typeof GW1, action: string) =>
    `/ext/session/${gateway.productKey}/${gateway.deviceName}/combine/${action}`;

  beforeEach(async () => {
    cloud = await startEmulator({
      products: [
        { productKey: GW1.productKey, devices: [GW1, GW2] },
        {
          productKey: SUB_PK,
          topicClasses: [{ topic: 'user/get', access: 'sub' }],
          devices: Object.entries(secrets).map(([deviceName, deviceSecret]) => ({
            deviceName,
            deviceSecret,
          })),
        },
      ],
    });
    events = [];
    cloud.events$.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
    await cloud.close();
  });

  it('should add to the topology from the documented payload, and answer a login with the sub-device', async () => {
    const gw = await connect(GW1);
    const { sign, ...entry } = signed('s01', 'hmacsha1');
    const added = await topoAdd(gw, GW1, [{ ...entry, signmethod: 'hmacSha1', sign }]);
    expect(added).toEqual({
      id: expect.any(String),
      code: 200,
      data: [{ productKey: SUB_PK, deviceName: 's01' }],
      message: 'success',
      method: 'thing.topo.add',
      version: '1.0',
    });
    expect(cloud.getThingTopo(GW1)).toEqual([{ productKey: SUB_PK, deviceName: 's01' }]);

    // `{id, params}` only, as the platform documents a login.
    const login = await ask(gw, session(GW1, 'login'), {
      params: { ...signed('s01', 'hmacmd5'), signMethod: 'hmacMd5', cleanSession: 'true' },
    });
    expect(login).toMatchObject({ code: 200, data: { productKey: SUB_PK, deviceName: 's01' } });
    expect(events).toContainEqual({
      type: 'sub-device-login',
      gateway: { productKey: GW1.productKey, deviceName: GW1.deviceName, clientId: `${GW1.productKey}.gw01` },
      device: { productKey: SUB_PK, deviceName: 's01', clientId: `${SUB_PK}&s01` },
    });
  });

  it("should carry a sub-device's traffic both ways while it is logged in, and nothing before or after", async () => {
    const gw = await connect(GW1);
    const { sign, ...entry } = signed('s01', 'hmacmd5');
    await topoAdd(gw, GW1, [{ ...entry, signmethod: 'hmacmd5', sign }]);
    const userGet = `/${SUB_PK}/s01/user/get`;
    // A device outside the topology: its topics may not be subscribed (SUBACK 128).
    const other = `/${SUB_PK}/s02/user/get`;
    await expect(gw.subscribeAsync(other, { qos: 1 })).rejects.toThrow('Subscribe error');
    expect(events).toContainEqual(expect.objectContaining({ type: 'subscription-refused', filter: other }));
    // The topology's may, logged in or not (a gateway's subscriptions come back before its logins).
    expect((await gw.subscribeAsync(userGet, { qos: 1 }))[0]?.qos).toBe(1);
    const received: string[] = [];
    gw.on('message', (topic, payload) => topic === userGet && received.push(String(payload)));
    // A marker on the gateway's own topic, sent after: on one connection, what was let through is in first.
    const own = `/${GW1.productKey}/${GW1.deviceName}/user/get`;
    await gw.subscribeAsync(own, { qos: 1 });
    const marker = () =>
      new Promise<void>((resolve) => {
        const onMessage = (topic: string) =>
          topic === own && (gw.removeListener('message', onMessage), resolve());
        gw.on('message', onMessage);
        void cloud.publish(own, 'marker', { qos: 1 });
      });
    // Nothing flows before the login.
    await cloud.publish(userGet, 'zero', { qos: 1 });
    await marker();
    expect(received).toEqual([]);

    await ask(gw, session(GW1, 'login'), { params: { ...signed('s01', 'hmacmd5'), signMethod: 'hmacmd5' } });

    // Up: heard as the sub-device's.
    const heard = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === `/sys/${SUB_PK}/s01/thing/event/property/post`)),
    );
    await gw.publishAsync(
      `/sys/${SUB_PK}/s01/thing/event/property/post`,
      JSON.stringify({ id: '9', params: {} }),
      { qos: 1 },
    );
    expect(await heard).toMatchObject({ productKey: SUB_PK, deviceName: 's01', clientId: `${SUB_PK}&s01` });

    // Down: while logged in, and not after the logout, though the subscription stays.
    await cloud.publish(userGet, 'one', { qos: 1 });
    await marker();
    expect(received).toEqual(['one']);
    const logout = await ask(gw, session(GW1, 'logout'), {
      params: { productKey: SUB_PK, deviceName: 's01' },
    });
    expect(logout).toMatchObject({ code: 200, data: { productKey: SUB_PK, deviceName: 's01' } });
    await cloud.publish(userGet, 'two', { qos: 1 });
    await marker();
    expect(received).toEqual(['one']);
  });

  it('should log a batch in all or nothing, and refuse a login outside the topology with 6401', async () => {
    const gw = await connect(GW1);
    const entries = ['s01', 's02'].map((name) => {
      const { sign, ...entry } = signed(name, 'hmacsha1');
      return { ...entry, signmethod: 'hmacsha1', sign };
    });
    await topoAdd(gw, GW1, entries);
    const { sign: _, ...s02 } = signed('s02', 'hmacsha1');
    const refused = await ask(gw, session(GW1, 'batch_login'), {
      params: { signMethod: 'hmacSha1', deviceList: [signed('s01', 'hmacsha1'), { ...s02, sign: 'f00' }] },
    });
    expect(refused).toMatchObject({ code: 460 });
    expect(events.some((e) => e.type === 'sub-device-login')).toBe(false);
    const both = await ask(gw, session(GW1, 'batch_login'), {
      params: { signMethod: 'hmacSha1', deviceList: [signed('s01', 'hmacsha1'), signed('s02', 'hmacsha1')] },
    });
    expect(both).toMatchObject({ code: 200, data: [{ deviceName: 's01' }, { deviceName: 's02' }] });

    const other = await connect(GW2);
    const outside = await ask(other, session(GW2, 'login'), {
      params: { ...signed('s01', 'hmacmd5'), signMethod: 'hmacmd5' },
    });
    expect(outside).toMatchObject({ code: 6401 });
  });

  it('should move a sub-device to the gateway that adds it, ending its session on the first, and tell the first', async () => {
    const gw1 = await connect(GW1);
    const { sign, ...entry } = signed('s01', 'hmacmd5');
    await topoAdd(gw1, GW1, [{ ...entry, signmethod: 'hmacmd5', sign }]);
    await ask(gw1, session(GW1, 'login'), { params: { ...signed('s01', 'hmacmd5'), signMethod: 'hmacmd5' } });
    const topoChange = `/sys/${GW1.productKey}/${GW1.deviceName}/thing/topo/change`;
    await gw1.subscribeAsync(topoChange, { qos: 1 });
    const told = new Promise<Record<string, unknown>>((resolve) =>
      gw1.on('message', (topic, body) => topic === topoChange && resolve(JSON.parse(String(body)))),
    );
    const gw2 = await connect(GW2);
    await topoAdd(gw2, GW2, [{ ...entry, signmethod: 'hmacmd5', sign }]);
    expect(await told).toMatchObject({
      method: 'thing.topo.change',
      params: { status: 1, subList: [{ productKey: SUB_PK, deviceName: 's01' }] },
    });
    expect(cloud.getThingTopo(GW1)).toEqual([]);
    expect(cloud.getThingTopo(GW2)).toEqual([{ productKey: SUB_PK, deviceName: 's01' }]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'sub-device-logout', reason: 'topology-removed' }),
    );
    const list = await firstValueFrom(cloud.devices$);
    expect(list.some((d) => d.deviceName === 's01')).toBe(false);
  });

  it("should leave another gateway's sub-device logged in when a gateway logs it out", async () => {
    const gw1 = await connect(GW1);
    const { sign, ...entry } = signed('s01', 'hmacmd5');
    await topoAdd(gw1, GW1, [{ ...entry, signmethod: 'hmacmd5', sign }]);
    await ask(gw1, session(GW1, 'login'), { params: { ...signed('s01', 'hmacmd5'), signMethod: 'hmacmd5' } });
    const gw2 = await connect(GW2);
    await ask(gw2, session(GW2, 'logout'), { params: { productKey: SUB_PK, deviceName: 's01' } });
    await ask(gw2, session(GW2, 'batch_logout'), { params: [{ productKey: SUB_PK, deviceName: 's01' }] });
    expect(events.some((e) => e.type === 'sub-device-logout')).toBe(false);
    expect((await firstValueFrom(cloud.devices$)).map((d) => d.deviceName)).toContain('s01');
  });

  it('should have one login of a sub-device at a time: through its gateway, or by itself', async () => {
    const gw = await connect(GW1);
    const { sign, ...entry } = signed('s01', 'hmacmd5');
    await topoAdd(gw, GW1, [{ ...entry, signmethod: 'hmacmd5', sign }]);
    const direct = await connect({ productKey: SUB_PK, deviceName: 's01', deviceSecret: secrets['s01']! });
    const directClosed = new Promise<void>((resolve) => direct.once('close', () => resolve()));
    await ask(gw, session(GW1, 'login'), { params: { ...signed('s01', 'hmacmd5'), signMethod: 'hmacmd5' } });
    await directClosed;
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'disconnect',
        device: expect.objectContaining({ deviceName: 's01' }),
        reason: 'kicked',
      }),
    );
    // And the other way: a login of its own ends the gateway's session of it.
    await connect({ productKey: SUB_PK, deviceName: 's01', deviceSecret: secrets['s01']! });
    expect(events).toContainEqual(expect.objectContaining({ type: 'sub-device-logout', reason: 'kicked' }));
    const names = (await firstValueFrom(cloud.devices$)).map((d) => d.deviceName);
    expect(names.filter((name) => name === 's01')).toHaveLength(1);
  });

  it('should log in at most 2000 sub-devices through one gateway, a batch past it not at all', async () => {
    await cloud.close();
    const names = Array.from({ length: 2001 }, (_, i) => `sub${String(i).padStart(4, '0')}`);
    const secretOf = (name: string) => `secret-${name}`;
    cloud = await startEmulator({
      products: [
        { productKey: GW1.productKey, devices: [GW1] },
        {
          productKey: SUB_PK,
          devices: names.map((deviceName) => ({ deviceName, deviceSecret: secretOf(deviceName) })),
        },
      ],
    });
    const gw = await connect(GW1);
    const chunks = <T>(list: readonly T[], size: number) =>
      Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
    for (const chunk of chunks(names, 30)) {
      const added = await topoAdd(
        gw,
        GW1,
        chunk.map((name) => {
          const { sign, ...entry } = signed(name, 'hmacmd5', secretOf(name));
          return { ...entry, signmethod: 'hmacmd5', sign };
        }),
      );
      expect(added).toMatchObject({ code: 200 });
    }
    const batch = (list: readonly string[]) =>
      ask(gw, session(GW1, 'batch_login'), {
        params: {
          signMethod: 'hmacmd5',
          deviceList: list.map((name) => signed(name, 'hmacmd5', secretOf(name))),
        },
      });
    for (const chunk of chunks(names.slice(0, 2000), 50))
      expect(await batch(chunk)).toMatchObject({ code: 200 });
    // One more, with one already online: refused whole, and nobody's session changed.
    expect(await batch([names[2000]!, names[0]!])).toMatchObject({ code: 429 });
    const online = await firstValueFrom(cloud.devices$);
    expect(online.filter((d) => d.productKey === SUB_PK)).toHaveLength(2000);
    expect(online.some((d) => d.deviceName === names[2000])).toBe(false);
  }, 60_000);

  it('should answer 500 when the secret of a registration cannot be kept, and give out none', async () => {
    await cloud.close();
    const failing = {
      load: () => Promise.resolve(undefined),
      save: () => Promise.reject(new Error('disk full')),
    };
    cloud = await startEmulator({
      products: [
        { productKey: GW1.productKey, devices: [GW1] },
        { productKey: SUB_PK, devices: [{ deviceName: 'fresh1' }] },
      ],
      secretStore: failing,
    });
    const gw = await connect(GW1);
    const reply = await ask(gw, `/sys/${GW1.productKey}/gw01/thing/sub/register`, {
      version: '1.0',
      params: [{ productKey: SUB_PK, deviceName: 'fresh1' }],
      method: 'thing.sub.register',
    });
    expect(reply).toMatchObject({ code: 500, message: 'Error: disk full' });
    expect(reply['data']).toEqual({});
  });

  it('should give out one secret when two registrations of a sub-device cross', async () => {
    await cloud.close();
    // A store that takes its time, so that the second request comes while the first is being kept.
    const slow = {
      load: () => Promise.resolve(undefined),
      save: () => new Promise<void>((resolve) => setTimeout(resolve, 50)),
    };
    cloud = await startEmulator({
      products: [
        { productKey: GW1.productKey, devices: [GW1] },
        { productKey: SUB_PK, devices: [{ deviceName: 'fresh1' }] },
      ],
      secretStore: slow,
    });
    const gw = await connect(GW1);
    const register = () =>
      ask(gw, `/sys/${GW1.productKey}/gw01/thing/sub/register`, {
        version: '1.0',
        params: [{ productKey: SUB_PK, deviceName: 'fresh1' }],
        method: 'thing.sub.register',
      });
    const codes = (await Promise.all([register(), register()])).map((reply) => reply['code']).sort();
    expect(codes).toEqual([200, 460]);
  });

  it('should refuse a proxied registration apart, and one a secret store kept from an earlier run', async () => {
    await cloud.close();
    const kept = new Map<string, DeviceCredential>();
    const store = {
      load: (d: DeviceIdentity) => Promise.resolve(kept.get(`${d.productKey}/${d.deviceName}`)),
      save: (d: DeviceIdentity, c: DeviceCredential) =>
        Promise.resolve(void kept.set(`${d.productKey}/${d.deviceName}`, c)),
    };
    const products = [
      { productKey: GW1.productKey, devices: [GW1] },
      {
        productKey: 'a1DynSubPK1',
        productSecret: 'ps',
        dynamicRegistration: true,
        devices: [{ deviceName: 'p01' }, { deviceName: 'p02' }],
      },
    ];
    const entry = (deviceName: string, signMethod = 'hmacSha256') => ({
      productKey: 'a1DynSubPK1',
      deviceName,
      random: 'r1',
      signMethod,
      sign: registrationSign({
        productKey: 'a1DynSubPK1',
        deviceName,
        productSecret: 'ps',
        random: 'r1',
        signMethod: 'hmacsha256',
      }),
    });
    const register = (gw: MqttClient, proxieds: unknown[]) =>
      ask(gw, `/sys/${GW1.productKey}/gw01/thing/proxy/provisioning/product_register`, {
        version: '1.0',
        params: { proxieds },
        method: 'thing.proxy.provisioning.product_register',
      });
    cloud = await startEmulator({ products, secretStore: store });
    // A sign method the cloud does not know refuses that entry only.
    const first = await register(await connect(GW1), [entry('p01'), entry('p02', 'sha1')]);
    expect(first).toMatchObject({
      code: 200,
      data: {
        successes: [{ deviceName: 'p01', deviceSecret: expect.any(String) }],
        failures: [{ deviceName: 'p02', code: 460 }],
      },
    });
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
    await cloud.close();
    // The next run, with the same store: p01 has its secret already.
    cloud = await startEmulator({ products, secretStore: store });
    const second = await register(await connect(GW1), [entry('p01')]);
    expect(second).toMatchObject({
      code: 200,
      data: { successes: [], failures: [{ deviceName: 'p01', code: 6289 }] },
    });
  });

  it('should answer a request whose params do not fit with 460 and the reason', async () => {
    const gw = await connect(GW1);
    const reply = await topoAdd(gw, GW1, [{ productKey: SUB_PK }]);
    expect(reply).toMatchObject({ code: 460, message: expect.stringContaining('request parameter error') });
    const many = Array.from({ length: 31 }, () => ({ ...signed('s01', 'hmacmd5'), signmethod: 'hmacmd5' }));
    expect(await topoAdd(gw, GW1, many)).toMatchObject({
      code: 460,
      message: 'at most 30 sub-devices in one request',
    });
  });

  it('should refuse a gateway that adds itself with 6402, as documented', async () => {
    const gw = await connect(GW1);
    const fields = {
      productKey: GW1.productKey,
      deviceName: GW1.deviceName,
      clientId: `${GW1.productKey}&gw01`,
      timestamp: '1700000000000',
    };
    const sign = subDeviceSign('hmacmd5', GW1.deviceSecret, fields);
    const reply = await topoAdd(gw, GW1, [{ ...fields, signmethod: 'hmacMd5', sign }]);
    expect(reply).toMatchObject({ code: 6402, message: 'a gateway cannot be its own sub-device' });
    expect(cloud.getThingTopo(GW1)).toEqual([]);
  });
});
