// serveRrpc over real sockets: a device against the emulator, which calls it as the platform's RRpc does.
import * as t from 'io-ts';
import { filter, firstValueFrom, of, take, toArray, throwError, type Subscription } from 'rxjs';
import { ReplyError } from '../../lib/alink/ReplyError';
import { serveRrpc } from '../../lib/alink/serveRrpc';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';

const productKey = 'a1TestPK001';
const deviceName = 'dev01';
const deviceSecret = '0123456789abcdef0123456789abcdef';

describe('serveRrpc against the emulator', () => {
  let cloud: Emulator;
  let device: AliyunDevice;
  const serving: Subscription[] = [];

  beforeEach(async () => {
    cloud = await startEmulator({ products: [{ productKey, devices: [{ deviceName, deviceSecret }] }] });
    device = createDevice({ productKey, deviceName, deviceSecret, endpoint: { url: cloud.url } });
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
  });

  afterEach(async () => {
    serving.splice(0).forEach((s) => s.unsubscribe());
    await device.close();
    await cloud.close();
  });

  /** Subscribes a serving stream for the test, and collects its first `count` outcomes. */
  function collect(serve$: ReturnType<typeof serveRrpc>, count: number): Promise<ServeOutcome[]> {
    return new Promise((resolve, reject) => {
      serving.push(serve$.pipe(take(count), toArray()).subscribe({ next: resolve, error: reject }));
    });
  }

  it('should subscribe rrpc/request/+ as the platform documents, and answer system RRPC on its response topic', async () => {
    const subscribed = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.rrpcRequestFilter)),
      ),
    );
    const outcomes = collect(
      serveRrpc(device, ({ payload, messageId }) => of({ echo: payload.toString(), messageId })),
      1,
    );
    expect(await subscribed).toMatchObject({ granted: [0] });
    const response = await cloud.rrpc(device, 'ping');
    const { echo, messageId } = JSON.parse(response.toString()) as { echo: string; messageId: string };
    expect(echo).toBe('ping');
    expect(messageId).toMatch(/^\d+$/);
    expect(await outcomes).toEqual([
      {
        _tag: 'Answered',
        topic: device.topics.rrpcRequest(messageId),
        id: messageId,
        latencyMs: expect.any(Number),
      },
    ]);
  });

  it('should answer custom RRPC on the topic it was asked on', async () => {
    const get = device.topics.userTopic('get');
    const outcomes = collect(
      serveRrpc(device, ({ customTopic, payload }) => `${customTopic} got ${payload.toString()}`, {
        topic: get,
      }),
      1,
    );
    // The device subscribes its /ext/rrpc/+ filter first, as the SDKs do.
    await firstValueFrom(cloud.events$.pipe(filter((e) => e.type === 'subscribe')));
    const response = await cloud.rrpc(device, 'hello', { topic: get });
    expect(response.toString()).toBe(`${get} got hello`);
    expect((await outcomes)[0]?._tag).toBe('Answered');
  });

  it('should answer a payload that fails the codec with 460, a failing handler with its code, and go on', async () => {
    const Ping = t.type({ ping: t.number });
    const outcomes = collect(
      serveRrpc(
        device,
        ({ params }) =>
          params.ping < 0 ? throwError(() => new ReplyError(100002, 'negative')) : of({ pong: params.ping }),
        { params: Ping },
      ),
      3,
    );
    const bad = JSON.parse((await cloud.rrpc(device, { ping: 'x' })).toString()) as Record<string, unknown>;
    const failed = JSON.parse((await cloud.rrpc(device, { ping: -1 })).toString()) as Record<string, unknown>;
    const good = JSON.parse((await cloud.rrpc(device, { ping: 2 })).toString()) as Record<string, unknown>;
    expect(bad).toEqual({
      id: expect.stringMatching(/^\d+$/),
      code: 460,
      data: {},
      message: expect.stringContaining('ping'),
    });
    expect(failed).toEqual({
      id: expect.stringMatching(/^\d+$/),
      code: 100002,
      data: {},
      message: 'negative',
    });
    expect(good).toEqual({ pong: 2 });
    expect((await outcomes).map((o) => (o._tag === 'Failed' ? o.code : o._tag))).toEqual([
      460,
      100002,
      'Answered',
    ]);
  });
});
