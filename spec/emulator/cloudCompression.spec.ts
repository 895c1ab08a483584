// The emulator's side of message compression, spoken to in raw requests as each SDK writes them.
import { gunzipSync, gzipSync } from 'node:zlib';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject, type Subscription } from 'rxjs';
import type { InboundMessage } from '../../lib/connection/messages';
import { DEFAULT_TOPIC_CLASSES, type EmulatorEvent } from '../../lib/emulator';
import { DEVICE_SECRET, emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

const sys = `/sys/${PRODUCT_KEY}/dev01`;
const get = `/${PRODUCT_KEY}/dev01/user/get`;
const entry = (topic: string, operation = 'compress', format = 'gzip') => ({ topic, operation, format });

describe('cloudCompression', () => {
  let rig: EmulatorDevice;
  const subscriptions: Subscription[] = [];
  beforeAll(async () => {
    rig = await emulatorDevice();
    // Kept subscribed for every exchange, each of which reads the replies from then on.
    const subscribed = firstValueFrom(rig.cloud.events$.pipe(filter((e) => e.type === 'subscribe')));
    subscriptions.push(rig.device.observe(rig.device.topics.codecTopicUpdateReply, { qos: 1 }).subscribe());
    await subscribed;
  });
  afterAll(async () => {
    subscriptions.splice(0).forEach((s) => s.unsubscribe());
    await rig.close();
  });

  /** Sends a raw declaration and resolves with the reply and the event it made. */
  async function exchange(request: unknown) {
    const replies = new ReplaySubject<InboundMessage>();
    subscriptions.push(rig.device.observe(rig.device.topics.codecTopicUpdateReply).subscribe(replies));
    const event = firstValueFrom(
      rig.cloud.events$.pipe(
        filter((e): e is Extract<EmulatorEvent, { type: 'compression' }> => e.type === 'compression'),
      ),
    );
    const payload = typeof request === 'string' ? request : JSON.stringify(request);
    await lastValueFrom(rig.device.publish({ topic: rig.device.topics.codecTopicUpdate, payload, qos: 1 }));
    return {
      reply: JSON.parse((await firstValueFrom(replies)).payload.toString()) as unknown,
      event: await event,
    };
  }

  it.each<[string, unknown, unknown]>([
    [
      "the C SDK's, params alone: answered without an id",
      `{"params":[{"topic": "${get}","operation": "compress","format": "gzip"}]}`,
      { version: '1.0', code: 200, message: 'success' },
    ],
    [
      "the docs', a numeric id and version: the id answered as digits",
      { id: 1, version: 1.0, params: [entry(get)] },
      { id: '1', version: '1.0', code: 200, message: 'success' },
    ],
    [
      'ours, the id a string',
      { id: '77', version: '1.0', params: [entry(`${sys}/thing/event/property/post`, 'decompress')] },
      { id: '77', version: '1.0', code: 200, message: 'success' },
    ],
  ])('should take a declaration as %s', async (_, request, reply) => {
    expect((await exchange(request)).reply).toEqual(reply);
  });

  it.each<[string, unknown, string | RegExp]>([
    [
      'a format other than gzip',
      { id: '5', params: [entry(get, 'compress', 'zlib')] },
      'format "zlib" is not gzip',
    ],
    [
      'a wildcard',
      { id: '5', params: [entry(`${sys}/thing/service/+`)] },
      `"${sys}/thing/service/+" is no complete topic (no wildcards)`,
    ],
    [
      'a topic broadcast',
      { id: '5', params: [entry(`/broadcast/${PRODUCT_KEY}/news`)] },
      `/broadcast/${PRODUCT_KEY}/news is not a topic of ${PRODUCT_KEY}/dev01`,
    ],
    [
      '21 topics',
      { id: '5', params: Array.from({ length: 21 }, (_, n) => entry(`/${PRODUCT_KEY}/dev01/user/t${n}`)) },
      '21 topics, over 20 per device',
    ],
    [
      'an unknown operation',
      { id: '5', params: [entry(get, 'zip')] },
      /^bad value at .*params\.0\.operation$/,
    ],
  ])('should refuse %s with 460 and say why', async (_, request, why) => {
    const { reply, event } = await exchange(request);
    const { message, ...rest } = reply as { message: string };
    expect(rest).toEqual({ id: '5', version: '1.0', code: 460 });
    const said = message.replace(/^request parameter error: /, '');
    if (typeof why === 'string') expect(said).toBe(why);
    else expect(said).toMatch(why);
    expect(reply).toEqual({
      id: '5',
      version: '1.0',
      code: 460,
      message: expect.stringContaining('request parameter error: '),
    });
    expect((reply as { message: string }).message).toEqual(
      typeof why === 'string' ? `request parameter error: ${why}` : expect.stringContaining('operation'),
    );
    expect(event).toMatchObject({ type: 'compression', code: 460 });
  });

  it('should answer a request that is no JSON with 460 and no id', async () => {
    const { reply, event } = await exchange('not json');
    expect(reply).toEqual({
      version: '1.0',
      code: 460,
      message: 'request parameter error: payload is not JSON',
    });
    expect(event).toEqual({
      type: 'compression',
      device: { productKey: PRODUCT_KEY, deviceName: 'dev01' },
      code: 460,
      uplink: [],
      downlink: [],
      message: 'request parameter error: payload is not JSON',
    });
  });

  it('should report the topics of each direction it took', async () => {
    const post = `${sys}/thing/event/property/post`;
    const { event } = await exchange({
      id: '9',
      params: [entry(post, 'decompress'), entry(get), entry(get)],
    });
    expect(event).toEqual({
      type: 'compression',
      device: { productKey: PRODUCT_KEY, deviceName: 'dev01' },
      code: 200,
      uplink: [post],
      downlink: [get],
    });
  });
});

describe('cloudCompression, forwarding a device publish (forwardDevicePublishes)', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => {
    const topicClasses = [...DEFAULT_TOPIC_CLASSES, { topic: 'user/echo', access: 'all' } as const];
    const devices = [{ deviceName: 'dev01', deviceSecret: DEVICE_SECRET }];
    rig = await emulatorDevice({
      products: [{ productKey: PRODUCT_KEY, devices, topicClasses }],
      forwardDevicePublishes: true,
    });
  });
  afterEach(() => rig.close());

  const echo = `/${PRODUCT_KEY}/dev01/user/echo`;

  /** Declares `params` raw, then publishes `payload` on the echo topic and resolves with what comes back. */
  async function echoed(params: ReturnType<typeof entry>[], payload: Buffer) {
    const declared = firstValueFrom(rig.cloud.events$.pipe(filter((e) => e.type === 'compression')));
    const declaration = { id: '1', params };
    await lastValueFrom(
      rig.device.publish({ topic: rig.device.topics.codecTopicUpdate, payload: declaration }),
    );
    await declared;
    const subscribed = firstValueFrom(rig.cloud.events$.pipe(filter((e) => e.type === 'subscribe')));
    const back = firstValueFrom(rig.device.observe(echo, { qos: 1 }));
    await subscribed;
    const heard = firstValueFrom(rig.cloud.received$.pipe(filter((m) => m.topic === echo)));
    await lastValueFrom(rig.device.publish({ topic: echo, payload, qos: 1 }));
    return { back: (await back).payload, heard: (await heard).payload };
  }

  it('should forward plain what came gzip on an uplink topic, to a device that declared no downlink', async () => {
    const { back, heard } = await echoed([entry(echo, 'decompress')], gzipSync('hello'));
    expect(heard.toString()).toBe('hello');
    expect(back.toString()).toBe('hello');
  });

  it('should forward gzip on a topic the receiving device declared downlink', async () => {
    const { back, heard } = await echoed([entry(echo, 'compress')], Buffer.from('hello'));
    expect(heard.toString()).toBe('hello');
    expect(gunzipSync(back).toString()).toBe('hello');
  });

  it('should forward as it came a topic declared nowhere', async () => {
    const { back } = await echoed([], Buffer.from('hello'));
    expect(back.toString()).toBe('hello');
  });
});
