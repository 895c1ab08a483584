import { InvalidTopicError } from './InvalidTopicError';
import { parseFilter } from './parseFilter';

/**
 * The filter a broker is sent for a route: named wildcards lose their names (`+pk` → `+`, `#rest` → `#`),
 * everything else is kept. A plain MQTT filter comes back unchanged.
 *
 * Throws `InvalidTopicError` for an invalid filter: there is nothing sensible to subscribe to.
 *
 * ```ts
 * toMqttFilter('/sys/+productKey/+deviceName/rrpc/request/+messageId') // '/sys/+/+/rrpc/request/+'
 * ```
 */
export function toMqttFilter(namedFilter: string): string {
  const parsed = parseFilter(namedFilter, true);
  if (parsed instanceof InvalidTopicError) throw parsed;
  return parsed.slots.length === 0 ? namedFilter : parsed.levels.join('/');
}
