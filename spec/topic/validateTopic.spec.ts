import { InvalidTopicError, validateTopic } from '../../lib/topic';

describe('validateTopic', () => {
  it.each([
    '/sys/a1llZotKkCm/Chic_001/thing/event/property/post',
    '/broadcast/a1llZotKkCm/123',
    '$SYS/broker/uptime',
    '/',
    '//',
    'a',
    'sport/tennis/player1',
    '中文/主题',
  ])('should accept %j', (topic) => {
    expect(validateTopic(topic)).toBeUndefined();
  });

  // prettier-ignore
  it.each([
    ['',            /empty/],
    ['a/+/b',       /must not contain the wildcard "\+" \(found at index 2/],
    ['a/#',         /must not contain the wildcard "#" \(found at index 2/],
    ['a+',          /wildcard "\+"/],
    ['a\u0000',     /U\+0000/],
    ['x'.repeat(65536), /65536 UTF-8 bytes/],
  ])('should refuse %j', (topic, reason) => {
    const error = validateTopic(topic);
    expect(error).toBeInstanceOf(InvalidTopicError);
    expect(error).toMatchObject({ topic, kind: 'topic' });
    expect(error?.reason).toMatch(reason);
    expect(error?.message).toContain('Invalid MQTT topic name');
  });

  it('should answer plain JavaScript callers that pass a non-string instead of throwing', () => {
    expect(validateTopic(42 as unknown as string)).toMatchObject({
      topic: '42',
      reason: 'it is not a string',
    });
  });
});
