// HTTPS device access from both ends: a device posting over HTTPS to the emulator's own HTTPS server, whose
// platform hears each message as the device's publish.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, tap } from 'rxjs';
import { createHttpDevice, type HttpDeviceOptions } from '../../lib/alink/createHttpDevice';
import { httpsSend } from '../../lib/connection/httpsSend';
import { startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { alinkRequest } from '../../lib/protocol';

const PK = 'a1HttpPK001';
const METER = { productKey: PK, deviceName: 'meter01', deviceSecret: 'meter-secret-01' };
const HOUR = 60 * 60 * 1000;

describe('createHttpDevice against the emulator', () => {
  let cloud: Emulator;
  let events: EmulatorEvent[];
  let now: number;

  beforeEach(async () => {
    now = 1_700_000_000_000;
    cloud = await startEmulator({
      products: [
        {
          productKey: PK,
          topicClasses: [
            { topic: 'user/update', access: 'pub' },
            { topic: 'user/get', access: 'sub' },
          ],
          devices: [METER, { deviceName: 'meter02', deviceSecret: 'meter-secret-02' }],
        },
      ],
      clock: () => now,
      httpTokenValidityMs: 24 * HOUR,
    });
    events = [];
    cloud.events$.subscribe((event) => events.push(event));
  });

  afterEach(() => cloud.close());

  const meter = (options: Partial<HttpDeviceOptions> = {}) =>
    createHttpDevice({
      ...METER,
      url: cloud.urls.https,
      tls: { ca: cloud.ca },
      clock: () => now,
      ...options,
    });
  const auths = () => events.filter((e) => e.type === 'http-access' && e.action === 'auth');

  it("should post a property over HTTPS, which the platform keeps as the device's own post", async () => {
    const device = meter();
    const heard = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic === device.topics.propertyPost)));
    const post = alinkRequest({ id: '1', method: 'thing.event.property.post', params: { power: 7 } });
    const posted = await lastValueFrom(
      device.publish({ topic: device.topics.propertyPost, payload: JSON.stringify(post) }),
    );
    expect(posted).toEqual(
      E.right({ topic: device.topics.propertyPost, messageId: expect.stringMatching(/^\d{16,}$/) }),
    );
    // Past 2^53, and not rounded on the way.
    expect(BigInt(E.isRight(posted) ? posted.right.messageId! : '0') > BigInt(Number.MAX_SAFE_INTEGER)).toBe(
      true,
    );
    expect(await heard).toMatchObject({ productKey: PK, deviceName: 'meter01', clientId: `${PK}.meter01` });
    expect(cloud.queryDevicePropertyStatus(METER)).toEqual([
      expect.objectContaining({ identifier: 'power', value: 7 }),
    ]);
    expect(events).toContainEqual({
      type: 'http-access',
      action: 'publish',
      code: 0,
      topic: device.topics.propertyPost,
      device: { productKey: PK, deviceName: 'meter01' },
    });
  });

  it('should authenticate once for many posts, and again when the token has expired, by itself', async () => {
    const device = meter();
    const topic = device.topics.userTopic('update');
    for (const payload of ['a', 'b', 'c'])
      expect(E.isRight(await lastValueFrom(device.publish({ topic, payload })))).toBe(true);
    expect(auths()).toHaveLength(1);
    now += 25 * HOUR;
    expect(E.isRight(await lastValueFrom(device.publish({ topic, payload: 'd' })))).toBe(true);
    expect(
      events.filter((e) => e.type === 'http-access').map((e) => (e.type === 'http-access' ? e.code : -1)),
    ).toEqual([0, 0, 0, 0, 20001, 0, 0]);
  });

  it('should be refused a topic the device may not publish on (30001), and a wrong secret (20000)', async () => {
    const device = meter();
    const get = await lastValueFrom(device.publish({ topic: device.topics.userTopic('get'), payload: 'x' }));
    expect(get).toEqual(E.left(expect.objectContaining({ reason: 'refused', code: 30001 })));
    const wrong = await lastValueFrom(
      meter({ deviceSecret: 'not-its-secret' }).publish({
        topic: device.topics.userTopic('update'),
        payload: 'x',
      }),
    );
    expect(wrong).toEqual(E.left(expect.objectContaining({ reason: 'auth-refused', code: 20000 })));
    expect(JSON.stringify(wrong)).not.toContain('not-its-secret');
  });

  it('should be refused a timestamp more than 15 minutes off, and a disabled device', async () => {
    const topic = meter().topics.userTopic('update');
    const late = await lastValueFrom(
      meter({ clock: () => now - 16 * 60 * 1000 }).publish({ topic, payload: 'x' }),
    );
    expect(late).toEqual(E.left(expect.objectContaining({ reason: 'auth-refused', code: 20000 })));
    const device = meter();
    expect(E.isRight(await lastValueFrom(device.publish({ topic, payload: 'x' })))).toBe(true);
    await cloud.disableThing(METER);
    // The token is no good any more, and the device may not authenticate again.
    const disabled = await lastValueFrom(device.publish({ topic, payload: 'y' }));
    expect(disabled).toEqual(E.left(expect.objectContaining({ reason: 'auth-refused', code: 20000 })));
  });

  it('should never put a token in an event', async () => {
    const tokens: string[] = [];
    const device = meter({
      https: (request) =>
        httpsSend(request).pipe(
          tap(({ body }) => {
            const token = /"token":"(\w+)"/.exec(body.toString())?.[1];
            if (token !== undefined) tokens.push(token);
          }),
        ),
    });
    await lastValueFrom(device.publish({ topic: device.topics.userTopic('update'), payload: 'x' }));
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(JSON.stringify(events)).not.toContain(token);
  });
});
