import { isInDeviceNamespace } from '../../lib/identity/deviceNamespace';

const device = { productKey: 'pk', deviceName: 'dn' };

describe('isInDeviceNamespace', () => {
  // PROTOCOL.md §3: the classes a device may publish and subscribe in, with wildcards inside them.
  it.each([
    // /sys/pk/dn/…
    '/sys/pk/dn/thing/event/property/post',
    '/sys/pk/dn/thing/service/property/set',
    '/sys/pk/dn/rrpc/request/+',
    '/sys/pk/dn/broadcast/request/123',
    '/sys/pk/dn/+/event/+/post',
    '/sys/pk/dn/#',
    '/sys/pk/dn/',
    // /pk/dn/user/…
    '/pk/dn/user/get',
    '/pk/dn/user/+',
    '/pk/dn/user/a/b/c',
    '/pk/dn/user/#',
    // a legacy basic product's custom topics, and any class a product defines: /pk/dn/…
    '/pk/dn/update',
    '/pk/dn/update/error',
    '/pk/dn/get',
    '/pk/dn/user',
    '/pk/dn/other/get',
    '/pk/dn/#',
    '/ext/rrpc/123/pk/dn/get',
    // /ota/device/…/pk/dn
    '/ota/device/inform/pk/dn',
    '/ota/device/upgrade/pk/dn',
    '/ota/device/+/pk/dn',
    // /shadow/…/pk/dn
    '/shadow/update/pk/dn',
    '/shadow/+/pk/dn',
    // /broadcast/pk/…
    '/broadcast/pk/news',
    '/broadcast/pk/+',
    '/broadcast/pk/#',
    // /ext/…/pk/dn…
    '/ext/ntp/pk/dn/request',
    '/ext/ntp/pk/dn/#',
    '/ext/error/pk/dn',
    '/ext/+/pk/dn/#',
    '/ext/rrpc/123/sys/pk/dn/thing/service/reboot',
    '/ext/rrpc/+/sys/pk/dn/#',
    '/ext/rrpc/123/pk/dn/user/get',
    '/ext/rrpc/+/pk/dn/user/#',
  ])('should let the device use %s', (topic) => {
    expect(isInDeviceNamespace(device, topic)).toBe(true);
  });

  it.each([
    // wildcards in the levels that name the product or the device, or above them
    '#',
    '+',
    '/#',
    '/+/dn/user/get',
    '/pk/+/user/get',
    '/sys/#',
    '/sys/+/dn/#',
    '/sys/pk/+/thing/event/property/post',
    '/sys/pk/#',
    '/ota/device/#',
    '/ota/device/inform/+/dn',
    '/shadow/#',
    '/shadow/update/pk/+',
    '/broadcast/+/news',
    '/broadcast/#',
    '/ext/#',
    '/ext/+/#',
    '/ext/rrpc/#',
    '/ext/rrpc/+/#',
    '/ext/rrpc/+/sys/+/dn/#',
    '/ext/rrpc/+/+/dn/user/#',
    // another product or another device
    '/sys/otherpk/dn/thing/event/property/post',
    '/sys/pk/other/thing/event/property/post',
    '/sys/pk/dnx/thing/event/property/post',
    '/pk/other/user/get',
    '/otherpk/dn/user/get',
    '/ota/device/inform/pk/other',
    '/shadow/update/otherpk/dn',
    '/broadcast/otherpk/x',
    '/ext/ntp/pk/other/request',
    '/ext/error/otherpk/dn',
    '/ext/rrpc/123/sys/pk/other/thing/service/reboot',
    '/ext/rrpc/+/pk/other/user/#',
    // outside every class
    'sys/pk/dn/thing/event/property/post',
    '/sys/pk/dn',
    '/pk/dn',
    '/ota/device/inform/pk/dn/more',
    '/ota/inform/pk/dn',
    '/shadow/update/pk/dn/more',
    '/broadcast/pk',
    '$SYS/broker/uptime',
    '',
  ])('should keep the device out of %j', (topic) => {
    expect(isInDeviceNamespace(device, topic)).toBe(false);
  });
});
