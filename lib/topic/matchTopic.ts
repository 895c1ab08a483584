import { InvalidTopicError } from './InvalidTopicError';
import { isDollarTopic, levelsMatch } from './levelsMatch';
import { parseFilter } from './parseFilter';

/**
 * Whether an MQTT topic filter matches a topic name, by MQTT 3.1.1 §4.7:
 * - `+` matches exactly one level, an empty one too: `a/+/b` matches `a//b`, `/+` matches `/`;
 * - `#` matches any number of levels, zero included, so `a/#` matches `a` as well as `a/b/c`;
 * - a wildcard in the first level never matches a topic starting with `$`: `#` and `+/x` do not match
 *   `$SYS/x`, while `$SYS/#` does.
 *
 * Throws `InvalidTopicError` when the filter is invalid (named wildcards included: use `extractParams` for
 * those): a broker would refuse it, so "no match" would hide a bug. The topic is not validated, it comes
 * from a broker that already did; use `validateTopic` for untrusted input.
 *
 * This parses the filter on every call; to match many topics against many filters, use `TopicRouter`.
 *
 * ```ts
 * matchTopic('/sys/+/+/rrpc/request/+', '/sys/pk/dn/rrpc/request/123') // true
 * matchTopic('#', '$SYS/broker/uptime')                                // false
 * ```
 */
export function matchTopic(filter: string, topic: string): boolean {
  const parsed = parseFilter(filter, false);
  if (parsed instanceof InvalidTopicError) throw parsed;
  return levelsMatch(parsed.levels, topic.split('/'), isDollarTopic(topic));
}
