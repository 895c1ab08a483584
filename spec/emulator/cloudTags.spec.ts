// The emulator's tag service against a raw MQTT.js device: the reply envelope and bad requests.
import { DEV01, PK, deviceHarness, nextMessage } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const topic = `/sys/${PK}/dev01/thing/deviceinfo/update`;

describe('cloudTags', () => {
  it('should reply as the platform does, with the id, code, method and version', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${topic}_reply`);
    const reply = nextMessage(client);
    const request = {
      id: 77,
      version: '1.0',
      params: [{ attrKey: 'k', attrValue: 'v' }],
      method: 'thing.deviceinfo.update',
    };
    await client.publishAsync(topic, JSON.stringify(request));
    expect(JSON.parse((await reply).payload.toString())).toEqual({
      id: '77',
      code: 200,
      data: {},
      message: 'success',
      method: 'thing.deviceinfo.update',
      version: '1.0',
    });
    expect(emulator.queryDeviceProp(DEV01)).toEqual({ k: 'v' });
  });

  it('should answer params that do not decode with 460 and the reason', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`${topic}_reply`);
    const reply = nextMessage(client);
    await client.publishAsync(
      topic,
      JSON.stringify({ id: '5', params: { k: 'v' }, method: 'thing.deviceinfo.update' }),
    );
    const answer = JSON.parse((await reply).payload.toString()) as {
      id: string;
      code: number;
      message: string;
    };
    expect(answer).toMatchObject({ id: '5', code: 460 });
    expect(answer.message).toMatch(/request parameter error/);
    expect(emulator.queryDeviceProp(DEV01)).toEqual({});
  });
});
