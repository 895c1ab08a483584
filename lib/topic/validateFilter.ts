import { InvalidTopicError } from './InvalidTopicError';
import { parseFilter } from './parseFilter';

/** Options of `validateFilter`. */
export interface ValidateFilterOptions {
  /**
   * Accept named wildcards `+name` and `#name` (a name is an identifier: letters, digits and `_`, not
   * starting with a digit, each name once per filter), as routes of `TopicRouter` and `classifyTopic` use
   * them. Default `false`: a broker refuses them, so a filter about to be subscribed must not have them.
   */
  readonly namedWildcards?: boolean | undefined;
}

/**
 * Checks a topic filter (what a SUBSCRIBE carries) against MQTT 3.1.1 §4.7: 1 to 65535 UTF-8 bytes, no
 * U+0000, `+` alone in its level, `#` alone in its level and only in the last one.
 *
 * Total: returns the error instead of throwing, `undefined` when the filter is valid.
 *
 * ```ts
 * validateFilter('/sys/+/+/thing/#')                                  // undefined
 * validateFilter('/sys/+pk/#')?.reason                                // '"+" must occupy a whole level …'
 * validateFilter('/sys/+pk/#rest', { namedWildcards: true })          // undefined
 * ```
 */
export function validateFilter(
  filter: string,
  options: ValidateFilterOptions = {},
): InvalidTopicError | undefined {
  const { namedWildcards = false } = options;
  const parsed = parseFilter(filter, namedWildcards);
  return parsed instanceof InvalidTopicError ? parsed : undefined;
}
