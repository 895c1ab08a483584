import { InvalidTopicError } from './InvalidTopicError';
import { encodingProblem } from './encodingProblem';

/**
 * Checks a topic name (what a PUBLISH carries) against MQTT 3.1.1 §4.7: 1 to 65535 UTF-8 bytes, no U+0000,
 * no wildcard characters `+` or `#`. Empty levels and a leading `$` are allowed: Alink topics start with
 * `/`, so their first level is empty.
 *
 * Total: returns the error instead of throwing, `undefined` when the topic is valid.
 *
 * ```ts
 * validateTopic('/sys/pk/dn/thing/event/property/post') // undefined
 * validateTopic('/sys/+/dn')?.reason                    // 'a topic name must not contain the wildcard "+" …'
 * ```
 */
export function validateTopic(topic: string): InvalidTopicError | undefined {
  // Plain JavaScript callers can pass anything; a total function answers them too.
  if (typeof topic !== 'string') return new InvalidTopicError(String(topic), 'topic', 'it is not a string');
  const problem = encodingProblem(topic);
  if (problem !== undefined) return new InvalidTopicError(topic, 'topic', problem);
  for (const wildcard of ['+', '#']) {
    const at = topic.indexOf(wildcard);
    if (at >= 0) {
      return new InvalidTopicError(
        topic,
        'topic',
        `a topic name must not contain the wildcard "${wildcard}" (found at index ${at}, §4.7.1)`,
      );
    }
  }
  return undefined;
}
