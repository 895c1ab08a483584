// The emulator's shadow against a raw MQTT.js device: the replies and the error codes.
import { PK, deviceHarness, nextMessage } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const update = `/shadow/update/${PK}/dev01`;
const get = `/shadow/get/${PK}/dev01`;

async function device() {
  const emulator = await harness.start({ clock: () => 1_700_000_000_000 });
  const client = await harness.connectDevice(emulator);
  await client.subscribeAsync(get, { qos: 1 });
  const ask = async (payload: string | object) => {
    const reply = nextMessage(client);
    await client.publishAsync(update, typeof payload === 'string' ? payload : JSON.stringify(payload));
    return JSON.parse((await reply).payload.toString()) as Record<string, unknown>;
  };
  return { emulator, ask };
}

describe('cloudShadow', () => {
  it('should answer an update with its version, and a get with the document', async () => {
    const { ask } = await device();
    expect(await ask({ method: 'update', state: { reported: { color: 'red' } }, version: 1 })).toEqual({
      method: 'reply',
      payload: { status: 'success', version: 1 },
      version: 1,
      timestamp: 1_700_000_000,
    });
    expect(await ask({ method: 'get' })).toEqual({
      method: 'reply',
      payload: {
        status: 'success',
        state: { reported: { color: 'red' } },
        metadata: { reported: { color: { timestamp: 1_700_000_000 } } },
      },
      version: 1,
      timestamp: 1_700_000_000,
    });
  });

  it.each<[string, string | object, number]>([
    ['a payload that is not JSON', 'not json', 400],
    ['no method', { state: {}, version: 1 }, 401],
    ['no state', { method: 'update', version: 1 }, 402],
    ['a version that is no number', { method: 'update', state: { reported: {} }, version: '2' }, 403],
    ['a delete without reported', { method: 'delete', state: {}, version: 1 }, 404],
    ['an unknown method', { method: 'replace', state: {}, version: 1 }, 406],
    ['a stale version', { method: 'update', state: { reported: { a: 1 } }, version: 0 }, 409],
  ])('should answer %s with %p', async (_, payload, code) => {
    const { ask } = await device();
    const reply = await ask(payload);
    expect(reply).toMatchObject({
      method: 'reply',
      payload: { status: 'error', content: { errorcode: code } },
    });
  });

  it('should leave out an attribute named __proto__ a device sends, and keep one the cloud sets as an attribute', async () => {
    const { emulator, ask } = await device();
    const target = { productKey: PK, deviceName: 'dev01' };
    // From a device, the key is left out as the payload is read: the rest is taken.
    expect(
      await ask('{"method":"update","state":{"reported":{"__proto__":{"x":1},"more":2}},"version":1}'),
    ).toMatchObject({ payload: { status: 'success', version: 1 } });
    expect(emulator.getDeviceShadow(target).state.reported).toEqual({ more: 2 });
    // In process, an own __proto__ (as JSON.parse makes one) is an attribute, not the section's prototype.
    const desired = JSON.parse('{"__proto__":{"temp":21},"other":1}') as Record<string, unknown>;
    await emulator.updateDeviceShadow(target, { state: { desired }, version: 2 });
    const kept = emulator.getDeviceShadow(target).state.desired as Record<string, unknown>;
    expect(Object.keys(kept)).toEqual(['__proto__', 'other']);
    expect(kept['temp']).toBeUndefined();
  });

  it('should refuse a report nested 6,000 levels deep with 400, and answer a get afterwards', async () => {
    const { ask } = await device();
    const deep = `${'['.repeat(6_000)}1${']'.repeat(6_000)}`;
    expect(await ask(`{"method":"update","state":{"reported":{"d":${deep}}},"version":1}`)).toMatchObject({
      payload: {
        status: 'error',
        content: { errorcode: 400, errormessage: 'payload nests deeper than 64 levels' },
      },
    });
    expect(await ask({ method: 'get' })).toMatchObject({ method: 'reply', payload: { status: 'success' } });
  });

  it('should refuse more than 128 reported attributes with 408, and keep the shadow', async () => {
    const { emulator, ask } = await device();
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`a${i}`, i]));
    expect(await ask({ method: 'update', state: { reported: many }, version: 1 })).toMatchObject({
      payload: { content: { errorcode: 408 } },
    });
    expect(emulator.getDeviceShadow({ productKey: PK, deviceName: 'dev01' }).version).toBe(0);
  });
});
