// A pass-through product's data parsing, against raw MQTT.js devices that speak the tests' binary protocol.
import { firstValueFrom, toArray, take } from 'rxjs';
import type { MqttClient } from 'mqtt';
import {
  DataParserError,
  EmulatorClosedError,
  RawDataConversionError,
  type EmulatedProduct,
  type EmulatorEvent,
} from '../../lib/emulator';
import { ALINK_CODES } from '../../lib/protocol';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { DEV01, PK, SECRET, deviceHarness, nextMessage } from './deviceHarness';
import { RAW_DATA_SCRIPT, rawAnswer, rawCommand, rawId, rawPost } from '../support/rawDataScript';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const sys = `/sys/${PK}/dev01/thing`;
const rawProduct = (extra: Partial<EmulatedProduct> = {}): EmulatedProduct => ({
  productKey: PK,
  devices: [{ deviceName: 'dev01', deviceSecret: SECRET }],
  dataParser: RAW_DATA_SCRIPT,
  ...extra,
});
const ALINK_PK = 'a1AlinkPK01';
const alinkProduct: EmulatedProduct = {
  productKey: ALINK_PK,
  devices: [{ deviceName: 'json01', deviceSecret: SECRET }],
};

async function rawDevice(extra: Partial<EmulatedProduct> = {}) {
  const emulator = await harness.start({ products: [rawProduct(extra), alinkProduct] });
  const client = await harness.connectDevice(emulator);
  return { emulator, client };
}

/** The next message on a topic (of those the device subscribed to). */
function nextOn(client: MqttClient, topic: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}

const rawEvents = (events: EmulatorEvent[]) => events.filter((e) => e.type === 'raw-data');

describe('rawDataCloud', () => {
  it('should turn an up_raw post into a property post, keep its values, and answer in bytes on up_raw_reply', async () => {
    const { emulator, client } = await rawDevice();
    const events: EmulatorEvent[] = [];
    emulator.events$.subscribe((e) => events.push(e));
    await client.subscribeAsync(`${sys}/model/up_raw_reply`, { qos: 1 });
    const reply = nextOn(client, `${sys}/model/up_raw_reply`);
    await client.publishAsync(`${sys}/model/up_raw`, rawPost(41, -12, 1), { qos: 1 });
    expect(await reply).toEqual(rawAnswer(0x02, 41, 200));
    expect(emulator.queryDevicePropertyStatus(DEV01)).toEqual([
      { identifier: 'temp', value: -12, time: expect.any(Number) },
      { identifier: 'on', value: 1, time: expect.any(Number) },
    ]);
    expect(rawEvents(events)).toEqual([
      {
        type: 'raw-data',
        device: DEV01,
        topic: `${sys}/model/up_raw`,
        json: { id: '41', version: '1.0', method: 'thing.event.property.post', params: { temp: -12, on: 1 } },
      },
      {
        type: 'raw-data',
        device: DEV01,
        topic: `${sys}/model/up_raw_reply`,
        json: expect.objectContaining({ id: '41', code: 200, method: 'thing.event.property.post' }),
      },
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'thing', method: 'thing.event.property.post', id: '41', code: 200 }),
    );
  });

  it("should answer with the thing model's code, in bytes, for a post that breaks it", async () => {
    const tsl = parseTsl({
      properties: [
        { identifier: 'temp', accessMode: 'r', dataType: { type: 'int', specs: { min: '-40', max: '120' } } },
      ],
    });
    const { client } = await rawDevice({ tsl });
    await client.subscribeAsync(`${sys}/model/up_raw_reply`, { qos: 1 });
    const reply = nextOn(client, `${sys}/model/up_raw_reply`);
    // `on` is no property of the model: 5092.
    await client.publishAsync(`${sys}/model/up_raw`, rawPost(42, 20, 0), { qos: 1 });
    expect(await reply).toEqual(rawAnswer(0x02, 42, ALINK_CODES.propertyNotFound));
  });

  it.each<[string, Buffer, number]>([
    ['the script throws on', rawCommand(0xfd, 5), ALINK_CODES.parseScriptError],
    ['the script gives no object for', rawCommand(0xfc, 5), ALINK_CODES.parseScriptBadResult],
    ['the script gives no method for', rawCommand(0xfe, 5), ALINK_CODES.methodMissing],
  ])('should report on /ext/error what %s', async (_, frame, code) => {
    const { emulator, client } = await rawDevice();
    const events: EmulatorEvent[] = [];
    emulator.events$.subscribe((e) => events.push(e));
    await client.subscribeAsync(`/ext/error/${PK}/dev01`, { qos: 1 });
    const error = nextOn(client, `/ext/error/${PK}/dev01`);
    await client.publishAsync(`${sys}/model/up_raw`, frame, { qos: 1 });
    const payload = JSON.parse((await error).toString()) as { code: number; message: string };
    expect(payload).toMatchObject({ code, message: expect.any(String) });
    expect(rawEvents(events)).toEqual([
      expect.objectContaining({
        type: 'raw-data',
        topic: `${sys}/model/up_raw`,
        code,
        message: payload.message,
      }),
    ]);
    expect(events.some((e) => e.type === 'thing')).toBe(false);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "a method that is no post (a sub-device's registration, whose reply has its secret)",
      {
        id: '7',
        version: '1.0',
        method: 'thing.sub.register',
        params: [{ productKey: PK, deviceName: 'dev02' }],
      },
      /method thing\.sub\.register is no post/,
    ],
    ['a post without an id', { version: '1.0', method: 'thing.event.property.post', params: {} }, /no id/],
  ])('should refuse %s with 460 on /ext/error, and hand nothing on', async (_, json, message) => {
    const { emulator, client } = await rawDevice({
      dataParser: { rawDataToProtocol: () => json, protocolToRawData: () => [0x02] },
    });
    const events: EmulatorEvent[] = [];
    emulator.events$.subscribe((e) => events.push(e));
    await client.subscribeAsync(`/ext/error/${PK}/dev01`, { qos: 1 });
    const error = nextOn(client, `/ext/error/${PK}/dev01`);
    await client.publishAsync(`${sys}/model/up_raw`, Buffer.from([0x00]), { qos: 1 });
    expect(JSON.parse((await error).toString())).toMatchObject({
      code: ALINK_CODES.invalidParameter,
      message,
    });
    expect(events.filter((e) => e.type !== 'raw-data').map((e) => e.type)).not.toContain('thing');
    expect(JSON.stringify(events)).not.toMatch(/deviceSecret/);
  });

  it('should send setDeviceProperty as bytes on down_raw and resolve with the answer on down_raw_reply', async () => {
    const { emulator, client } = await rawDevice();
    await client.subscribeAsync(`${sys}/model/down_raw`, { qos: 1 });
    const asked: Buffer[] = [];
    client.on('message', (topic, payload) => {
      if (topic !== `${sys}/model/down_raw`) return;
      asked.push(payload);
      // An answer to no call first: passed over, the call waits on.
      client.publish(`${sys}/model/down_raw_reply`, rawAnswer(0x03, rawId(payload) + 1, 200));
      client.publish(`${sys}/model/down_raw_reply`, rawAnswer(0x03, rawId(payload), 460));
    });
    const reply = await emulator.setDeviceProperty(DEV01, { temp: -2 });
    expect(reply).toMatchObject({ id: String(rawId(asked[0]!)), code: 460 });
    expect(asked).toEqual([Buffer.concat([rawCommand(0x01, Number(reply.id)), Buffer.from([0xff, 0xfe])])]);
  });

  it('should call a sync service over RRPC on …/thing/model/down_raw and take the answer on that topic', async () => {
    const { emulator, client } = await rawDevice();
    const topics: string[] = [];
    client.on('message', (topic, payload) => {
      topics.push(topic);
      client.publish(topic, rawAnswer(0x06, rawId(payload), 200));
    });
    const reply = await emulator.invokeThingService(DEV01, 'reboot', { delay: 3 }, { callType: 'sync' });
    expect(reply).toMatchObject({ code: 200 });
    expect(topics).toEqual([`/ext/rrpc/${reply.id}${sys}/model/down_raw`]);
  });

  it('should reject a call whose request the script cannot turn into bytes with RawDataConversionError', async () => {
    const { emulator } = await rawDevice();
    const call = emulator.invokeThingService(DEV01, 'calibrate', {});
    await expect(call).rejects.toThrow(RawDataConversionError);
    await expect(call).rejects.toMatchObject({ code: ALINK_CODES.parseScriptBadResult, device: DEV01 });
  });

  it('should end a call that waits for a raw answer when the emulator closes', async () => {
    const { emulator, client } = await rawDevice();
    await client.subscribeAsync(`${sys}/model/down_raw`, { qos: 1 });
    const asked = nextOn(client, `${sys}/model/down_raw`);
    const call = emulator.setDeviceProperty(DEV01, { temp: 1 }, { timeoutMs: 60_000 });
    const ended = expect(call).rejects.toThrow(EmulatorClosedError);
    await asked;
    await emulator.close();
    await ended;
  });

  it('should leave a product without a script, and JSON of the product with one, as they are', async () => {
    const { emulator, client } = await rawDevice();
    const jsonDevice = await harness.connectDevice(emulator, { productKey: ALINK_PK, deviceName: 'json01' });
    const alinkSys = `/sys/${ALINK_PK}/json01/thing`;
    await jsonDevice.subscribeAsync(`${alinkSys}/#`, { qos: 1 });
    const received = firstValueFrom(emulator.received$.pipe(take(2), toArray()));
    // Bytes on a JSON product's up_raw are carried and not parsed; its property set stays JSON.
    await jsonDevice.publishAsync(`${alinkSys}/model/up_raw`, rawPost(1, 1, 1), { qos: 1 });
    const set = nextMessage(jsonDevice);
    void emulator
      .setDeviceProperty({ productKey: ALINK_PK, deviceName: 'json01' }, { temp: 1 })
      .catch(() => 0);
    expect(JSON.parse((await set).payload.toString())).toMatchObject({
      method: 'thing.service.property.set',
    });
    // The pass-through product's own JSON post is answered in JSON, as any post.
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    const reply = nextOn(client, `${sys}/event/property/post_reply`);
    const post = { id: '9', version: '1.0', method: 'thing.event.property.post', params: { temp: 3 } };
    await client.publishAsync(`${sys}/event/property/post`, JSON.stringify(post), { qos: 1 });
    expect(JSON.parse((await reply).toString())).toMatchObject({ id: '9', code: 200 });
    expect((await received).map((m) => m.topic)).toEqual([
      `${alinkSys}/model/up_raw`,
      `${sys}/event/property/post`,
    ]);
  });

  it.each<[string, string]>([
    ['does not compile', 'function rawDataToProtocol('],
    ['lacks a function', 'function rawDataToProtocol(b) { return {}; }'],
  ])('should refuse to start with a script that %s', async (_, dataParser) => {
    await expect(harness.start({ products: [rawProduct({ dataParser })] })).rejects.toThrow(DataParserError);
  });
});
