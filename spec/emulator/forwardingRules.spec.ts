// Forwarding rules of the emulator, over real sockets: what a device publishes comes back out on another
// topic, published by the cloud, as the platform's rules engine republishes.
import { filter, firstValueFrom } from 'rxjs';
import { DEV02, PK, deviceHarness, nextMessage } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

describe('forwardingRules', () => {
  it("should republish a device's custom topic to the product's topic broadcast, which every device hears", async () => {
    const emulator = await harness.start({
      forwardingRules: [{ from: `/${PK}/+/user/update`, to: `/broadcast/${PK}/123` }],
    });
    const sender = await harness.connectDevice(emulator);
    const listener = await harness.connectDevice(emulator, { ...DEV02, deviceSecret: 'another-secret' });
    const broadcast = `/broadcast/${PK}/123`;
    await Promise.all([
      sender.subscribeAsync(broadcast, { qos: 0 }),
      listener.subscribeAsync(broadcast, { qos: 0 }),
    ]);
    const heardBySender = nextMessage(sender);
    const heardByListener = nextMessage(listener);
    await sender.publishAsync(`/${PK}/dev01/user/update`, 'hello world', { qos: 1 });
    for (const heard of [await heardBySender, await heardByListener]) {
      expect(heard).toMatchObject({ topic: broadcast, qos: 1 });
      expect(heard.payload.toString()).toBe('hello world');
    }
  });

  it('should build the topic from the named wildcards, and publish at the QoS the rule says', async () => {
    const emulator = await harness.start({
      forwardingRules: [
        {
          from: '/+productKey/+deviceName/user/update',
          to: (_, params) => `/${params.productKey}/dev02/user/get`,
          qos: 0,
        },
      ],
    });
    const sender = await harness.connectDevice(emulator);
    const target = await harness.connectDevice(emulator, { ...DEV02, deviceSecret: 'another-secret' });
    await target.subscribeAsync(`/${PK}/dev02/user/get`, { qos: 1 });
    const heard = nextMessage(target);
    await sender.publishAsync(`/${PK}/dev01/user/update`, 'to dev02', { qos: 1 });
    expect(await heard).toMatchObject({ topic: `/${PK}/dev02/user/get`, qos: 0 });
  });

  it('should leave alone what no rule matches, and keep the original for the cloud', async () => {
    const emulator = await harness.start({
      forwardingRules: [{ from: `/${PK}/+/user/update`, to: `/broadcast/${PK}/123` }],
    });
    const sender = await harness.connectDevice(emulator);
    await sender.subscribeAsync(`/broadcast/${PK}/123`, { qos: 0 });
    const topics: string[] = [];
    sender.on('message', (topic) => topics.push(topic));
    const cloudGot = firstValueFrom(
      emulator.received$.pipe(filter((m) => m.topic.endsWith('/update/error'))),
    );
    await sender.publishAsync(`/${PK}/dev01/user/update/error`, 'not forwarded', { qos: 1 });
    await cloudGot;
    const original = firstValueFrom(emulator.received$);
    const heard = nextMessage(sender);
    await sender.publishAsync(`/${PK}/dev01/user/update`, 'forwarded', { qos: 1 });
    expect((await original).topic).toBe(`/${PK}/dev01/user/update`);
    await heard;
    expect(topics).toEqual([`/broadcast/${PK}/123`]);
  });
});
