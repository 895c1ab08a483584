// The request primitive over real sockets: a device against the emulator, the test playing the cloud's side.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { alinkRequest } from '../../lib/alink/request';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { alinkReply, AlinkRequest } from '../../lib/protocol';

const productKey = 'a1TestPK001';
const deviceName = 'dev01';
const deviceSecret = '0123456789abcdef0123456789abcdef';

describe('alinkRequest against the emulator', () => {
  let cloud: Emulator;
  let device: AliyunDevice;

  beforeEach(async () => {
    cloud = await startEmulator({ products: [{ productKey, devices: [{ deviceName, deviceSecret }] }] });
    device = createDevice({
      productKey,
      deviceName,
      deviceSecret,
      endpoint: { url: cloud.url },
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, jitter: 'none' },
    });
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
  });

  afterEach(async () => {
    await device.close();
    await cloud.close();
  });

  // The emulator answers the thing model's own requests itself: the cloud's side here is the test's, on the
  // product's default custom topics (the device publishes on user/update, and hears on user/get).
  const requestTopic = () => device.topics.userTopic('update');
  const replyTopic = () => device.topics.userTopic('get');

  /** The cloud's side: each request on `topic` gets `answer(id)` on the reply topic, in reverse order of arrival. */
  function answerInReverse(topic: string, count: number, code = (_id: string) => 200) {
    const ids: string[] = [];
    return cloud.received$.pipe(filter((m) => m.topic === topic)).subscribe((m) => {
      const decoded = AlinkRequest.decode(JSON.parse(m.payload.toString()));
      if (E.isLeft(decoded)) throw new Error('the device sent a malformed request');
      ids.push(decoded.right.id);
      if (ids.length < count) return;
      for (const id of ids.reverse()) {
        void cloud.publish(replyTopic(), alinkReply({ id, code: code(id), message: 'm', method: 'x' }), {
          qos: 1,
        });
      }
    });
  }

  it('should correlate concurrent replies by id, each to its own request', async () => {
    const topic = requestTopic();
    const cloudSide = answerInReverse(topic, 5, (id) => (Number(id) % 2 === 0 ? 200 : 460));
    const requests = Array.from({ length: 5 }, (_, i) =>
      lastValueFrom(
        alinkRequest(device, { topic, method: 'custom.echo', params: { n: i }, replyTopic: replyTopic() }),
      ),
    );
    const results = await Promise.all(requests);
    cloudSide.unsubscribe();
    for (const result of results) {
      const id = E.isRight(result)
        ? result.right.id
        : result.left._tag === 'ReplyFailure'
          ? result.left.id
          : '';
      expect(E.isRight(result)).toBe(Number(id) % 2 === 0);
    }
    expect(new Set(results.map((r) => (E.isRight(r) ? r.right.id : JSON.stringify(r.left)))).size).toBe(5);
  });

  it('should take the reply that comes after a reconnect between the publish and the reply', async () => {
    const topic = requestTopic();
    const arrived = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic === topic)));
    const result = lastValueFrom(
      alinkRequest(
        device,
        { topic, method: 'custom.echo', params: {}, replyTopic: replyTopic() },
        { timeoutMs: 20_000 },
      ),
    );
    const request = await arrived;
    const { id } = JSON.parse(request.payload.toString()) as { id: string };
    // The connection drops before the cloud answers; the device reconnects and subscribes its filters again.
    const resubscribed = firstValueFrom(
      cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(replyTopic()))),
    );
    await cloud.disconnect(device);
    await resubscribed;
    await cloud.publish(replyTopic(), alinkReply({ id, message: 'success' }), { qos: 1 });
    await expect(result).resolves.toEqual(E.right({ id, code: 200, data: {}, message: 'success' }));
  });

  it('should time out with a TimeoutFailure when the cloud never answers', async () => {
    const topic = requestTopic();
    const result = await lastValueFrom(
      alinkRequest(
        device,
        { topic, method: 'custom.echo', params: {}, replyTopic: replyTopic() },
        { timeoutMs: 200, id: '5' },
      ),
    );
    expect(result).toEqual(E.left({ _tag: 'TimeoutFailure', topic, id: '5', timeoutMs: 200 }));
  });
});
