// The cloud's calls to a device's thing model, against a raw MQTT.js device that answers them by hand.
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import { ReplyTimeoutError, TslViolationError } from '../../lib/emulator';
import { DEV01, PK, SECRET, deviceHarness } from './deviceHarness';
import { tslFixture } from '../support/tslFixture';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const tsl = parseTsl(tslFixture('everyType'));
const sys = `/sys/${PK}/dev01/thing`;

describe('cloudThingCalls', () => {
  it('should set properties on property/set and resolve with the reply to its id, passing over others', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/service/property/set`, { qos: 1 });
    const asked: unknown[] = [];
    client.on('message', (_topic, payload) => {
      const request = JSON.parse(payload.toString()) as { id: string; params: unknown; method: string };
      asked.push(request);
      // Another id first: not the reply to this call.
      client.publish(`${sys}/service/property/set_reply`, JSON.stringify({ id: '1', code: 200, data: {} }));
      client.publish(
        `${sys}/service/property/set_reply`,
        JSON.stringify({ id: request.id, code: 100001, data: { x: 1 } }),
      );
    });
    const reply = await emulator.setDeviceProperty(DEV01, { count: 2 });
    expect(reply).toEqual({ id: expect.stringMatching(/^\d+$/), code: 100001, data: { x: 1 } });
    expect(asked).toEqual([
      {
        id: reply.id,
        version: '1.0',
        sys: { ack: 1 },
        params: { count: 2 },
        method: 'thing.service.property.set',
      },
    ]);
  });

  it('should invoke an async service on its topic and a sync one over /ext/rrpc, its message id the Alink id', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${sys}/service/+`, { qos: 1 });
    const topics: string[] = [];
    client.on('message', (topic, payload) => {
      topics.push(topic);
      const { id } = JSON.parse(payload.toString()) as { id: string };
      const replyTopic = topic.startsWith('/ext/rrpc/') ? topic : `${topic}_reply`;
      client.publish(replyTopic, JSON.stringify({ id, code: 200, data: { via: replyTopic } }));
    });
    const async = await emulator.invokeThingService(DEV01, 'calibrate', { offset: 1 });
    const sync = await emulator.invokeThingService(DEV01, 'reboot', { delay: 1 }, { callType: 'sync' });
    expect(async.data).toEqual({ via: `${sys}/service/calibrate_reply` });
    expect(topics[1]).toBe(`/ext/rrpc/${sync.id}${sys}/service/reboot`);
    expect(sync.data).toEqual({ via: topics[1] });
  });

  it('should refuse what the thing model refuses before sending, and time out with ReplyTimeoutError', async () => {
    const emulator = await harness.start({
      products: [{ productKey: PK, devices: [{ deviceName: 'dev01', deviceSecret: SECRET }], tsl }],
    });
    await harness.connectDevice(emulator);
    const refused = emulator.invokeThingService(DEV01, 'reboot', { delay: 99, extra: 1 });
    await expect(refused).rejects.toBeInstanceOf(TslViolationError);
    await expect(refused).rejects.toMatchObject({
      violations: [
        { path: 'delay', rule: 'max' },
        { path: 'extra', rule: 'undefined' },
      ],
    });
    await expect(emulator.setDeviceProperty(DEV01, { mode: 1 }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      ReplyTimeoutError,
    );
  });
});
