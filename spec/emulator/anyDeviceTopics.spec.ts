import { anyDeviceTopics } from '../../lib/emulator/anyDeviceTopics';
import { deviceTopics, type DeviceTopics } from '../../lib/identity/deviceTopics';
import { matchTopic } from '../../lib/topic/matchTopic';

const device = deviceTopics({ productKey: 'a1TestPK001', deviceName: 'dev01' });
const other = deviceTopics({ productKey: 'a1TestPK001', deviceName: 'dev02' });

// Each filter the cloud side listens on, by the name of the device topic it stands for.
const listened: readonly (keyof DeviceTopics)[] = [
  'propertyPost',
  'propertyDesiredGet',
  'propertyDesiredDelete',
  'otaFirmwareGet',
  'otaInform',
  'otaProgress',
  'ntpRequest',
  'shadowUpdate',
  'configGet',
  'configPushReply',
  'deviceInfoUpdate',
  'deviceInfoDelete',
];

describe('anyDeviceTopics', () => {
  it.each(listened)(
    'should give a filter for %s that takes that topic of every device, and no other',
    (name) => {
      const filter = anyDeviceTopics[name] as string;
      expect(matchTopic(filter, device[name] as string)).toBe(true);
      expect(matchTopic(filter, other[name] as string)).toBe(true);
      // No other topic the cloud listens for reaches the same listener.
      expect(listened.filter((n) => n !== name && matchTopic(filter, device[n] as string))).toEqual([]);
    },
  );

  it("should take every event's post and the property post with eventPost('+'), and none of their replies", () => {
    const filter = anyDeviceTopics.eventPost('+');
    expect(matchTopic(filter, device.propertyPost)).toBe(true);
    expect(matchTopic(filter, device.eventPost('fault'))).toBe(true);
    expect(matchTopic(filter, device.propertyPostReply)).toBe(false);
    expect(matchTopic(filter, device.eventPostReply('fault'))).toBe(false);
  });
});
