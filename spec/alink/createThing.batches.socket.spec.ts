// The pack, history and batch posts from both ends: a gateway and its sub-device against the emulator,
// which checks the topology and the products' thing models and keeps the values; and, against a real
// mosquitto with the test playing the cloud, the same wire format read with the protocol's codecs.
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import mqtt from 'mqtt';
import { filter, firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createGateway, type Gateway, type SubDeviceSecret } from '../../lib/alink/createGateway';
import { createThing } from '../../lib/alink/createThing';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import {
  AlinkRequest,
  alinkReply,
  BatchPostParams,
  HistoryPostParams,
  PackPostParams,
  property,
  thingModel,
  tslTypes,
} from '../../lib/protocol';
import { describeWithMosquitto } from '../support/mosquitto';
import { mosquittoBroker, testDevice, type TestBroker } from '../support/testBrokers';

const GATEWAY = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gateway-secret-0123' };
const SUB_PK = 'a1SubPK0001';
const s01: SubDeviceSecret = { productKey: SUB_PK, deviceName: 's01', deviceSecret: 'sub-secret-s01' };
const s02 = { productKey: SUB_PK, deviceName: 's02' };
const gatewayModel = thingModel({
  properties: { temp: property('r', tslTypes.float({ min: -40, max: 120 })) },
});
const sensorModel = thingModel({ properties: { level: property('r', tslTypes.int({ min: 0, max: 10 })) } });

const connected = (device: AliyunDevice) =>
  firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));

describe('pack and history posts against the emulator', () => {
  let cloud: Emulator;
  let device: AliyunDevice;
  let gateway: Gateway;
  const running: Subscription[] = [];

  beforeEach(async () => {
    cloud = await startEmulator({
      products: [
        { productKey: GATEWAY.productKey, devices: [GATEWAY], tsl: gatewayModel },
        {
          productKey: SUB_PK,
          devices: [{ deviceName: 's01', deviceSecret: s01.deviceSecret }, { deviceName: 's02' }],
          tsl: sensorModel,
        },
      ],
    });
    // A gateway carries its sub-devices' topics, outside its own namespace.
    device = createDevice({
      ...GATEWAY,
      endpoint: { url: cloud.url },
      reconnect: false,
      checkNamespace: false,
    });
    gateway = createGateway(device, { timeoutMs: 5000 });
    device.start();
    await connected(device);
    await lastValueFrom(gateway.addTopology([s01]));
  });

  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    await device.close();
    await cloud.close();
  });

  it("should post a pack of the gateway's and a sub-device's values, which the cloud keeps for each", async () => {
    const thing = createThing(device, { tsl: gatewayModel });
    const posted = await lastValueFrom(
      thing.postPack({
        properties: { temp: { value: 21.5, time: 1700000000000 } },
        subDevices: [{ identity: s01, properties: { level: 4 } }],
      }),
    );
    expect(posted).toEqual(
      E.right(expect.objectContaining({ code: 200, method: 'thing.event.property.pack.post' })),
    );
    expect(cloud.queryDevicePropertyStatus(GATEWAY)).toEqual([
      expect.objectContaining({ identifier: 'temp', value: 21.5, time: 1700000000000 }),
    ]);
    expect(cloud.queryDevicePropertyStatus(s01)).toEqual([
      expect.objectContaining({ identifier: 'level', value: 4 }),
    ]);
  });

  it("should get the cloud's refusal of a sub-device outside the topology, or of a value its product's model refuses, and keep nothing", async () => {
    const thing = createThing(device);
    const outside = await lastValueFrom(
      thing.postPack({ properties: { temp: 1 }, subDevices: [{ identity: s02, properties: { level: 1 } }] }),
    );
    // 6401: the topological relation does not exist, as for a login of a sub-device outside the topology.
    expect(outside).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6401 })));
    // Without `models`, the device sends the sub-device's part unchecked: the cloud checks it.
    const refused = await lastValueFrom(
      thing.postPack({ properties: { temp: 2 }, subDevices: [{ identity: s01, properties: { level: 11 } }] }),
    );
    expect(refused).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'ReplyFailure',
          code: 460,
          message: expect.stringContaining('subDevices[0].properties.level') as unknown,
        }),
      ),
    );
    expect(cloud.queryDevicePropertyStatus(GATEWAY)).toEqual([]);
    expect(cloud.queryDevicePropertyStatus(s01)).toEqual([]);
  });

  it("should post a history, the gateway's own and a logged-in sub-device's, to the cloud's property history", async () => {
    const posted = await lastValueFrom(
      createThing(device, { tsl: gatewayModel }).postHistory({
        properties: [{ temp: { value: 20, time: 1000 } }, { temp: { value: 22, time: 3000 } }],
      }),
    );
    expect(posted).toEqual(E.right(expect.objectContaining({ code: 200 })));
    const sensor = gateway.subDevice(s01);
    running.push(sensor.session().subscribe());
    await firstValueFrom(sensor.session().pipe(filter(E.isRight)));
    const fromSensor = await lastValueFrom(
      createThing(sensor).postHistory({ properties: [{ level: { value: 3, time: 2000 } }] }),
    );
    expect(fromSensor).toEqual(E.right(expect.objectContaining({ code: 200 })));
    expect(cloud.queryDevicePropertyData(GATEWAY, 'temp')).toEqual([
      { time: 1000, value: 20 },
      { time: 3000, value: 22 },
    ]);
    expect(cloud.queryDevicePropertyData(s01, 'level')).toEqual([{ time: 2000, value: 3 }]);
  });
});

describe('the batch post against the emulator', () => {
  it("should post a sub-device's sampled values, which the cloud keeps in its history, the last measured as its status", async () => {
    const cloud = await startEmulator({
      products: [
        { productKey: GATEWAY.productKey, devices: [GATEWAY] },
        {
          productKey: SUB_PK,
          devices: [{ deviceName: 's01', deviceSecret: s01.deviceSecret }],
          tsl: sensorModel,
        },
      ],
    });
    const device = createDevice({
      ...GATEWAY,
      endpoint: { url: cloud.url },
      reconnect: false,
      checkNamespace: false,
    });
    const gateway = createGateway(device, { timeoutMs: 5000 });
    const sessions: Subscription[] = [];
    try {
      device.start();
      await connected(device);
      await lastValueFrom(gateway.addTopology([s01]));
      const sensor = gateway.subDevice(s01);
      sessions.push(sensor.session().subscribe());
      await firstValueFrom(sensor.session().pipe(filter(E.isRight)));
      const thing = createThing(sensor, { tsl: sensorModel });
      const posted = await lastValueFrom(
        thing.postBatch({
          properties: {
            level: [
              { value: 5, time: 2000 },
              { value: 4, time: 1000 },
            ],
          },
        }),
      );
      expect(posted).toEqual(E.right(expect.objectContaining({ code: 200 })));
      expect(cloud.queryDevicePropertyData(s01, 'level')).toEqual([
        { time: 1000, value: 4 },
        { time: 2000, value: 5 },
      ]);
      expect(cloud.queryDevicePropertyStatus(s01)).toEqual([
        expect.objectContaining({ identifier: 'level', value: 5, time: 2000 }),
      ]);
      // Refused on the device, before it is sent: nothing more at the cloud.
      const refused = await lastValueFrom(thing.postBatch({ properties: { level: [{ value: 11 }] } }));
      expect(E.isLeft(refused) && refused.left._tag).toBe('TslFailure');
      expect(cloud.queryDevicePropertyData(s01, 'level')).toHaveLength(2);
    } finally {
      sessions.forEach((s) => s.unsubscribe());
      await device.close();
      await cloud.close();
    }
  });
});

describeWithMosquitto('pack, history and batch posts against mosquitto, the test playing the cloud', () => {
  let broker: TestBroker;
  let device: AliyunDevice;
  let cloud: mqtt.MqttClient;

  beforeEach(async () => {
    broker = await mosquittoBroker();
    device = createDevice({ ...testDevice, endpoint: { url: broker.url }, reconnect: false });
    device.start();
    await connected(device);
    const { username, password } = mqttCredentials(testDevice);
    cloud = await mqtt.connectAsync(broker.url, { username, password, clientId: 'the-cloud' });
    const { propertyPackPost, propertyHistoryPost, propertyBatchPost } = device.topics;
    await cloud.subscribeAsync([propertyPackPost, propertyHistoryPost, propertyBatchPost], { qos: 1 });
  });

  afterEach(async () => {
    await cloud.endAsync();
    await device.close();
    await broker.close();
  });

  /** Reads the next request with the protocol's codec for its topic, and answers it with `code`. */
  const answerNext = (code: number) =>
    new Promise<unknown>((resolve, reject) => {
      cloud.once('message', (topic, payload) => {
        const request = AlinkRequest.decode(JSON.parse(payload.toString()));
        if (E.isLeft(request)) return reject(new Error('the device sent no Alink request'));
        const codecs: Record<string, t.Decoder<unknown, unknown>> = {
          [device.topics.propertyPackPost]: PackPostParams,
          [device.topics.propertyHistoryPost]: HistoryPostParams,
          [device.topics.propertyBatchPost]: BatchPostParams,
        };
        const codec = codecs[topic];
        if (codec === undefined) return reject(new Error(`a request on ${topic}`));
        const params = codec.decode(request.right.params);
        if (E.isLeft(params)) return reject(new Error(`${topic}: params the codec refuses`));
        const reply = alinkReply({ id: request.right.id, code, data: {}, message: 'm' });
        cloud.publish(`${topic}_reply`, JSON.stringify(reply), { qos: 1 });
        resolve({ topic, method: request.right.method, params: params.right });
      });
    });

  it('should send a pack the codec reads, and take its reply', async () => {
    const request = answerNext(200);
    const posted = await lastValueFrom(
      createThing(device).postPack({
        events: { fault: { value: { code: 1 }, time: 5 } },
        subDevices: [{ identity: s02, properties: { level: 2 } }],
      }),
    );
    expect(posted).toEqual(E.right(expect.objectContaining({ code: 200 })));
    expect(await request).toEqual({
      topic: device.topics.propertyPackPost,
      method: 'thing.event.property.pack.post',
      params: {
        events: { fault: { value: { code: 1 }, time: 5 } },
        subDevices: [{ identity: s02, properties: { level: { value: 2 } } }],
      },
    });
  });

  it('should send a history the codec reads, and give a refusal as a ReplyFailure', async () => {
    const request = answerNext(6100);
    const posted = await lastValueFrom(
      createThing(device).postHistory({ events: [{ fault: { value: { code: 1 }, time: 7 } }] }),
    );
    expect(posted).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6100 })));
    expect(await request).toEqual({
      topic: device.topics.propertyHistoryPost,
      method: 'thing.event.property.history.post',
      params: [
        {
          identity: { productKey: testDevice.productKey, deviceName: testDevice.deviceName },
          events: [{ fault: { value: { code: 1 }, time: 7 } }],
        },
      ],
    });
  });

  it('should send a batch the codec reads', async () => {
    const request = answerNext(200);
    const posted = await lastValueFrom(
      createThing(device).postBatch({
        properties: {
          temp: [
            { value: 1, time: 1 },
            { value: 2, time: 2 },
          ],
        },
      }),
    );
    expect(posted).toEqual(E.right(expect.objectContaining({ code: 200 })));
    expect(await request).toEqual({
      topic: device.topics.propertyBatchPost,
      method: 'thing.event.property.batch.post',
      params: {
        properties: {
          temp: [
            { value: 1, time: 1 },
            { value: 2, time: 2 },
          ],
        },
      },
    });
  });
});
