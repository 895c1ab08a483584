// Broadcasts from both ends: the emulator's pubBroadcast, the device's two streams.
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { productBroadcasts, topicBroadcasts } from '../../lib/alink/broadcasts';
import { connected, emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

describe('broadcasts', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  it('should deliver a product broadcast to every online device of the product, without a subscription', async () => {
    const { cloud, device } = rig;
    const second = rig.other('dev02');
    second.start();
    await connected(second);
    const first$ = firstValueFrom(productBroadcasts(device));
    const second$ = firstValueFrom(productBroadcasts(second));
    const { messageId } = await cloud.pubBroadcast(PRODUCT_KEY, 'firmware day');
    const [a, b] = await Promise.all([first$, second$]);
    expect(a).toEqual({
      messageId,
      topic: `/sys/${PRODUCT_KEY}/dev01/broadcast/request/${messageId}`,
      payload: Buffer.from('firmware day'),
    });
    expect(b.topic).toBe(`/sys/${PRODUCT_KEY}/dev02/broadcast/request/${messageId}`);
    expect(b.payload.toString()).toBe('firmware day');
  });

  it('should deliver a topic broadcast to the devices subscribed to it, and only to them', async () => {
    const { cloud, device } = rig;
    const subscribed = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(`/broadcast/${PRODUCT_KEY}/#`)),
      ),
    );
    const heard = firstValueFrom(topicBroadcasts(device).pipe(take(2), toArray()));
    const notHeard: string[] = [];
    const product = productBroadcasts(device).subscribe((b) => notHeard.push(b.topic));
    await subscribed;
    await cloud.pubBroadcast(
      PRODUCT_KEY,
      { alarm: true },
      { topicFullName: `/broadcast/${PRODUCT_KEY}/alarms` },
    );
    await cloud.pubBroadcast(PRODUCT_KEY, 'b', { topicFullName: `/broadcast/${PRODUCT_KEY}/zone/7` });
    const [alarm, zone] = await heard;
    expect(alarm).toEqual({
      name: 'alarms',
      topic: `/broadcast/${PRODUCT_KEY}/alarms`,
      payload: Buffer.from('{"alarm":true}'),
    });
    expect(zone?.name).toBe('zone/7');
    product.unsubscribe();
    expect(notHeard).toEqual([]);
  });

  it('should refuse a topic broadcast outside the product', async () => {
    await expect(
      rig.cloud.pubBroadcast(PRODUCT_KEY, 'x', { topicFullName: '/broadcast/otherPK/alarms' }),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('should leave product broadcasts of other products and ordinary messages out', async () => {
    const { cloud, device } = rig;
    const seen = firstValueFrom(productBroadcasts(device).pipe(toArray()));
    const ours = firstValueFrom(productBroadcasts(device));
    await cloud.pubBroadcast('otherPK', 'x');
    await cloud.publish(`/broadcast/${PRODUCT_KEY}/x`, 'not a product broadcast');
    const { messageId } = await cloud.pubBroadcast(PRODUCT_KEY, 'y');
    expect((await ours).messageId).toBe(messageId);
    await device.close();
    expect((await seen).map((b) => b.messageId)).toEqual([messageId]);
  });
});
