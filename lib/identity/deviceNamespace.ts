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
  // Custom topics: `/pk/dn/user/…` on new products, `/pk/dn/update`, `/pk/dn/get` on legacy basic ones.
  ['', PK, DN, REST],
  ['', 'ota', 'device', ANY, PK, DN],
  ['', 'shadow', ANY, PK, DN],
  ['', 'broadcast', PK, REST],
  ['', 'ext', 'rrpc', ANY, 'sys', PK, DN, REST],
  ['', 'ext', 'rrpc', ANY, PK, DN, REST],
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

// The most literal patterns first: `/ota/device/upgrade/pk/dn` also has the shape of a custom topic of a
// device `device` of a product `ota`, and `/ext/rrpc/1/sys/pk/dn/…` that of `/ext/${x}/pk/dn`.
const OWNER_ORDER = [...namespaces].sort((a, b) => literalsOf(b) - literalsOf(a));

/** The first levels of the platform's own topics (`sys`, `ext`, …): never the product of a custom topic. */
const RESERVED = new Set(
  namespaces.map((pattern) => pattern[1]).filter((level) => typeof level === 'string'),
);

function literalsOf(pattern: readonly Token[]): number {
  return pattern.filter((token) => typeof token === 'string' && token !== '').length;
}

/**
 * The device whose namespace a topic lies in, read from the topic: `/sys/a1pk/dev1/…` belongs to
 * `{productKey: 'a1pk', deviceName: 'dev1'}`. `undefined` for a topic in no device's namespace (a product
 * broadcast names no device). How the emulator tells a gateway's traffic for a sub-device from its own.
 */
export function namespaceOwner(topic: string): DeviceIdentity | undefined {
  const levels = topic.split('/');
  for (const pattern of OWNER_ORDER) {
    const productKey = levels[pattern.indexOf(PK)];
    const dn = pattern.indexOf(DN);
    const deviceName = dn < 0 ? '' : levels[dn];
    if (productKey === undefined || deviceName === undefined) continue;
    if (productKey === '' || /[+#]/.test(productKey + deviceName) || (dn >= 0 && deviceName === '')) continue;
    if (pattern[1] === PK && RESERVED.has(productKey)) continue;
    const owner = { productKey, deviceName };
    // A pattern without the device (a topic broadcast): the topic is the product's, no one device's.
    if (fits(pattern, levels, owner)) return dn < 0 ? undefined : owner;
  }
  return undefined;
}
