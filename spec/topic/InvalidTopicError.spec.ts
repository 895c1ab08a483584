import { InvalidTopicError } from '../../lib/topic';

describe('InvalidTopicError', () => {
  it('should be an Error with a fixed name and the data a caller needs', () => {
    const error = new InvalidTopicError('a/#/b', 'filter', '"#" must be the last level');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(InvalidTopicError);
    expect(error.name).toBe('InvalidTopicError');
    expect(error).toMatchObject({ topic: 'a/#/b', kind: 'filter', reason: '"#" must be the last level' });
    expect(error.message).toBe('Invalid MQTT topic filter "a/#/b": "#" must be the last level');
  });

  it('should call a topic a topic name', () => {
    expect(new InvalidTopicError('a/+', 'topic', 'why').message).toBe('Invalid MQTT topic name "a/+": why');
  });

  it('should quote at most 120 characters of a long topic but keep all of it in the field', () => {
    const topic = 'x'.repeat(500);
    const error = new InvalidTopicError(topic, 'topic', 'too long');
    expect(error.message).toBe(`Invalid MQTT topic name "${'x'.repeat(120)}"… (500 characters): too long`);
    expect(error.topic).toBe(topic);
  });
});
