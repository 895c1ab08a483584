import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject } from 'rxjs';
import { alinkRequest } from '../../lib/alink/request';
import { EmulatorClosedError } from '../../lib/emulator';
import { replyDelays } from '../../lib/emulator/replyDelays';
import { deviceTopics } from '../../lib/identity';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

const dev01 = deviceTopics({ productKey: PRODUCT_KEY, deviceName: 'dev01' });
const dev02 = deviceTopics({ productKey: PRODUCT_KEY, deviceName: 'dev02' });

describe('replyDelays', () => {
  it.each<[string, string, number]>([
    ["a reply to the device's post", dev01.propertyPostReply, 40],
    ["a reply to the device's session login", '/ext/session/a1TestPK001/dev01/combine/login_reply', 40],
    ['a push to the device', dev01.configPush, 0],
    ["a reply to another device's post", dev02.propertyPostReply, 0],
  ])('should delay %s only if it is a reply to the device told of', (_, topic, delayMs) => {
    const delays = replyDelays();
    expect(delays.delayOf(topic)).toBe(0);
    delays.set({ productKey: PRODUCT_KEY, deviceName: 'dev01' }, 40);
    expect(delays.delayOf(topic)).toBe(delayMs);
    delays.set({ productKey: PRODUCT_KEY, deviceName: 'dev01' }, 0);
    expect(delays.delayOf(topic)).toBe(0);
  });

  it('should resolve a wait after its delay, and reject those still waiting when closed', async () => {
    const delays = replyDelays();
    const late = delays.wait(60_000);
    await delays.wait(1);
    delays.close();
    await expect(late).rejects.toBeInstanceOf(EmulatorClosedError);
  });
});

describe('Emulator.setDeviceLatency: alinkReplyMs', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  /** Which comes first to the device: the reply to its post, or a message the cloud sends once it has the post. */
  async function firstArrival(): Promise<string> {
    const { cloud, device } = rig;
    const arrivals = new ReplaySubject<string>();
    const pushed = device.topics.userTopic('get');
    const ready = firstValueFrom(
      cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(pushed))),
    );
    const listening = device.observe(pushed).subscribe();
    // Both as they come off the socket, in order.
    const hearing = device.messages$.subscribe(({ topic }) => {
      if (topic === pushed) arrivals.next('push');
      if (topic === device.topics.propertyPostReply) arrivals.next('reply');
    });
    await ready;
    const received = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === device.topics.propertyPost)),
    );
    const posting = lastValueFrom(
      alinkRequest(device, {
        topic: device.topics.propertyPost,
        method: 'thing.event.property.post',
        params: {},
      }),
    );
    await received;
    await cloud.publish(pushed, 'x', { qos: 1 });
    expect(E.isRight(await posting)).toBe(true);
    listening.unsubscribe();
    hearing.unsubscribe();
    return firstValueFrom(arrivals);
  }

  it('should send a device its replies late while told to, and on time again after', async () => {
    const { cloud, device } = rig;
    expect(await firstArrival()).toBe('reply');
    cloud.setDeviceLatency(device, { alinkReplyMs: 300 });
    expect(await firstArrival()).toBe('push');
    cloud.setDeviceLatency(device, { alinkReplyMs: 0 });
    expect(await firstArrival()).toBe('reply');
    expect(() => cloud.setDeviceLatency(device, { alinkReplyMs: Number.NaN })).toThrow(RangeError);
  });
});
