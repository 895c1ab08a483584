import { InvalidTopicError } from './InvalidTopicError';
import { buildParams, EMPTY_PARAMS, type TopicParams } from './buildParams';
import { isDollarTopic, levelsMatch } from './levelsMatch';
import { parseFilter } from './parseFilter';
import { TopicScan } from './TopicScan';

/**
 * Matches a topic against a filter with named wildcards (`+name` one level, `#name` the rest) and returns
 * what they captured, or `undefined` when the filter does not match (same rules as `matchTopic`). A filter
 * without names gives an empty object on a match.
 *
 * Throws `InvalidTopicError` for an invalid filter. Parses the filter on every call: for many routes, use
 * `TopicRouter`, which compiles them once.
 *
 * ```ts
 * extractParams('/sys/+productKey/+deviceName/rrpc/request/+messageId', '/sys/pk/dn/rrpc/request/123')
 * // { productKey: 'pk', deviceName: 'dn', messageId: '123' }
 * extractParams('/ext/rrpc/+messageId/#topic', '/ext/rrpc/7/a/b')  // { messageId: '7', topic: 'a/b' }
 * ```
 */
export function extractParams(namedFilter: string, topic: string): TopicParams | undefined {
  const parsed = parseFilter(namedFilter, true);
  if (parsed instanceof InvalidTopicError) throw parsed;
  if (!levelsMatch(parsed.levels, topic.split('/'), isDollarTopic(topic))) return undefined;
  if (parsed.slots.length === 0) return EMPTY_PARAMS;
  const scan = new TopicScan();
  scan.reset(topic);
  scan.scanAll();
  return buildParams(parsed.slots, scan);
}
