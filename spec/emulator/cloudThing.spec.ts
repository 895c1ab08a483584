// The emulator's cloud side of the thing model, against a raw MQTT.js device: what it answers to posts and
// desired-property requests, what it keeps, and what it reports on events$.
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { describeEmulatorEvent } from '../../lib/emulator/describeEmulatorEvent';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { DEV01, PK, SECRET, deviceHarness, nextMessage } from './deviceHarness';
import { tslFixture } from '../support/tslFixture';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const tsl = parseTsl(tslFixture('everyType'));
const sys = `/sys/${PK}/dev01/thing`;
const post = (id: string, params: unknown, ack = 1) =>
  JSON.stringify({ id, version: '1.0', sys: { ack }, params, method: 'thing.event.property.post' });

describe('cloudThingState', () => {
  it('should answer a property post on post_reply with 200 and keep each value with its time', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    const reply = nextMessage(client);
    client.publish(
      `${sys}/event/property/post`,
      post('5', { temp: 20, on: { value: 1, time: 1700000000000 } }),
    );
    expect(JSON.parse((await reply).payload.toString())).toEqual({
      id: '5',
      code: 200,
      data: {},
      message: 'success',
      method: 'thing.event.property.post',
      version: '1.0',
    });
    expect(emulator.queryDevicePropertyStatus(DEV01)).toEqual([
      { identifier: 'temp', value: 20, time: expect.any(Number) },
      { identifier: 'on', value: 1, time: 1700000000000 },
    ]);
  });

  it('should answer with the codes of the product thing model, and report each answer on events$', async () => {
    const emulator = await harness.start({
      products: [{ productKey: PK, devices: [{ deviceName: 'dev01', deviceSecret: SECRET }], tsl }],
    });
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/+/post_reply`, { qos: 1 });
    const events = firstValueFrom(
      emulator.events$.pipe(
        filter((e) => e.type === 'thing'),
        take(3),
        toArray(),
      ),
    );
    const replies: Record<string, unknown>[] = [];
    const three = new Promise<void>((resolve) =>
      client.on('message', (_topic, payload) => {
        replies.push(JSON.parse(payload.toString()) as Record<string, unknown>);
        if (replies.length === 3) resolve();
      }),
    );
    client.publish(`${sys}/event/property/post`, post('1', { humidity: 1 }));
    client.publish(`${sys}/event/property/post`, post('2', { count: 1.5 }));
    client.publish(
      `${sys}/event/fault/post`,
      JSON.stringify({ id: '3', params: { value: { code: 1 } }, method: 'thing.event.fault.post' }),
    );
    await three;
    expect(replies.map((r) => [r['id'], r['code'], r['message']])).toEqual([
      ['1', 5092, 'at humidity: property humidity is not defined by the thing model'],
      ['2', 460, 'at count: expected an integer, got 1.5'],
      ['3', 200, 'success'],
    ]);
    expect(
      (await events).map((e) => e.type === 'thing' && [e.method, e.id, e.code, e.violations?.[0]?.rule]),
    ).toEqual([
      ['thing.event.property.post', '1', 5092, 'undefined'],
      ['thing.event.property.post', '2', 460, 'integer'],
      ['thing.event.fault.post', '3', 200, undefined],
    ]);
    // Each names the device, and carries nothing of the message it answered.
    expect((await events).map((e) => e.type === 'thing' && Object.keys(e.device).sort())).toEqual(
      Array(3).fill(['clientId', 'deviceName', 'productKey']),
    );
  });

  it('should not answer a post with sys.ack 0, and still keep its values', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    let replies = 0;
    client.on('message', () => (replies += 1));
    const handled = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'thing')));
    client.publish(`${sys}/event/property/post`, post('9', { temp: 3 }, 0));
    expect(await handled).toMatchObject({ type: 'thing', id: '9' });
    expect((await handled).type === 'thing' && 'code' in (await handled)).toBe(false);
    // A post after it is answered: had the first been answered, its reply would have come first.
    const reply = nextMessage(client);
    client.publish(`${sys}/event/property/post`, post('10', { temp: 4 }));
    expect(JSON.parse((await reply).payload.toString())).toMatchObject({ id: '10' });
    expect(replies).toBe(1);
    expect(emulator.queryDevicePropertyStatus(DEV01).map((p) => p.value)).toEqual([4]);
  });

  it('should answer desired get with the values asked for, and delete by version', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/property/desired/+`, { qos: 1 });
    emulator.setDeviceDesiredProperty(DEV01, { count: 1, mode: 2 });
    emulator.setDeviceDesiredProperty(DEV01, { count: 3 });
    const got = nextMessage(client);
    client.publish(`${sys}/property/desired/get`, JSON.stringify({ id: '4', params: ['count', 'label'] }));
    expect(JSON.parse((await got).payload.toString())).toMatchObject({
      id: '4',
      code: 200,
      data: { count: { value: 3, version: 2 } },
    });
    const deleted = nextMessage(client);
    client.publish(
      `${sys}/property/desired/delete`,
      JSON.stringify({ id: '5', params: { count: { version: 1 }, mode: {} } }),
    );
    expect(JSON.parse((await deleted).payload.toString())).toMatchObject({ id: '5', code: 200 });
    expect(emulator.queryDeviceDesiredProperty(DEV01)).toEqual({ count: { value: 3, version: 2 } });
    // Versions count on after a delete.
    expect(emulator.setDeviceDesiredProperty(DEV01, { mode: 0 })).toEqual({ mode: 2 });
  });

  it('should answer params that are not an object of properties with 460', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    const reply = nextMessage(client);
    client.publish(`${sys}/event/property/post`, post('6', [1, 2]));
    expect(JSON.parse((await reply).payload.toString())).toMatchObject({ id: '6', code: 460 });
  });

  it('should answer a post of a property named like a member of every object with 5092, and live on', async () => {
    const emulator = await harness.start({
      products: [{ productKey: PK, devices: [{ deviceName: 'dev01', deviceSecret: SECRET }], tsl }],
    });
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    const reply = nextMessage(client);
    client.publish(`${sys}/event/property/post`, post('12', { toString: 1 }));
    expect(JSON.parse((await reply).payload.toString())).toMatchObject({ id: '12', code: 5092 });
    const next = nextMessage(client);
    client.publish(`${sys}/event/property/post`, post('13', { temp: 20 }));
    expect(JSON.parse((await next).payload.toString())).toMatchObject({ id: '13', code: 200 });
  });

  it('should read a request whose __proto__ key would give it fields it does not have as the request it is', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    const answered = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'thing')));
    const reply = nextMessage(client);
    // A numeric id makes io-ts copy the request: with the key kept, `method` came from it, not a string.
    client.publish(
      `${sys}/event/property/post`,
      '{"id":14,"params":{"temp":1},"__proto__":{"method":{"toString":1},"sys":{"ack":0}}}',
    );
    expect(JSON.parse((await reply).payload.toString())).toMatchObject({ id: '14', code: 200 });
    const event = await answered;
    expect(event).toMatchObject({ method: 'thing.event.property.post', id: '14', code: 200 });
    expect(describeEmulatorEvent(event)).toContain('thing.event.property.post');
  });

  it('should answer a post that breaks the thing model 30,000 times, naming the first ten', async () => {
    const emulator = await harness.start({
      products: [{ productKey: PK, devices: [{ deviceName: 'dev01', deviceSecret: SECRET }], tsl }],
    });
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/event/property/post_reply`, { qos: 1 });
    const reply = nextMessage(client);
    client.publish(`${sys}/event/property/post`, post('15', { hist: new Array(30_000).fill('x') }));
    const answer = JSON.parse((await reply).payload.toString()) as { code: number; message: string };
    expect(answer.code).toBe(460);
    expect(answer.message.split('; ')).toHaveLength(11);
    expect(answer.message).toMatch(/; and 29991 more$/);
  });

  it("should answer thing.dsltemplate.get with the product's TSL in the console's form", async () => {
    const emulator = await harness.start({
      products: [{ productKey: PK, devices: [{ deviceName: 'dev01', deviceSecret: SECRET }], tsl }],
    });
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/dsltemplate/get_reply`, { qos: 1 });
    const answered = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'thing')));
    const reply = nextMessage(client);
    client.publish(
      `${sys}/dsltemplate/get`,
      JSON.stringify({ id: '8', version: '1.0', params: {}, method: 'thing.dsltemplate.get' }),
    );
    const answer = JSON.parse((await reply).payload.toString()) as {
      data: { profile: unknown; properties: { identifier: string; dataType: unknown }[] };
    };
    expect(answer).toMatchObject({ id: '8', code: 200, method: 'thing.dsltemplate.get' });
    expect(answer.data.profile).toEqual({ productKey: PK });
    expect(answer.data.properties.map((p) => p.identifier)).toEqual(Object.keys(tsl.properties));
    expect(answer.data.properties[0]?.dataType).toEqual({
      type: 'float',
      specs: { min: '-40', max: '120', step: '0.1', unit: '°C' },
    });
    expect(await answered).toMatchObject({ method: 'thing.dsltemplate.get', id: '8', code: 200 });
  });
});
