// The emulator's cloud side of the thing model's batch posts, against raw MQTT.js devices with the payloads the
// platform documents: a gateway's pack post (its own and its sub-devices' data in one message) and the
// history post (values measured earlier), and the property history they feed (QueryDevicePropertyData).
import type { MqttClient } from 'mqtt';
import { filter, firstValueFrom } from 'rxjs';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/emulator';
import type { DeviceIdentity } from '../../lib/identity';
import { subDeviceSign } from '../../lib/protocol';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { tslFixture } from '../support/tslFixture';
import { deviceHarness } from './deviceHarness';

const GW_PK = 'a1GatewayPK';
const SUB_PK = 'a1SubPK0001';
const GW = { productKey: GW_PK, deviceName: 'gw01', deviceSecret: 'gw01-secret' };
const GW2 = { productKey: GW_PK, deviceName: 'gw02', deviceSecret: 'gw02-secret' };
const S01 = { productKey: SUB_PK, deviceName: 's01', deviceSecret: 'sub-secret-s01' };
const S02 = { productKey: SUB_PK, deviceName: 's02', deviceSecret: 'sub-secret-s02' };
const identity = ({ productKey, deviceName }: DeviceIdentity) => ({ productKey, deviceName });

// Both products have the thing model of every data type: temp (float -40..120), count (int 0..100), events
// fault {code, text} and hello {}.
const tsl = parseTsl(tslFixture('everyType'));
const products: EmulatorOptions['products'] = [
  { productKey: GW_PK, devices: [GW, GW2], tsl },
  { productKey: SUB_PK, devices: [S01, S02], tsl },
];

const gwThing = `/sys/${GW_PK}/gw01/thing`;
const PACK = `${gwThing}/event/property/pack/post`;
const HISTORY = `${gwThing}/event/property/history/post`;
const BATCH = `${gwThing}/event/property/batch/post`;

const harness = deviceHarness();
afterEach(() => harness.cleanup());

let lastId = 0;

/** Publishes an Alink request on `topic` and resolves with the parsed reply on `${topic}_reply`. */
async function ask(client: MqttClient, topic: string, method: string, params: unknown) {
  const reply = `${topic}_reply`;
  await client.subscribeAsync(reply, { qos: 1 });
  const id = String(++lastId);
  const answered = new Promise<Record<string, unknown>>((resolve) => {
    const onMessage = (at: string, body: Buffer) => {
      const json = JSON.parse(String(body)) as Record<string, unknown>;
      if (at !== reply || json['id'] !== id) return;
      client.removeListener('message', onMessage);
      resolve(json);
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(topic, JSON.stringify({ id, version: '1.0', params, method }), { qos: 1 });
  return answered;
}

const pack = (client: MqttClient, params: unknown) =>
  ask(client, PACK, 'thing.event.property.pack.post', params);
const history = (client: MqttClient, params: unknown) =>
  ask(client, HISTORY, 'thing.event.property.history.post', params);

const batch = (client: MqttClient, params: unknown) =>
  ask(client, BATCH, 'thing.event.property.batch.post', params);

/** An emulator with gw01 connected and s01 in its topology (s02 in none). */
async function gatewayWithSubDevice(options: Partial<EmulatorOptions> = {}) {
  const emulator = await harness.start({ products, ...options });
  const gw = await harness.connectDevice(emulator, GW);
  const fields = { ...identity(S01), clientId: `${SUB_PK}&s01`, timestamp: '1700000000000' };
  const sign = subDeviceSign('hmacsha1', S01.deviceSecret, fields);
  const added = await ask(gw, `${gwThing}/topo/add`, 'thing.topo.add', [
    { ...fields, signmethod: 'hmacsha1', sign },
  ]);
  expect(added).toMatchObject({ code: 200 });
  return { emulator, gw };
}

const s01 = (part: Record<string, unknown>) => ({ identity: identity(S01), ...part });
const value = { value: 1, time: 1000 };
const fault = { value: { code: 1, text: 'x' }, time: 1000 };

const statusOf = (emulator: Emulator, device: DeviceIdentity) =>
  emulator
    .queryDevicePropertyStatus(device)
    .map(({ identifier, value, time }) => ({ identifier, value, time }));

describe('cloudThingBatches', () => {
  describe('the pack post', () => {
    it("should answer 200 and keep each part's properties as its device's latest status and history", async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      const answered = firstValueFrom(
        emulator.events$.pipe(filter((e) => e.type === 'thing' && e.method.endsWith('pack.post'))),
      );
      const reply = await pack(gw, {
        properties: { temp: { value: 21.5, time: 1524448722000 } },
        events: { fault: { value: { code: 2, text: 'hot' }, time: 1524448722000 } },
        subDevices: [
          {
            identity: identity(S01),
            properties: { count: { value: 5, time: 1524448723000 }, on: { value: 1, time: 1524448723000 } },
            events: { hello: { value: {}, time: 1524448723000 } },
          },
        ],
      });
      expect(reply).toEqual({
        id: String(lastId),
        code: 200,
        data: {},
        message: 'success',
        method: 'thing.event.property.pack.post',
        version: '1.0',
      });
      expect(emulator.queryDevicePropertyStatus(GW)).toEqual([
        { identifier: 'temp', value: 21.5, time: 1524448722000, name: expect.any(String), dataType: 'float' },
      ]);
      expect(statusOf(emulator, S01)).toEqual([
        { identifier: 'count', value: 5, time: 1524448723000 },
        { identifier: 'on', value: 1, time: 1524448723000 },
      ]);
      expect(emulator.queryDevicePropertyData(S01, 'count')).toEqual([{ time: 1524448723000, value: 5 }]);
      expect(await answered).toMatchObject({
        type: 'thing',
        device: { productKey: GW_PK, deviceName: 'gw01' },
        method: 'thing.event.property.pack.post',
        code: 200,
      });
    });

    it("should refuse the whole post with 6401 when a part is not a sub-device in the gateway's topology", async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      for (const stranger of [S02, GW2, GW]) {
        const reply = await pack(gw, {
          properties: { temp: { value: 1, time: 1000 } },
          subDevices: [
            { identity: identity(S01), properties: { count: { value: 1, time: 1000 } } },
            { identity: identity(stranger), properties: { count: { value: 2, time: 1000 } } },
          ],
        });
        expect(reply).toMatchObject({
          code: 6401,
          message: `${stranger.productKey}/${stranger.deviceName} is not in the topology of ${GW_PK}/gw01`,
        });
      }
      expect(emulator.queryDevicePropertyStatus(GW)).toEqual([]);
      expect(emulator.queryDevicePropertyStatus(S01)).toEqual([]);
      expect(emulator.queryDevicePropertyData(GW, 'temp')).toEqual([]);
    });

    // Limits 3 properties, 2 events, 1 sub-device, counted over the whole message: each part is within them.
    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      [
        'properties',
        { properties: { temp: value }, subDevices: [s01({ properties: { temp: value, count: value } })] },
        {
          properties: { temp: value, count: value },
          subDevices: [s01({ properties: { temp: value, count: value } })],
        },
      ],
      [
        'events',
        { events: { fault }, subDevices: [s01({ events: { hello: { value: {} } } })] },
        { events: { fault }, subDevices: [s01({ events: { fault, hello: { value: {} } } })] },
      ],
      ['sub-devices', { subDevices: [s01({})] }, { subDevices: [s01({}), s01({})] }],
    ])('should take a post at its limit of %s and refuse one over it with 460', async (what, at, over) => {
      const { emulator, gw } = await gatewayWithSubDevice({
        packPostLimits: { properties: 3, events: 2, subDevices: 1 },
      });
      expect(await pack(gw, at)).toMatchObject({ code: 200 });
      const limit = { properties: 3, events: 2, 'sub-devices': 1 }[what];
      const got = what === 'sub-devices' ? 2 : limit! + 1;
      expect(await pack(gw, over)).toMatchObject({
        code: 460,
        message: `at most ${limit} ${what} in one pack post, got ${got}`,
      });
      // What the refused post carried was not kept: only the accepted one's values.
      expect(emulator.queryDevicePropertyData(S01, 'count')).toHaveLength(what === 'properties' ? 1 : 0);
    });

    it('should have the limits the platform documents by default: 200 properties, 20 events, 20 sub-devices', async () => {
      const { gw } = await gatewayWithSubDevice();
      const many = (n: number, entry: unknown) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, entry]));
      expect(
        await pack(gw, {
          properties: many(101, value),
          subDevices: [s01({ properties: many(100, value) })],
        }),
      ).toMatchObject({ code: 460, message: 'at most 200 properties in one pack post, got 201' });
      expect(
        await pack(gw, { events: many(11, fault), subDevices: [s01({ events: many(10, fault) })] }),
      ).toMatchObject({ code: 460, message: 'at most 20 events in one pack post, got 21' });
      expect(await pack(gw, { subDevices: Array.from({ length: 21 }, () => s01({})) })).toMatchObject({
        code: 460,
        message: 'at most 20 sub-devices in one pack post, got 21',
      });
      // At the limits, the thing model is what refuses the made-up identifiers: the limits passed.
      expect(
        await pack(gw, {
          properties: many(100, value),
          subDevices: [s01({ properties: many(100, value) })],
        }),
      ).toMatchObject({ code: 5092 });
    });

    it('should refuse a post that breaks a thing model as a property post: 5092 for an undefined one, else 460', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      const violations = firstValueFrom(
        emulator.events$.pipe(filter((e) => e.type === 'thing' && e.violations !== undefined)),
      );
      expect(
        await pack(gw, {
          properties: { temp: value },
          subDevices: [s01({ properties: { count: { value: 1.5, time: 1000 }, humidity: value } })],
        }),
      ).toMatchObject({
        code: 5092,
        message:
          'at subDevices[0].properties.count: expected an integer, got 1.5; ' +
          'at subDevices[0].properties.humidity: property humidity is not defined by the thing model',
      });
      expect(await violations).toMatchObject({
        code: 5092,
        violations: [{ rule: 'integer' }, { rule: 'undefined' }],
      });
      expect(await pack(gw, { events: { alarm: { value: {} } } })).toMatchObject({
        code: 5092,
        message: 'at events.alarm: event alarm is not defined by the thing model',
      });
      expect(
        await pack(gw, {
          properties: { temp: { value: 500, time: 1000 } },
          subDevices: [s01({ properties: { count: value } })],
        }),
      ).toMatchObject({ code: 460, message: expect.stringMatching(/^at properties\.temp: /) });
      expect(await pack(gw, { events: { fault: { value: { code: 'one' } } } })).toMatchObject({ code: 460 });
      expect(emulator.queryDevicePropertyStatus(GW)).toEqual([]);
      expect(emulator.queryDevicePropertyStatus(S01)).toEqual([]);
    });

    it('should answer params that do not decode with 460 and the reasons', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      expect(await pack(gw, [1])).toMatchObject({
        code: 460,
        // One line for each member of the codec's intersection.
        message: expect.stringMatching(
          /^request parameter error: at \(root\): expected PackPart, got \[1\]; /,
        ),
      });
      expect(
        await pack(gw, { properties: [1], subDevices: [{ identity: { productKey: SUB_PK } }] }),
      ).toMatchObject({
        code: 460,
        message:
          'request parameter error: at properties: expected PackProperties, got [1]; ' +
          'at subDevices.0.identity.deviceName: expected string, got undefined',
      });
      expect(await pack(gw, { events: { fault: { value: {}, time: 'soon' } } })).toMatchObject({
        code: 460,
        message: expect.stringContaining('at events.fault.time: must be a number'),
      });
      expect(emulator.queryDevicePropertyStatus(GW)).toEqual([]);
    });
  });

  describe('the history post', () => {
    it("should keep each part's values in the property history, ordered by time, and leave the latest status", async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      const post = await ask(gw, `${gwThing}/event/property/post`, 'thing.event.property.post', {
        temp: { value: 25, time: 5000 },
      });
      expect(post).toMatchObject({ code: 200 });
      const reply = await history(gw, [
        {
          identity: identity(GW),
          properties: [
            { temp: { value: 20, time: 3000 }, count: { value: 1, time: 3000 } },
            { temp: { value: 19, time: '1000' } },
            { temp: { value: 21, time: 2000 } },
          ],
          events: [{ fault: { value: { code: 3, text: 'late' }, time: 2500 } }],
        },
        { identity: identity(S01), properties: [{ count: { value: 7, time: 1500 } }] },
      ]);
      expect(reply).toEqual({
        id: String(lastId),
        code: 200,
        data: {},
        message: 'success',
        method: 'thing.event.property.history.post',
        version: '1.0',
      });
      expect(emulator.queryDevicePropertyData(GW, 'temp')).toEqual([
        { time: 1000, value: 19 },
        { time: 2000, value: 21 },
        { time: 3000, value: 20 },
        { time: 5000, value: 25 },
      ]);
      expect(emulator.queryDevicePropertyData(GW, 'temp', { startTime: 2000, endTime: 3000 })).toEqual([
        { time: 2000, value: 21 },
        { time: 3000, value: 20 },
      ]);
      expect(emulator.queryDevicePropertyData(GW, 'temp', { asc: false, pageSize: 2 })).toEqual([
        { time: 5000, value: 25 },
        { time: 3000, value: 20 },
      ]);
      expect(emulator.queryDevicePropertyData(GW, 'count')).toEqual([{ time: 3000, value: 1 }]);
      expect(emulator.queryDevicePropertyData(S01, 'count')).toEqual([{ time: 1500, value: 7 }]);
      expect(emulator.queryDevicePropertyData(S01, 'temp')).toEqual([]);
      // The latest status is what the property post said: history does not change it.
      expect(statusOf(emulator, GW)).toEqual([{ identifier: 'temp', value: 25, time: 5000 }]);
      expect(emulator.queryDevicePropertyStatus(S01)).toEqual([]);
    });

    it('should take the history of a device that is no gateway, for itself', async () => {
      const emulator = await harness.start({ products });
      const device = await harness.connectDevice(emulator, GW2);
      const topic = `/sys/${GW_PK}/gw02/thing/event/property/history/post`;
      const params = [{ identity: identity(GW2), properties: [{ count: { value: 9, time: 100 } }] }];
      expect(await ask(device, topic, 'thing.event.property.history.post', params)).toMatchObject({
        code: 200,
      });
      expect(emulator.queryDevicePropertyData(GW2, 'count')).toEqual([{ time: 100, value: 9 }]);
    });

    it('should refuse with 6401 a part for a device that is neither the poster nor in its topology', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      for (const other of [S02, GW2]) {
        const reply = await history(gw, [
          { identity: identity(GW), properties: [{ count: { value: 1, time: 1000 } }] },
          { identity: identity(other), properties: [{ count: { value: 1, time: 1000 } }] },
        ]);
        expect(reply).toMatchObject({
          code: 6401,
          message: `${other.productKey}/${other.deviceName} is not in the topology of ${GW_PK}/gw01`,
        });
      }
      expect(emulator.queryDevicePropertyData(GW, 'count')).toEqual([]);
      expect(emulator.queryDevicePropertyData(S02, 'count')).toEqual([]);
    });

    it('should refuse with 460 a property without its time or its value', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      expect(
        await history(gw, [{ identity: identity(GW), properties: [{ temp: { value: 1 } }] }]),
      ).toMatchObject({
        code: 460,
        message:
          'request parameter error: at 0.properties.0.temp.time: must be a number or a string of one, got undefined',
      });
      expect(
        await history(gw, [{ identity: identity(GW), properties: [{ temp: { time: 1000 } }] }]),
      ).toMatchObject({
        code: 460,
        message: 'request parameter error: at 0.properties.0.temp.value: a value is required',
      });
      expect(await history(gw, { identity: identity(GW) })).toMatchObject({ code: 460 });
      expect(emulator.queryDevicePropertyData(GW, 'temp')).toEqual([]);
    });

    it('should refuse a post that breaks a thing model: 5092 for an undefined property, else 460', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      expect(
        await history(gw, [
          { identity: identity(GW), properties: [{ temp: { value: 1, time: 1000 } }] },
          { identity: identity(S01), properties: [{ count: value }, { humidity: value }] },
        ]),
      ).toMatchObject({
        code: 5092,
        message: 'at [1].properties[1].humidity: property humidity is not defined by the thing model',
      });
      expect(
        await history(gw, [{ identity: identity(S01), properties: [{ count: { value: 101, time: 1000 } }] }]),
      ).toMatchObject({ code: 460, message: expect.stringMatching(/^at \[0\]\.properties\[0\]\.count: /) });
      expect(
        await history(gw, [
          { identity: identity(GW), events: [{ fault: { value: { code: 'x' }, time: 1 } }] },
        ]),
      ).toMatchObject({ code: 460, message: expect.stringMatching(/^at \[0\]\.events\[0\]\.fault\.code: /) });
      expect(emulator.queryDevicePropertyData(GW, 'temp')).toEqual([]);
      expect(emulator.queryDevicePropertyData(S01, 'count')).toEqual([]);
    });
  });

  describe('the property history', () => {
    it('should keep at most propertyHistoryLimit records of a property, dropping the earliest', async () => {
      const { emulator, gw } = await gatewayWithSubDevice({ propertyHistoryLimit: 3 });
      const measured = (times: number[]) => times.map((time) => ({ temp: { value: time, time } }));
      expect(
        await history(gw, [{ identity: identity(GW), properties: measured([1, 2, 3, 4, 5]) }]),
      ).toMatchObject({
        code: 200,
      });
      const times = () => emulator.queryDevicePropertyData(GW, 'temp').map((r) => r.time);
      expect(times()).toEqual([3, 4, 5]);
      // Older than every record kept: it goes at once.
      await history(gw, [{ identity: identity(GW), properties: measured([0]) }]);
      expect(times()).toEqual([3, 4, 5]);
      await history(gw, [{ identity: identity(GW), properties: measured([3.5]) }]);
      expect(times()).toEqual([3.5, 4, 5]);
      // A property post feeds the same history; another property has its own.
      await ask(gw, `${gwThing}/event/property/post`, 'thing.event.property.post', {
        temp: { value: 9, time: 9 },
      });
      expect(times()).toEqual([4, 5, 9]);
      await history(gw, [{ identity: identity(GW), properties: [{ count: { value: 1, time: 1 } }] }]);
      expect(emulator.queryDevicePropertyData(GW, 'count')).toHaveLength(1);
      expect(times()).toEqual([4, 5, 9]);
    });

    it.each<[string, Partial<EmulatorOptions>]>([
      ['propertyHistoryLimit 0', { propertyHistoryLimit: 0 }],
      ['propertyHistoryLimit 1.5', { propertyHistoryLimit: 1.5 }],
      ['packPostLimits.events -1', { packPostLimits: { events: -1 } }],
    ])('should refuse to start with %s', async (_name, options) => {
      await expect(startEmulator({ products, ...options })).rejects.toThrow(RangeError);
    });
  });

  describe('the pack post, each property {value, time?}', () => {
    it('should take a time as a string of digits, drop a key besides value and time, and refuse a value alone', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      expect(
        await pack(gw, { properties: { temp: { value: 21, time: '1700000000000', unit: 'C' } } }),
      ).toMatchObject({ code: 200 });
      expect(statusOf(emulator, GW)).toEqual([{ identifier: 'temp', value: 21, time: 1700000000000 }]);
      expect(await pack(gw, { properties: { temp: 22 } })).toMatchObject({
        code: 460,
        message: expect.stringMatching(/^request parameter error: at properties\.temp/) as unknown,
      });
      // 1e400 is Infinity in JSON.parse: no time at all, as a time that is no finite number.
      const infinite =
        '{"id":"77","version":"1.0","params":{"properties":{"temp":{"value":23,"time":1e400}}}}';
      const replied = firstValueFrom(
        emulator.events$.pipe(filter((e) => e.type === 'thing' && e.id === '77')),
      );
      await gw.publishAsync(PACK, infinite, { qos: 1 });
      expect(await replied).toMatchObject({ code: 460 });
      expect(statusOf(emulator, GW)).toEqual([{ identifier: 'temp', value: 21, time: 1700000000000 }]);
    });
  });

  describe('refusals', () => {
    it('should cut each problem of a refusal, so that one naming long identifiers still goes out', async () => {
      const { gw } = await gatewayWithSubDevice();
      const properties = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`${String(i)}${'x'.repeat(20_000)}`, [{ value: 1 }]]),
      );
      const refused = await batch(gw, { properties });
      expect(refused).toMatchObject({ code: 5092 });
      const message = String(refused['message']);
      expect(message.length).toBeLessThan(2_500);
      expect(message).toMatch(/^at properties\.0x{185}…; at properties\.1x/);
    });
  });

  describe('the batch post', () => {
    it('should answer 200, keep every value in the history, and the one measured last as the latest status', async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      const reply = await batch(gw, {
        properties: {
          temp: [
            { value: 22, time: 3000 },
            { value: 20, time: 1000 },
            { value: 21, time: '2000' },
          ],
          count: [{ value: 7 }],
        },
        events: { fault: [fault, { value: { code: 2 }, time: 2000 }] },
      });
      expect(reply).toMatchObject({ code: 200, method: 'thing.event.property.batch.post' });
      expect(emulator.queryDevicePropertyData(GW, 'temp')).toEqual([
        { time: 1000, value: 20 },
        { time: 2000, value: 21 },
        { time: 3000, value: 22 },
      ]);
      expect(statusOf(emulator, GW)).toEqual([
        { identifier: 'temp', value: 22, time: 3000 },
        // Without a time: when it arrived.
        { identifier: 'count', value: 7, time: expect.any(Number) },
      ]);
    });

    it("should refuse a batch that breaks the product's thing model whole, each value at its index", async () => {
      const { emulator, gw } = await gatewayWithSubDevice();
      const refused = await batch(gw, {
        properties: { temp: [{ value: 1 }, { value: 121 }], nope: [{ value: 1 }] },
        events: { fault: [{ value: { code: 256 } }] },
      });
      expect(refused).toMatchObject({
        code: 5092,
        message:
          'at properties.temp[1]: 121 is above the max 120; ' +
          'at properties.nope: property nope is not defined by the thing model; ' +
          'at events.fault[0].code: 256 is above the max 255',
      });
      const outOfRange = await batch(gw, { properties: { count: [{ value: 101 }] } });
      expect(outOfRange).toMatchObject({ code: 460 });
      expect(emulator.queryDevicePropertyData(GW, 'temp')).toEqual([]);
      expect(statusOf(emulator, GW)).toEqual([]);
    });

    it.each<[string, unknown]>([
      ['a property that is no list of values', { properties: { temp: { value: 1 } } }],
      ['a value without its value', { properties: { temp: [{ time: 1 }] } }],
      ['an event without its output values', { events: { fault: [{ time: 1 }] } }],
    ])('should refuse %s with 460', async (_name, params) => {
      const { gw } = await gatewayWithSubDevice();
      expect(await batch(gw, params)).toMatchObject({
        code: 460,
        message: expect.stringMatching(/^request parameter error: at /) as unknown,
      });
    });
  });
});
