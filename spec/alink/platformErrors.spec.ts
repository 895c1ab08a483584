// Platform errors from both ends: the emulator's sendError, the device's decoded stream.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { platformErrors } from '../../lib/alink/platformErrors';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

describe('platformErrors', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  it('should decode each error into a typed value, and a malformed one into a DecodeError, and go on', async () => {
    const { cloud, device } = rig;
    const topic = `/ext/error/${PRODUCT_KEY}/dev01`;
    const subscribed = firstValueFrom(
      cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(topic))),
    );
    const errors = firstValueFrom(platformErrors(device).pipe(take(3), toArray()));
    await subscribed;
    await cloud.sendError(device, { id: '12', code: 520, message: 'device session error' });
    await cloud.publish(topic, 'not json', { qos: 1 });
    await cloud.publish(topic, { code: '6401', message: 'topo relation not exist' }, { qos: 1 });
    const [first, second, third] = await errors;
    expect(first).toEqual(
      E.right({ _tag: 'PlatformError', topic, id: '12', code: 520, message: 'device session error' }),
    );
    expect(second).toEqual(E.left(expect.objectContaining({ _tag: 'DecodeError', topic })));
    expect(third).toEqual(
      E.right({ _tag: 'PlatformError', topic, code: 6401, message: 'topo relation not exist' }),
    );
  });
});
