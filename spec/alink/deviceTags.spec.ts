// Tags from both ends: the device updates and deletes, the emulator keeps them and answers.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { deleteTags, updateTags } from '../../lib/alink/deviceTags';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

describe('device tags', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  it('should add tags, change them and delete them, the emulator keeping each state', async () => {
    const { cloud, device } = rig;
    const sent = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic.endsWith('/deviceinfo/update'))));
    const added = await lastValueFrom(updateTags(device, { room: 'hall', floor: '2' }));
    expect(E.isRight(added) && added.right.code).toBe(200);
    expect(JSON.parse((await sent).payload.toString())).toMatchObject({
      method: 'thing.deviceinfo.update',
      params: [
        { attrKey: 'room', attrValue: 'hall' },
        { attrKey: 'floor', attrValue: '2' },
      ],
      sys: { ack: 1 },
    });
    expect(cloud.queryDeviceProp(device)).toEqual({ room: 'hall', floor: '2' });

    await lastValueFrom(updateTags(device, { room: 'kitchen' }));
    expect(cloud.queryDeviceProp(device)).toEqual({ room: 'kitchen', floor: '2' });

    const deleted = await lastValueFrom(deleteTags(device, ['room']));
    expect(E.isRight(deleted)).toBe(true);
    expect(cloud.queryDeviceProp(device)).toEqual({ floor: '2' });
    expect(cloud.queryDeviceProp({ productKey: PRODUCT_KEY, deviceName: 'dev02' })).toEqual({});
  });

  it('should give a ReplyFailure 460 for an empty key, and keep the tags as they were', async () => {
    const { cloud, device } = rig;
    await lastValueFrom(updateTags(device, { room: 'hall' }));
    const result = await lastValueFrom(updateTags(device, { '': 'x', floor: '3' }));
    expect(result).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'ReplyFailure',
          topic: `/sys/${PRODUCT_KEY}/dev01/thing/deviceinfo/update`,
          code: 460,
        }),
      ),
    );
    expect(cloud.queryDeviceProp(device)).toEqual({ room: 'hall' });
  });

  it('should give a ReplyFailure 460 for a delete of nothing', async () => {
    const result = await lastValueFrom(deleteTags(rig.device, []));
    expect(E.isLeft(result) && result.left._tag === 'ReplyFailure' && result.left.code).toBe(460);
  });
});
