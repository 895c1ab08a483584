// The thing model fetched from both ends: the emulator gives a device its product's TSL
// (`thing.dsltemplate.get`), the device reads it into a model for `createThing`; and, against a real
// mosquitto with the test playing the cloud, what the device makes of a reply that is not a TSL.
import * as E from 'fp-ts/Either';
import mqtt from 'mqtt';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createThing } from '../../lib/alink/createThing';
import { fetchThingModel } from '../../lib/alink/fetchThingModel';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { AlinkRequest, alinkReply } from '../../lib/protocol';
import { encodeTsl } from '../../lib/protocol/tsl/encodeTsl';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import {
  connected,
  DEVICE_SECRET,
  emulatorDevice,
  PRODUCT_KEY,
  type EmulatorDevice,
} from '../support/emulatorDevice';
import { mosquittoBroker, testDevice, type TestBroker } from '../support/testBrokers';
import { describeWithMosquitto } from '../support/mosquitto';
import { tslFixture } from '../support/tslFixture';

const tsl = parseTsl(tslFixture('everyType'));

describe('fetchThingModel against the emulator', () => {
  let rig: EmulatorDevice;
  afterEach(() => rig.close());

  it("should get the product's thing model, the one the emulator checks posts with", async () => {
    rig = await emulatorDevice({
      products: [
        { productKey: PRODUCT_KEY, devices: [{ deviceName: 'dev01', deviceSecret: DEVICE_SECRET }], tsl },
      ],
    });
    const answered = firstValueFrom(rig.cloud.events$.pipe(filter((e) => e.type === 'thing')));
    const fetched = await lastValueFrom(fetchThingModel(rig.device));
    if (E.isLeft(fetched)) throw new Error(`expected a thing model, got ${fetched.left._tag}`);
    expect(encodeTsl(fetched.right)).toEqual(encodeTsl(tsl));
    expect(await answered).toMatchObject({ method: 'thing.dsltemplate.get', code: 200 });

    // The fetched model does what the file's does: a post that breaks it is refused before it is sent.
    const thing = createThing(rig.device, { tsl: fetched.right });
    expect(await lastValueFrom(thing.postProperties({ count: 7 }))).toEqual(E.right(expect.anything()));
    expect(await lastValueFrom(thing.postProperties({ count: 700 }))).toEqual(
      E.left(expect.objectContaining({ _tag: 'TslFailure' })),
    );
    expect(rig.cloud.queryDevicePropertyStatus(rig.device)).toEqual([
      expect.objectContaining({ identifier: 'count', value: 7 }),
    ]);
  });

  it('should get an empty thing model for a product without one', async () => {
    rig = await emulatorDevice();
    const fetched = await lastValueFrom(fetchThingModel(rig.device));
    expect(fetched).toEqual(
      E.right(expect.objectContaining({ productKey: PRODUCT_KEY, properties: {}, events: {}, services: {} })),
    );
  });

  it('should fetch after a reconnect what it asked for before, and wait for the connection', async () => {
    rig = await emulatorDevice({
      products: [
        { productKey: PRODUCT_KEY, devices: [{ deviceName: 'dev01', deviceSecret: DEVICE_SECRET }], tsl },
      ],
    });
    await rig.cloud.disconnect(rig.device);
    const fetched = lastValueFrom(fetchThingModel(rig.device));
    await connected(rig.device);
    expect(E.isRight(await fetched)).toBe(true);
  });
});

describeWithMosquitto('fetchThingModel against mosquitto, the test playing the cloud', () => {
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
    await cloud.subscribeAsync(device.topics.dslTemplateGet, { qos: 1 });
  });

  afterEach(async () => {
    await cloud.endAsync();
    await device.close();
    await broker.close();
  });

  /** Answers the next thing-model request with `code` and `data`. */
  const answerWith = (code: number, data: unknown) =>
    cloud.once('message', (_topic, payload) => {
      const request = AlinkRequest.decode(JSON.parse(payload.toString()));
      if (E.isLeft(request)) throw new Error('the device sent no Alink request');
      expect(request.right).toMatchObject({ method: 'thing.dsltemplate.get', params: {} });
      const { id } = request.right;
      const reply = alinkReply({ id, code, data, message: code === 200 ? 'success' : 'failed' });
      cloud.publish(device.topics.dslTemplateGetReply, JSON.stringify(reply), { qos: 1 });
    });

  it('should take the document as JSON text too', async () => {
    answerWith(200, JSON.stringify(encodeTsl(tsl)));
    const fetched = await lastValueFrom(fetchThingModel(device));
    expect(E.isRight(fetched) && Object.keys(fetched.right.properties)).toEqual(Object.keys(tsl.properties));
  });

  it('should give a document that is not a TSL as a DecodeError that lists every problem', async () => {
    answerWith(200, { properties: [{ identifier: 'temp', dataType: { type: 'decimal' } }, {}] });
    const fetched = await lastValueFrom(fetchThingModel(device));
    expect(fetched).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'DecodeError',
          topic: device.topics.dslTemplateGetReply,
          messages: [
            expect.stringMatching(/^at data\.properties\.0\.dataType\.type: expected one of .*"decimal"/),
            'at data.properties.1.identifier: expected a non-empty identifier, got undefined',
            'at data.properties.1.dataType: expected a dataType object, got undefined',
          ],
        }),
      ),
    );
  });

  it('should give a refusal as a ReplyFailure with its code', async () => {
    answerWith(6204, {});
    const fetched = await lastValueFrom(fetchThingModel(device));
    expect(fetched).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6204 })));
  });
});
