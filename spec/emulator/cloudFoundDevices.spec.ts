// The cloud side of found sub-devices and of asking a gateway to add some, driven by raw MQTT.js with the
// payloads the platform documents (doc "管理拓扑关系": thing.list.found, thing.topo.add.notify).
import mqtt, { type MqttClient } from 'mqtt';
import { startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { describeEmulatorEvent } from '../../lib/emulator/describeEmulatorEvent';
import { startCloudApi, type CloudApi } from '../../lib/emulator/startCloudApi';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';

const GW = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gw01-secret' };
const SUB_PK = 'a1SubPK0001';
const products = [
  { productKey: GW.productKey, devices: [GW] },
  { productKey: SUB_PK, devices: [{ deviceName: 'lamp-01', deviceSecret: 'lamp-secret' }] },
];
const sys = `/sys/${GW.productKey}/${GW.deviceName}/thing`;

describe('cloudFoundDevices', () => {
  let cloud: Emulator;
  let client: MqttClient;
  let events: EmulatorEvent[];

  beforeEach(async () => {
    cloud = await startEmulator({ products });
    events = [];
    cloud.events$.subscribe((event) => events.push(event));
    client = await mqtt.connectAsync(cloud.url, {
      ...mqttCredentials(GW),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
  });

  afterEach(async () => {
    await client.endAsync();
    await cloud.close();
  });

  /** The next message on `topic`, parsed. */
  const next = (topic: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const onMessage = (t: string, body: Buffer) => {
        if (t !== topic) return;
        client.removeListener('message', onMessage);
        resolve(JSON.parse(String(body)) as Record<string, unknown>);
      };
      client.on('message', onMessage);
    });

  const found = async (id: string, params: unknown) => {
    await client.subscribeAsync(`${sys}/list/found_reply`, { qos: 1 });
    const reply = next(`${sys}/list/found_reply`);
    await client.publishAsync(
      `${sys}/list/found`,
      JSON.stringify({ id, version: '1.0', params, method: 'thing.list.found' }),
      { qos: 1 },
    );
    return reply;
  };

  it.each<[string, number, unknown]>([
    ['the documented request', 200, [{ deviceName: 'lamp-01', productKey: SUB_PK }]],
    ['a product that does not exist', 6250, [{ deviceName: 'lamp-01', productKey: 'a1Nobody001' }]],
    ['a name shorter than 4', 6280, [{ deviceName: 'lmp', productKey: SUB_PK }]],
    ['a name with a slash', 6280, [{ deviceName: 'lamp/01', productKey: SUB_PK }]],
    ['params that are no list', 460, { deviceName: 'lamp-01', productKey: SUB_PK }],
  ])('should answer thing.list.found with %s with %d', async (_name, code, params) => {
    const reply = await found('41', params);
    expect(reply).toMatchObject({ id: '41', code });
    if (code === 200) expect(reply['data']).toEqual({});
    expect(cloud.foundSubDevices(GW)).toEqual(
      code === 200 ? [{ productKey: SUB_PK, deviceName: 'lamp-01' }] : [],
    );
  });

  it('should take an empty found list, as the documentation allows, keeping nothing', async () => {
    const reply = await found('43', []);
    expect(reply).toMatchObject({ id: '43', code: 200, data: {} });
    expect(cloud.foundSubDevices(GW)).toEqual([]);
    const event = events.find((e) => e.type === 'sub-devices-found');
    expect(event).toEqual({
      type: 'sub-devices-found',
      gateway: { productKey: GW.productKey, deviceName: 'gw01' },
      devices: [],
    });
    expect(describeEmulatorEvent(event!)).toBe(`gateway ${GW.productKey}/gw01 found no sub-devices`);
  });

  it('should report a found list as an event, described by name', async () => {
    await found('42', [{ deviceName: 'lamp-01', productKey: SUB_PK }]);
    const event = events.find((e) => e.type === 'sub-devices-found');
    expect(event).toEqual({
      type: 'sub-devices-found',
      gateway: { productKey: GW.productKey, deviceName: GW.deviceName },
      devices: [{ productKey: SUB_PK, deviceName: 'lamp-01' }],
    });
    expect(describeEmulatorEvent(event!)).toBe(`gateway ${GW.productKey}/gw01 found ${SUB_PK}/lamp-01`);
  });

  it('should send thing.topo.add.notify as documented, and resolve with the reply of the same id', async () => {
    await client.subscribeAsync(`${sys}/topo/add/notify`, { qos: 1 });
    const notified = next(`${sys}/topo/add/notify`);
    const call = cloud.notifyAddThingTopo(GW, [{ productKey: SUB_PK, deviceName: 'lamp-01' }]);
    const request = await notified;
    expect(request).toEqual({
      id: expect.stringMatching(/^\d+$/),
      version: '1.0',
      params: [{ productKey: SUB_PK, deviceName: 'lamp-01' }],
      method: 'thing.topo.add.notify',
      sys: { ack: 1 },
    });
    // Another id first: not the answer.
    await client.publishAsync(
      `${sys}/topo/add/notify_reply`,
      JSON.stringify({ id: '1', code: 500, data: {} }),
    );
    await client.publishAsync(
      `${sys}/topo/add/notify_reply`,
      JSON.stringify({ id: request['id'], code: 200, data: {} }),
    );
    expect(await call).toMatchObject({ id: request['id'], code: 200 });
  });

  it('should refuse to notify a gateway that is offline', async () => {
    await client.endAsync();
    await expect(
      cloud.notifyAddThingTopo(GW, [{ productKey: SUB_PK, deviceName: 'lamp-01' }]),
    ).rejects.toThrow('is not online');
  });

  describe('on the server API', () => {
    let api: CloudApi;
    beforeEach(async () => {
      api = await startCloudApi(cloud, { products });
    });
    afterEach(() => api.close());

    const get = async (params: Record<string, string>) =>
      (await (await fetch(`${api.url}?${new URLSearchParams(params).toString()}`)).json()) as Record<
        string,
        unknown
      >;

    it('should answer NotifyAddThingTopo once the notify is sent, with its id, not waiting for the gateway', async () => {
      await client.subscribeAsync(`${sys}/topo/add/notify`, { qos: 1 });
      for (const entry of [
        { productKey: SUB_PK, deviceName: 'lamp-01' },
        { ProductKey: SUB_PK, DeviceName: 'lamp-01' },
      ]) {
        const notified = next(`${sys}/topo/add/notify`);
        // The gateway never replies: the answer says the notify was sent, as the platform's does.
        const answer = await get({
          Action: 'NotifyAddThingTopo',
          GwProductKey: GW.productKey,
          GwDeviceName: GW.deviceName,
          DeviceListStr: JSON.stringify([entry]),
        });
        const request = await notified;
        expect(request).toMatchObject({
          method: 'thing.topo.add.notify',
          params: [{ productKey: SUB_PK, deviceName: 'lamp-01' }],
        });
        expect(answer).toMatchObject({ Success: true, Data: { MessageId: request['id'] } });
      }
    });

    it('should answer NotifyAddThingTopo for a gateway that is offline with iot.device.DeviceOffline', async () => {
      await client.endAsync();
      const answer = await get({
        Action: 'NotifyAddThingTopo',
        GwProductKey: GW.productKey,
        GwDeviceName: GW.deviceName,
        DeviceListStr: JSON.stringify([{ productKey: SUB_PK, deviceName: 'lamp-01' }]),
      });
      expect(answer).toMatchObject({ Success: false, Code: 'iot.device.DeviceOffline' });
    });

    it.each<[string, Record<string, string>, string]>([
      ['no gateway', { DeviceListStr: '[]' }, 'MissingGwProductKey'],
      [
        'an unknown gateway',
        { GwProductKey: GW.productKey, GwDeviceName: 'gw99', DeviceListStr: '[]' },
        'iot.device.NotExistedDevice',
      ],
      [
        'a list that is no list of devices',
        { GwProductKey: GW.productKey, GwDeviceName: GW.deviceName, DeviceListStr: '[{"productKey":1}]' },
        'iot.common.InvalidFormattedParameter',
      ],
    ])('should refuse NotifyAddThingTopo with %s', async (_name, params, code) => {
      expect(await get({ Action: 'NotifyAddThingTopo', ...params })).toMatchObject({
        Success: false,
        Code: code,
      });
    });
  });
});
