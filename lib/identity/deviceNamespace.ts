/** The device a topic or filter must belong to. */
export interface DeviceIdentity {
  readonly productKey: string;
  readonly deviceName: string;
}

const PK = Symbol('productKey');
const DN = Symbol('deviceName');
/** One level of any content: a literal or `+` (never `#`, which would reach into the identity levels). */
const ANY = Symbol('any level');
/** One or more further levels, wildcards allowed. */
const REST = Symbol('rest');
/** Zero or more further levels, wildcards allowed. */
const OPT_REST = Symbol('optional rest');
type Token = string | typeof PK | typeof DN | typeof ANY | typeof REST | typeof OPT_REST;

// PROTOCOL.md §3: where a device may publish and subscribe. Topics start with '/', so level 0 is empty.
const namespaces: readonly (readonly Token[])[] = [
  ['', 'sys', PK, DN, REST],
  ['', PK, DN, 'user', REST],
  ['', 'ota', 'device', ANY, PK, DN],
  ['', 'shadow', ANY, PK, DN],
  ['', 'broadcast', PK, REST],
  ['', 'ext', 'rrpc', ANY, 'sys', PK, DN, REST],
  ['', 'ext', 'rrpc', ANY, PK, DN, 'user', REST],
  ['', 'ext', ANY, PK, DN, OPT_REST],
];

function fits(pattern: readonly Token[], levels: readonly string[], id: DeviceIdentity): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const token = pattern[i];
    const level = levels[i];
    if (token === REST) return level !== undefined;
    if (token === OPT_REST) return true;
    if (level === undefined) return false;
    if (token === ANY) {
      if (level === '#') return false;
    } else if (level !== (token === PK ? id.productKey : token === DN ? id.deviceName : token)) {
      return false;
    }
  }
  return levels.length === pattern.length;
}

/**
 * Whether a topic, or every topic a filter can match, lies inside the device's own namespace.
 * The levels that name the product and the device must be literal: `/sys/+/dn/#` is outside.
 */
export function isInDeviceNamespace(id: DeviceIdentity, topicOrFilter: string): boolean {
  const levels = topicOrFilter.split('/');
  return namespaces.some((pattern) => fits(pattern, levels, id));
}
