import type { ParamSlot } from './parseFilter';
import type { TopicScan } from './TopicScan';

/** What named wildcards captured: `+name` gives one level, `#name` the matched levels joined by `/`. */
export type TopicParams = Readonly<Record<string, string>>;

/** The params of every filter without named wildcards: shared, so matching them allocates nothing. */
export const EMPTY_PARAMS: TopicParams = Object.freeze({});

/**
 * The params of a match, cut out of the scanned topic. `#name` that matched zero levels (`a/#rest` against
 * `a`) captures `''`, as does a single empty level (`a/`): both are "nothing below `a`" to a route.
 */
export function buildParams(slots: readonly ParamSlot[], scan: TopicScan): TopicParams {
  const params: Record<string, string> = {};
  for (const slot of slots) params[slot.name] = slot.rest ? scan.rest(slot.level) : scan.level(slot.level);
  return params;
}
