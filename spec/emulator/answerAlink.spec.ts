// How the emulator answers an Alink request whose envelope it cannot read, against a raw MQTT.js device: with
// 400 and the reason when the request's id can be read, so that the device does not wait out its timeout.
import { DEV01, PK, deviceHarness, nextMessage } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const POST = `/sys/${PK}/dev01/thing/event/property/post`;
const request = (fields: Record<string, unknown>) =>
  JSON.stringify({ version: '1.0', params: { temp: 1 }, method: 'thing.event.property.post', ...fields });

describe('answerAlink', () => {
  async function connected() {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator, DEV01);
    await client.subscribeAsync(`${POST}_reply`, { qos: 1 });
    return client;
  }

  it.each<[string, string, string]>([
    ['a method that is no string', request({ id: '5', method: 7 }), 'at method: expected string, got 7'],
    ['a version that is no string', request({ id: 6, version: 1 }), 'at version: expected string, got 1'],
    [
      'params nested deeper than 64 levels',
      request({ id: '7', params: { temp: JSON.parse(`${'['.repeat(70)}1${']'.repeat(70)}`) as unknown } }),
      'payload nests deeper than 64 levels',
    ],
  ])('should answer a request with %s 400 and the reason', async (_name, payload, reason) => {
    const client = await connected();
    const reply = nextMessage(client);
    await client.publishAsync(POST, payload, { qos: 1 });
    const answer = JSON.parse((await reply).payload.toString()) as Record<string, unknown>;
    expect(answer).toEqual({
      id: String(JSON.parse(payload).id),
      code: 400,
      data: {},
      message: expect.stringContaining(reason) as unknown,
      version: '1.0',
    });
    expect(answer['message']).toMatch(/^request error: /);
  });

  it('should not answer one whose id cannot be read, nor one that asks for no reply', async () => {
    const client = await connected();
    const replies: string[] = [];
    client.on('message', (_topic, payload) => replies.push(payload.toString()));
    await client.publishAsync(POST, request({ method: 7 }), { qos: 1 });
    await client.publishAsync(POST, request({ id: 'x1', method: 7 }), { qos: 1 });
    await client.publishAsync(POST, 'not json', { qos: 1 });
    await client.publishAsync(POST, request({ id: '8', method: 7, sys: { ack: 0 } }), { qos: 1 });
    // A request that is read is answered after them: nothing came before it.
    const last = nextMessage(client);
    await client.publishAsync(POST, request({ id: '9' }), { qos: 1 });
    expect(JSON.parse((await last).payload.toString())).toMatchObject({ id: '9', code: 200 });
    expect(replies.map((reply) => (JSON.parse(reply) as { id: string }).id)).toEqual(['9']);
  });
});
