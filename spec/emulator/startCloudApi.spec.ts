import * as E from 'fp-ts/Either';
import mqtt from 'mqtt';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createGateway } from '../../lib/alink/createGateway';
import { updateTags } from '../../lib/alink/deviceTags';
import { createDevice } from '../../lib/device';
import { startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { startCloudApi, type CloudApi } from '../../lib/emulator/startCloudApi';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { tslFixture } from '../support/tslFixture';

const products = [
  {
    productKey: 'a1Api000001',
    devices: [
      { deviceName: 'd1', deviceSecret: 's3cret' },
      { deviceName: 'dev02', deviceSecret: 's3cret' },
      { deviceName: 'gw01', deviceSecret: 's3cret' },
    ],
  },
];

describe('startCloudApi', () => {
  let emulator: Emulator;
  let api: CloudApi;
  beforeEach(async () => {
    emulator = await startEmulator({ products });
    api = await startCloudApi(emulator, { products });
  });
  afterEach(async () => {
    await api.close();
    await emulator.close();
  });

  const post = async (body: string, type: string) => {
    const response = await fetch(api.url, { method: 'POST', headers: { 'content-type': type }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('should listen on loopback and take a form body, as the platform SDKs send it', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const answer = await post(
      'Action=GetDeviceStatus&ProductKey=a1Api000001&DeviceName=d1',
      'application/x-www-form-urlencoded',
    );
    expect(answer).toEqual({
      status: 200,
      body: { RequestId: expect.any(String), Success: true, Data: { Status: 'UNACTIVE' } },
    });
  });

  it('should refuse a body that is not JSON, or not an object, or too large', async () => {
    expect(await post('{', 'application/json')).toMatchObject({
      status: 400,
      body: { Success: false, Code: 'iot.system.IllegalRequest' },
    });
    expect(await post('[1]', 'application/json')).toMatchObject({
      status: 400,
      body: { ErrorMessage: 'the body must be a JSON object' },
    });
    expect(await post(`x=${'a'.repeat(1024 * 1024)}`, 'text/plain')).toMatchObject({ status: 413 });
    expect(await post('', 'text/plain')).toMatchObject({ status: 400, body: { Code: 'MissingAction' } });
  });

  const get = async (params: Record<string, string>, on: CloudApi = api) => {
    const response = await fetch(`${on.url}?${new URLSearchParams(params).toString()}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('should keep desired properties with SetDeviceDesiredProperty and give them to QueryDeviceDesiredProperty', async () => {
    const device = { ProductKey: 'a1Api000001', DeviceName: 'd1' };
    const set = (Items: string) => get({ Action: 'SetDeviceDesiredProperty', ...device, Items });
    expect((await set('{"Power":1,"Mode":"auto"}')).body).toMatchObject({
      Success: true,
      Data: { Versions: JSON.stringify({ Power: 1, Mode: 1 }) },
    });
    expect((await set('{"Power":0}')).body).toMatchObject({
      Data: { Versions: JSON.stringify({ Power: 2 }) },
    });
    expect((await get({ Action: 'QueryDeviceDesiredProperty', ...device })).body).toMatchObject({
      Success: true,
      Data: {
        List: {
          DesiredPropertyInfo: expect.arrayContaining([
            { Identifier: 'Power', Value: '0', Version: 2 },
            { Identifier: 'Mode', Value: 'auto', Version: 1 },
          ]),
        },
      },
    });
    expect(await set('[1]')).toMatchObject({ status: 400, body: { Success: false } });
    expect(await get({ Action: 'QueryDeviceDesiredProperty', ProductKey: 'a1Api000001' })).toMatchObject({
      status: 400,
      body: { Code: 'MissingDeviceName' },
    });
  });

  it("should give a device's tags to QueryDeviceProp, as the device last updated them", async () => {
    const device = createDevice({
      productKey: 'a1Api000001',
      deviceName: 'dev02',
      deviceSecret: 's3cret',
      endpoint: { url: emulator.url },
      reconnect: false,
    });
    try {
      const query = () => get({ Action: 'QueryDeviceProp', ProductKey: 'a1Api000001', DeviceName: 'dev02' });
      expect((await query()).body).toMatchObject({ Success: true, Props: '{}' });
      device.start();
      const updated = await firstValueFrom(updateTags(device, { room: 'hall', floor: '2' }));
      expect(E.isRight(updated)).toBe(true);
      expect(JSON.parse((await query()).body['Props'] as string)).toEqual({ room: 'hall', floor: '2' });
      expect(
        await get({ Action: 'QueryDeviceProp', ProductKey: 'a1Api000001', DeviceName: 'nobody' }),
      ).toMatchObject({ body: { Success: false, Code: 'iot.device.NotExistedDevice' } });
    } finally {
      await device.close();
    }
  });

  it("should list a gateway's topology in pages (GetThingTopo) and take a sub-device out of it (RemoveThingTopo)", async () => {
    const gateway = createDevice({
      productKey: 'a1Api000001',
      deviceName: 'gw01',
      deviceSecret: 's3cret',
      endpoint: { url: emulator.url },
      reconnect: false,
      checkNamespace: false,
    });
    try {
      gateway.start();
      const sub = { productKey: 'a1Api000001', deviceName: 'dev02', deviceSecret: 's3cret' };
      expect(E.isRight(await lastValueFrom(createGateway(gateway).addTopology([sub])))).toBe(true);
      const topo = (page: Record<string, string> = {}) =>
        get({ Action: 'GetThingTopo', ProductKey: 'a1Api000001', DeviceName: 'gw01', ...page });
      expect((await topo()).body).toMatchObject({
        Success: true,
        Data: {
          Total: 1,
          PageSize: 10,
          PageCount: 1,
          CurrentPage: 1,
          List: { deviceInfo: [{ ProductKey: 'a1Api000001', DeviceName: 'dev02' }] },
        },
      });
      expect((await topo({ PageNo: '2' })).body).toMatchObject({
        Data: { CurrentPage: 2, List: { deviceInfo: [] } },
      });
      const remove = () => get({ Action: 'RemoveThingTopo', ProductKey: 'a1Api000001', DeviceName: 'dev02' });
      expect((await remove()).body).toMatchObject({ Success: true, Data: true });
      expect((await topo()).body).toMatchObject({ Data: { Total: 0 } });
      expect((await remove()).body).toMatchObject({
        Success: false,
        Code: 'iot.device.TopoRelationNotExist',
      });
    } finally {
      await gateway.close();
    }
  });

  it('should disable, enable and delete a device (DisableThing, EnableThing, DeleteDevice)', async () => {
    const events: EmulatorEvent[] = [];
    const watching = emulator.events$.subscribe((e) => events.push(e));
    try {
      const call = (Action: string) => get({ Action, ProductKey: 'a1Api000001', DeviceName: 'dev02' });
      expect((await call('DisableThing')).body).toMatchObject({ Success: true });
      expect((await call('EnableThing')).body).toMatchObject({ Success: true });
      expect((await call('DeleteDevice')).body).toMatchObject({ Success: true });
      expect((await call('DeleteDevice')).body).toMatchObject({
        Success: false,
        Code: 'iot.device.NotExistedDevice',
      });
      expect(
        events.filter((e) => e.type === 'lifecycle').map((e) => e.type === 'lifecycle' && e.change),
      ).toEqual(['disabled', 'enabled', 'deleted']);
    } finally {
      watching.unsubscribe();
    }
  });

  it("should give a product's thing model as the console exports it (GetThingModelTsl)", async () => {
    const tsl = parseTsl(tslFixture('everyType'));
    const withTsl = [{ productKey: 'a1Tsl000001', devices: [], tsl }];
    const cloud = await startEmulator({ products: withTsl });
    const tslApi = await startCloudApi(cloud, { products: withTsl });
    try {
      const call = async (productKey: string) =>
        (await get({ Action: 'GetThingModelTsl', ProductKey: productKey }, tslApi)).body as {
          Success: boolean;
          Data?: { TslStr: string };
        };
      const answer = await call('a1Tsl000001');
      expect(answer.Success).toBe(true);
      const read = parseTsl(answer.Data?.TslStr);
      expect(read.productKey).toBe('a1Tsl000001');
      expect(Object.keys(read.properties)).toEqual(Object.keys(tsl.properties));
      expect(Object.keys(read.services)).toEqual(Object.keys(tsl.services));
      expect(await call('a1Nowhere01')).toMatchObject({ Success: false, Code: 'iot.prod.NotExistedProduct' });
    } finally {
      await tslApi.close();
      await cloud.close();
    }
    // A product without a thing model has an empty one.
    expect(await get({ Action: 'GetThingModelTsl', ProductKey: 'a1Api000001' })).toMatchObject({
      body: { Success: true, Data: { TslStr: expect.stringContaining('"properties":[]') } },
    });
  });

  it("should give a property's recorded values in pages, values as strings, one a time (QueryDevicePropertyData)", async () => {
    const device = await mqtt.connectAsync(emulator.url, {
      ...mqttCredentials({ productKey: 'a1Api000001', deviceName: 'd1', deviceSecret: 's3cret' }),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const topic = '/sys/a1Api000001/d1/thing/event/property/history/post';
      await device.subscribeAsync(`${topic}_reply`, { qos: 1 });
      const replied = new Promise<Buffer>((resolve) => device.once('message', (_t, body) => resolve(body)));
      // Two values at 2000: the later one replaces the first, so that a page that ends there cannot make the
      // next one start at the same time again (paged by NextTime, 2000 twice came back on every page).
      const snapshots = [
        { Power: { value: 1000, time: 1000 } },
        { Power: { value: 'off', time: 2000 } },
        { Power: { value: 'on', time: 2000 } },
        { Power: { value: 3000, time: 3000 } },
      ];
      const params = [{ identity: { productKey: 'a1Api000001', deviceName: 'd1' }, properties: snapshots }];
      await device.publishAsync(topic, JSON.stringify({ id: '1', version: '1.0', params }), { qos: 1 });
      expect(JSON.parse(String(await replied))).toMatchObject({ code: 200 });
    } finally {
      await device.endAsync();
    }
    const query = (page: Record<string, string>) =>
      get({
        Action: 'QueryDevicePropertyData',
        ProductKey: 'a1Api000001',
        DeviceName: 'd1',
        Identifier: 'Power',
        StartTime: '0',
        EndTime: '5000',
        ...page,
      });
    expect((await query({ Asc: '1', PageSize: '2' })).body).toEqual({
      RequestId: expect.any(String),
      Success: true,
      Data: {
        NextValid: true,
        NextTime: 3000,
        List: {
          PropertyInfo: [
            { Time: '1000', Value: '1000' },
            { Time: '2000', Value: 'on' },
          ],
        },
      },
    });
    expect((await query({ Asc: '1', PageSize: '2', StartTime: '3000' })).body).toMatchObject({
      Data: { NextValid: false, List: { PropertyInfo: [{ Time: '3000', Value: '3000' }] } },
    });
    expect((await query({ Asc: '0', PageSize: '10', StartTime: '1500' })).body).toMatchObject({
      Data: { NextValid: false, List: { PropertyInfo: [{ Time: '3000' }, { Time: '2000' }] } },
    });
    expect((await query({ Identifier: 'Other' })).body).toMatchObject({
      Success: true,
      Data: { NextValid: false, List: { PropertyInfo: [] } },
    });
    expect(await query({ PageSize: '51' })).toMatchObject({
      status: 400,
      body: { Code: 'iot.common.InvalidFormattedParameter' },
    });
    expect(await query({ StartTime: '' })).toMatchObject({ status: 400, body: { Code: 'MissingStartTime' } });
  });

  it('should refuse JSON parameters nested deeper than 64 levels, and keep what it had', async () => {
    const device = { ProductKey: 'a1Api000001', DeviceName: 'd1' };
    const deep = `${'['.repeat(6_000)}1${']'.repeat(6_000)}`;
    const body = JSON.stringify({ Action: 'SetDeviceDesiredProperty', ...device, Items: `{"d":${deep}}` });
    expect((await post(body, 'application/json')).body).toMatchObject({
      Success: false,
      Code: 'iot.common.InvalidFormattedParameter',
      ErrorMessage: 'Items nests deeper than 64 levels',
    });
    expect((await get({ Action: 'QueryDeviceDesiredProperty', ...device })).body).toMatchObject({
      Success: true,
    });
  });

  it('should report each call, and complete on close', async () => {
    const calls = lastValueFrom(api.calls$.pipe(toArray()));
    await fetch(`${api.url}?Action=GetDeviceStatus&ProductKey=a1Api000001&DeviceName=d1`);
    await api.close();
    expect(await calls).toEqual([
      {
        action: 'GetDeviceStatus',
        params: { ProductKey: 'a1Api000001', DeviceName: 'd1' },
        status: 200,
        response: expect.objectContaining({ Success: true }),
      },
    ]);
  });
});
