import { InvalidTopicError, toMqttFilter, validateFilter } from '../../lib/topic';

describe('toMqttFilter', () => {
  // prettier-ignore
  it.each([
    ['/sys/+productKey/+deviceName/rrpc/request/+messageId', '/sys/+/+/rrpc/request/+'],
    ['/ext/rrpc/+messageId/#topic',                          '/ext/rrpc/+/#'],
    ['#rest',                                                '#'],
    ['/sys/+/+/thing/#',                                     '/sys/+/+/thing/#'],
    ['a/b',                                                  'a/b'],
  ])('should turn %j into the broker filter %j', (named, plain) => {
    expect(toMqttFilter(named)).toBe(plain);
    expect(validateFilter(toMqttFilter(named))).toBeUndefined();
  });

  it('should throw InvalidTopicError for an invalid filter', () => {
    expect(() => toMqttFilter('a/#rest/b')).toThrow(InvalidTopicError);
    expect(() => toMqttFilter('')).toThrow(/empty/);
  });
});
