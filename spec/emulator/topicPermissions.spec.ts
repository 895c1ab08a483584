import {
  DEFAULT_TOPIC_CLASSES,
  LEGACY_TOPIC_CLASSES,
  topicPermissions,
  type TopicClass,
} from '../../lib/emulator/topicPermissions';

const device = { productKey: 'pk', deviceName: 'dn' };
const sys = '/sys/pk/dn';

// Every topic of the platform's topic list, both directions: `pub` the device may publish on it, `sub` it
// may subscribe to it and receive on it.
const SYSTEM_TOPICS: readonly [string, 'pub' | 'sub'][] = [
  [`${sys}/thing/event/property/post`, 'pub'],
  [`${sys}/thing/event/property/post_reply`, 'sub'],
  [`${sys}/thing/event/property/pack/post`, 'pub'],
  [`${sys}/thing/event/property/pack/post_reply`, 'sub'],
  [`${sys}/thing/event/property/history/post`, 'pub'],
  [`${sys}/thing/event/property/history/post_reply`, 'sub'],
  [`${sys}/thing/event/property/batch/post`, 'pub'],
  [`${sys}/thing/event/property/batch/post_reply`, 'sub'],
  [`${sys}/thing/event/fault/post`, 'pub'],
  [`${sys}/thing/event/fault/post_reply`, 'sub'],
  [`${sys}/thing/service/property/set`, 'sub'],
  [`${sys}/thing/service/property/set_reply`, 'pub'],
  [`${sys}/thing/service/reboot`, 'sub'],
  [`${sys}/thing/service/reboot_reply`, 'pub'],
  [`${sys}/rrpc/request/1234`, 'sub'],
  [`${sys}/rrpc/response/1234`, 'pub'],
  [`${sys}/codec/topic/update`, 'pub'],
  [`${sys}/codec/topic/update_reply`, 'sub'],
  [`/ota/device/inform/pk/dn`, 'pub'],
  [`/ota/device/upgrade/pk/dn`, 'sub'],
  [`/ota/device/progress/pk/dn`, 'pub'],
  [`${sys}/thing/ota/firmware/get`, 'pub'],
  [`${sys}/thing/ota/firmware/get_reply`, 'sub'],
  [`/ext/ntp/pk/dn/request`, 'pub'],
  [`/ext/ntp/pk/dn/response`, 'sub'],
  [`/shadow/update/pk/dn`, 'pub'],
  [`/shadow/get/pk/dn`, 'sub'],
  [`${sys}/thing/config/get`, 'pub'],
  [`${sys}/thing/config/get_reply`, 'sub'],
  [`${sys}/thing/config/push`, 'sub'],
  [`${sys}/thing/config/push_reply`, 'pub'],
  [`${sys}/thing/deviceinfo/update`, 'pub'],
  [`${sys}/thing/deviceinfo/update_reply`, 'sub'],
  [`${sys}/thing/deviceinfo/delete`, 'pub'],
  [`${sys}/thing/deviceinfo/delete_reply`, 'sub'],
  [`${sys}/thing/dsltemplate/get`, 'pub'],
  [`${sys}/thing/dsltemplate/get_reply`, 'sub'],
  [`${sys}/thing/model/up_raw`, 'pub'],
  [`${sys}/thing/model/up_raw_reply`, 'sub'],
  [`${sys}/thing/model/down_raw`, 'sub'],
  [`${sys}/thing/model/down_raw_reply`, 'pub'],
  [`${sys}/thing/disable`, 'sub'],
  [`${sys}/thing/log/post`, 'pub'],
  [`${sys}/thing/log/post_reply`, 'sub'],
  [`${sys}/_thing/diag/post`, 'pub'],
  [`${sys}/_thing/diag/post_reply`, 'sub'],
  [`${sys}/thing/config/log/get`, 'pub'],
  [`${sys}/thing/config/log/get_reply`, 'sub'],
  [`${sys}/thing/config/log/push`, 'sub'],
  [`${sys}/thing/file/upload/mqtt/init`, 'pub'],
  [`${sys}/thing/file/upload/mqtt/init_reply`, 'sub'],
  [`${sys}/thing/file/upload/mqtt/send`, 'pub'],
  [`${sys}/thing/file/upload/mqtt/send_reply`, 'sub'],
  [`${sys}/thing/file/upload/mqtt/cancel`, 'pub'],
  [`${sys}/thing/file/upload/mqtt/cancel_reply`, 'sub'],
  [`${sys}/thing/job/notify`, 'sub'],
  [`${sys}/thing/job/notify_reply`, 'pub'],
  [`${sys}/thing/job/get`, 'pub'],
  [`${sys}/thing/job/get_reply`, 'sub'],
  [`${sys}/thing/job/update`, 'pub'],
  [`${sys}/thing/job/update_reply`, 'sub'],
  [`${sys}/thing/file/download`, 'pub'],
  [`${sys}/thing/file/download_reply`, 'sub'],
  [`${sys}/thing/disable_reply`, 'pub'],
  [`${sys}/thing/enable`, 'sub'],
  [`${sys}/thing/enable_reply`, 'pub'],
  [`${sys}/thing/delete`, 'sub'],
  [`${sys}/thing/delete_reply`, 'pub'],
  [`${sys}/thing/property/desired/get`, 'pub'],
  [`${sys}/thing/property/desired/get_reply`, 'sub'],
  [`${sys}/thing/property/desired/delete`, 'pub'],
  [`${sys}/thing/property/desired/delete_reply`, 'sub'],
  [`${sys}/thing/topo/add`, 'pub'],
  [`${sys}/thing/topo/add_reply`, 'sub'],
  [`${sys}/thing/topo/delete`, 'pub'],
  [`${sys}/thing/topo/delete_reply`, 'sub'],
  [`${sys}/thing/topo/get`, 'pub'],
  [`${sys}/thing/topo/get_reply`, 'sub'],
  [`${sys}/thing/topo/change`, 'sub'],
  [`${sys}/thing/topo/change_reply`, 'pub'],
  [`${sys}/thing/list/found`, 'pub'],
  [`${sys}/thing/list/found_reply`, 'sub'],
  [`${sys}/thing/topo/add/notify`, 'sub'],
  [`${sys}/thing/topo/add/notify_reply`, 'pub'],
  [`${sys}/thing/sub/register`, 'pub'],
  [`${sys}/thing/sub/register_reply`, 'sub'],
  [`${sys}/thing/proxy/provisioning/product_register`, 'pub'],
  [`${sys}/thing/proxy/provisioning/product_register_reply`, 'sub'],
  [`/ext/session/pk/dn/combine/login`, 'pub'],
  [`/ext/session/pk/dn/combine/login_reply`, 'sub'],
  [`/ext/session/pk/dn/combine/batch_login`, 'pub'],
  [`/ext/session/pk/dn/combine/batch_login_reply`, 'sub'],
  [`/ext/session/pk/dn/combine/logout`, 'pub'],
  [`/ext/session/pk/dn/combine/logout_reply`, 'sub'],
  [`${sys}/thing/bootstrap/notify`, 'sub'],
  [`${sys}/thing/bootstrap/notify_reply`, 'pub'],
  [`/broadcast/pk/123`, 'sub'],
  [`${sys}/broadcast/request/5678`, 'sub'],
  [`/ext/error/pk/dn`, 'sub'],
  // the default custom classes of a new product
  ['/pk/dn/user/update', 'pub'],
  ['/pk/dn/user/update/error', 'pub'],
  ['/pk/dn/user/get', 'sub'],
];

describe('topicPermissions', () => {
  const permissions = topicPermissions(device);

  it.each(SYSTEM_TOPICS)('should let the device use %s only to %s', (topic, direction) => {
    expect(permissions.mayPublish(topic)).toBe(direction === 'pub');
    expect(permissions.maySubscribe(topic)).toBe(direction === 'sub');
    expect(permissions.mayReceive(topic)).toBe(direction === 'sub');
  });

  // A synchronous call comes on /ext/rrpc/… and is answered on the topic it came on: both directions.
  it.each([`/ext/rrpc/1234${sys}/thing/service/reboot`, '/ext/rrpc/1234/pk/dn/user/get'])(
    'should let the device receive on and answer on %s',
    (topic) => {
      expect(permissions.mayPublish(topic)).toBe(true);
      expect(permissions.maySubscribe(topic)).toBe(true);
    },
  );

  it.each([
    `${sys}/thing/unknown`,
    `${sys}/thing/event/property`,
    '/pk/dn/user/other',
    '/sys/pk/other/thing/event/property/post',
    '/broadcast/pk',
  ])('should let the device neither publish on nor subscribe to %s', (topic) => {
    expect(permissions.mayPublish(topic)).toBe(false);
    expect(permissions.maySubscribe(topic)).toBe(false);
  });

  // A filter is taken when it reaches a topic the device may receive.
  it.each<[string, boolean]>([
    [`${sys}/#`, true],
    [`${sys}/thing/#`, true],
    [`${sys}/thing/service/+`, true],
    [`${sys}/thing/event/+/post_reply`, true],
    [`${sys}/thing/event/+/post`, false],
    [`${sys}/rrpc/request/+`, true],
    [`${sys}/rrpc/response/+`, false],
    ['/broadcast/pk/#', true],
    ['/broadcast/pk/+', true],
    ['/pk/dn/user/#', true],
    ['/pk/dn/user/+', true],
    ['/pk/dn/user/update/#', false],
    ['/ota/device/+/pk/dn', true],
    ['/shadow/+/pk/dn', true],
    ['/ext/ntp/pk/dn/+', true],
    ['/ext/rrpc/+/#', true],
  ])('should take the filter %s: %p', (filter, expected) => {
    expect(permissions.maySubscribe(filter)).toBe(expected);
  });

  it.each<[readonly TopicClass[], string, 'pub' | 'sub' | 'all']>([
    [LEGACY_TOPIC_CLASSES, '/pk/dn/update', 'pub'],
    [LEGACY_TOPIC_CLASSES, '/pk/dn/update/error', 'pub'],
    [LEGACY_TOPIC_CLASSES, '/pk/dn/get', 'sub'],
    [[{ topic: 'user/chat', access: 'all' }], '/pk/dn/user/chat', 'all'],
    [[{ topic: 'user/cmd/+', access: 'sub' }], '/pk/dn/user/cmd/reboot', 'sub'],
    [[{ topic: 'user/log/#', access: 'pub' }], '/pk/dn/user/log/a/b', 'pub'],
  ])('should take the custom topic classes of a product (%j): %s for %s', (classes, topic, access) => {
    const custom = topicPermissions(device, classes);
    expect(custom.mayPublish(topic)).toBe(access !== 'sub');
    expect(custom.maySubscribe(topic)).toBe(access !== 'pub');
    expect(custom.mayPublish('/pk/dn/user/update')).toBe(classes.some((c) => c.topic === 'user/update'));
  });

  it('should have the default classes a new product has', () => {
    expect(DEFAULT_TOPIC_CLASSES).toEqual([
      { topic: 'user/update', access: 'pub' },
      { topic: 'user/update/error', access: 'pub' },
      { topic: 'user/get', access: 'sub' },
    ]);
  });

  it('should answer the same for a topic asked many times (cached) as the first time', () => {
    const topic = `${sys}/thing/event/property/post`;
    const answers = Array.from({ length: 300 }, (_, i) =>
      permissions.mayPublish(i % 2 === 0 ? topic : `${topic}_${i}`),
    );
    expect(answers.filter((may, i) => may !== (i % 2 === 0))).toEqual([]);
  });
});
