/** Longest part of a topic quoted in a message: a 64 KB topic in a log line helps nobody. */
const QUOTE_LIMIT = 120;

function quote(text: string): string {
  if (text.length <= QUOTE_LIMIT) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTE_LIMIT))}… (${text.length} characters)`;
}

/**
 * A topic name or topic filter that breaks MQTT 3.1.1 §4.7 (or, for named filters, the named-wildcard rules).
 *
 * Returned by `validateTopic` / `validateFilter`, thrown by functions that cannot go on without a valid
 * filter (`matchTopic`, `toMqttFilter`, `TopicRouter.add`, `classifyTopic`).
 */
export class InvalidTopicError extends Error {
  override readonly name = 'InvalidTopicError';

  /**
   * @param topic the offending topic name or filter, unchanged
   * @param kind whether it was checked as a topic name (publish side) or a topic filter (subscribe side)
   * @param reason why it is invalid, in words, e.g. `'"#" must be the last level'`
   */
  constructor(
    readonly topic: string,
    readonly kind: 'topic' | 'filter',
    readonly reason: string,
  ) {
    super(`Invalid MQTT topic ${kind === 'topic' ? 'name' : 'filter'} ${quote(topic)}: ${reason}`);
  }
}
