import * as E from 'fp-ts/Either';
import {
  DeviceInfoDeleteParams,
  deviceInfoDeleteParams,
  DeviceInfoUpdateParams,
  deviceInfoUpdateParams,
} from '../../lib/protocol';

describe('deviceInfo payloads', () => {
  it('should write tags as attrKey/attrValue pairs, in order, and read them back', () => {
    const params = deviceInfoUpdateParams({ room: 'hall', floor: '2' });
    expect(params).toEqual([
      { attrKey: 'room', attrValue: 'hall' },
      { attrKey: 'floor', attrValue: '2' },
    ]);
    expect(DeviceInfoUpdateParams.decode(params)).toEqual(E.right(params));
  });

  it('should write a delete as attrKeys', () => {
    expect(deviceInfoDeleteParams(['room'])).toEqual([{ attrKey: 'room' }]);
    expect(E.isRight(DeviceInfoDeleteParams.decode([{ attrKey: 'room' }]))).toBe(true);
  });

  it.each<unknown>([{ room: 'hall' }, [{ attrKey: 'room' }], [{ attrKey: 1, attrValue: 'x' }]])(
    'should refuse update params %p',
    (params) => {
      expect(E.isLeft(DeviceInfoUpdateParams.decode(params))).toBe(true);
    },
  );
});
