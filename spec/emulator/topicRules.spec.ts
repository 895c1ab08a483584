import {
  isDirectTopic,
  isValidFilter,
  publishViolation,
  subscriptionRefusal,
} from '../../lib/emulator/topicRules';

const dev = { productKey: 'pk', deviceName: 'dn' };

describe('isValidFilter', () => {
  it.each([
    ['/sys/pk/dn/#', true],
    ['#', true],
    ['+', true],
    ['/+/+/', true],
    ['a/b', true],
    ['', false],
    ['a#', false],
    ['a/#/b', false],
    ['/sys/pk/dn/+a', false],
    ['/sys/pk/dn/a+', false],
    ['a/\u0000', false],
  ])('%j should be %s', (filter, valid) => {
    expect(isValidFilter(filter)).toBe(valid);
  });
});

describe('publishViolation', () => {
  const base = { topic: '/sys/pk/dn/thing/event/property/post', qos: 1, retain: false, payloadBytes: 100 };
  it.each([
    [{}, undefined],
    [{ qos: 0 }, undefined],
    [{ payloadBytes: 100 }, undefined],
    [{ topic: '/pk/dn/user/update' }, undefined],
    [{ qos: 2 }, 'qos2-publish'],
    [{ qos: 2, retain: true }, 'qos2-publish'],
    [{ retain: true }, 'retained-publish'],
    [{ topic: '/sys/pk/other/thing/event/property/post' }, 'topic-not-allowed'],
    [{ topic: 'plain/topic' }, 'topic-not-allowed'],
    [{ payloadBytes: 101 }, 'payload-too-large'],
  ])('%j should give %s', (change, expected) => {
    expect(publishViolation(dev, { ...base, ...change }, 100)).toBe(expected);
  });
});

describe('subscriptionRefusal', () => {
  it.each<[string, string | undefined]>([
    ['/sys/pk/dn/#', undefined],
    ['/ota/device/upgrade/pk/dn', undefined],
    ['/broadcast/pk/+', undefined],
    ['/sys/pk/other/#', 'outside-namespace'],
    ['/sys/+/dn/#', 'outside-namespace'],
    ['#', 'outside-namespace'],
    ['/sys/pk/dn/+a', 'invalid-filter'],
  ])('%s should be refused as %s', (filter, refusal) => {
    expect(subscriptionRefusal(dev, filter)).toBe(refusal);
  });
});

describe('isDirectTopic', () => {
  it.each([
    ['/sys/pk/dn/rrpc/request/123', true],
    ['/sys/pk/dn/broadcast/request/123', true],
    ['/ext/rrpc/123/sys/pk/dn/thing/service/set', true],
    ['/ext/rrpc/123/pk/dn/user/cmd', true],
    ['/sys/pk/dn/rrpc/response/123', false],
    ['/sys/pk/dn/rrpc/request/123/more', false],
    ['/sys/pk/dn/thing/service/property/set', false],
    ['/ext/rrpc/123', false],
    ['/broadcast/pk/news', false],
  ])('%s should be %s', (topic, direct) => {
    expect(isDirectTopic(topic)).toBe(direct);
  });
});
