import { cachedTopicCheck, checkPublish, type PublishRules } from '../../lib/connection/checkPublish';
import { PublishRefusedError } from '../../lib/connection/errors';
import type { OutboundMessage } from '../../lib/connection/messages';

const rules: PublishRules = {
  identity: { productKey: 'pk', deviceName: 'dev01' },
  maxPayloadBytes: 16,
  maxTopicBytes: 40,
};
const topic = '/sys/pk/dev01/thing/x';
const circular: { self?: unknown } = {};
circular.self = circular;

describe('checkPublish', () => {
  it.each<[string, OutboundMessage, string]>([
    ['QoS 2', { topic, payload: 'x', qos: 2 }, 'qos-not-supported'],
    ['retain', { topic, payload: 'x', retain: true }, 'retain-not-supported'],
    ['a wildcard in the topic', { topic: '/sys/pk/dev01/+', payload: 'x' }, 'invalid-topic'],
    ['an empty topic', { topic: '', payload: 'x' }, 'invalid-topic'],
    [
      'a topic over maxTopicBytes',
      { topic: `/sys/pk/dev01/${'x'.repeat(40)}`, payload: 'x' },
      'topic-too-long',
    ],
    ["another device's topic", { topic: '/sys/pk/other01/thing/x', payload: 'x' }, 'outside-namespace'],
    ['a payload over maxPayloadBytes', { topic, payload: 'x'.repeat(17) }, 'payload-too-large'],
    ['a payload JSON cannot encode', { topic, payload: circular as never }, 'invalid-payload'],
  ])('should refuse %s', (_, message, reason) => {
    const result = checkPublish(message, rules);
    expect(result).toBeInstanceOf(PublishRefusedError);
    expect((result as PublishRefusedError).reason).toBe(reason);
  });

  it.each<[string, OutboundMessage['payload'], string]>([
    ['a string as UTF-8', 'héllo', 'héllo'],
    ['bytes as they are', new Uint8Array([0x61, 0x62]), 'ab'],
    ['JSON as JSON', { a: [1, true] }, '{"a":[1,true]}'],
  ])('should encode %s', (_, payload, wire) => {
    expect(checkPublish({ topic, payload, qos: 1 }, rules)).toEqual({
      topic,
      payload: Buffer.from(wire),
      qos: 1,
    });
  });

  it('should give the same answers with cachedTopicCheck, asked once or many times', () => {
    const cached = { ...rules, topicProblem: cachedTopicCheck(2) };
    const topics = [topic, '/sys/pk/other01/x', topic, '/a/+', '/sys/pk/other01/x', topic];
    for (const t of topics) {
      const plain = checkPublish({ topic: t, payload: 'x' }, rules);
      const remembered = checkPublish({ topic: t, payload: 'x' }, cached);
      expect(remembered instanceof PublishRefusedError ? remembered.reason : 'ok').toBe(
        plain instanceof PublishRefusedError ? plain.reason : 'ok',
      );
    }
  });

  it('should check no namespace without an identity', () => {
    const { identity: _, ...anyTopic } = rules;
    expect(checkPublish({ topic: 'plain/topic', payload: 'x' }, anyTopic)).toEqual(
      expect.objectContaining({ topic: 'plain/topic', qos: 0 }),
    );
  });
});
