import * as t from 'io-ts';
import type { DeviceIdentity } from '../identity/deviceNamespace';
import { registrationSign } from '../identity/registrationCredentials';
import { SIGN_METHODS, signContent, type SignMethod } from '../identity/signContent';
import { DigitString, NumberFromStringOrNumber } from './lenient';

// PROTOCOL.md §7: a gateway carries its sub-devices over its own connection. The topology (which
// sub-devices a gateway may speak for) is kept by the cloud; each sub-device logs in over the gateway's
// connection, and then uses its own /sys/subPk/subDn/… topics there.

/** The platform's limits for gateways. */
export const GATEWAY_LIMITS = {
  /** Sub-devices in one `thing.topo.add` (and, here, `thing.topo.delete` and `thing.sub.register`). */
  topologyPerRequest: 30,
  /** Sub-devices in one `combine/batch_login` (all or nothing). */
  batchLogin: 50,
  /** Sub-devices online through one gateway at once. */
  onlinePerGateway: 2000,
} as const;

/** The codes the platform documents for the topology's requests, besides 460 (doc "管理拓扑关系"). */
export const GATEWAY_CODES = {
  /** `thing.topo.add`: a gateway cannot be its own sub-device. */
  cannotAddSelf: 6402,
  /** `thing.list.found`: a found sub-device's product does not exist. */
  productNotFound: 6250,
  /** `thing.list.found`: a found sub-device's name is not a device name (4–32 of `A-Za-z0-9-_@.:`). */
  invalidDeviceName: 6280,
} as const;

/** The `method` of each gateway request. Login and logout (`/ext/session/…/combine/…`) carry none. */
export const GATEWAY_METHODS = {
  topoAdd: 'thing.topo.add',
  topoDelete: 'thing.topo.delete',
  topoGet: 'thing.topo.get',
  topoChange: 'thing.topo.change',
  listFound: 'thing.list.found',
  topoAddNotify: 'thing.topo.add.notify',
  subRegister: 'thing.sub.register',
  productRegister: 'thing.proxy.provisioning.product_register',
  /** Cloud → sub-device: it was disabled, enabled again, or deleted (no params). */
  disable: 'thing.disable',
  enable: 'thing.enable',
  delete: 'thing.delete',
} as const;

/** What `thing.topo.change` says happened to the sub-devices it lists. */
export const TOPO_CHANGE_STATUS = { created: 0, deleted: 1, enabled: 2, disabled: 8 } as const;
export type TopoChangeStatus = keyof typeof TOPO_CHANGE_STATUS;

/** The name of a `thing.topo.change` status, or `undefined` for a number the platform has not documented. */
export function topoChangeStatusName(status: number): TopoChangeStatus | undefined {
  return (Object.keys(TOPO_CHANGE_STATUS) as TopoChangeStatus[]).find(
    (name) => TOPO_CHANGE_STATUS[name] === status,
  );
}

/** What a sub-device signs to be added to a topology or to log in: the fields are sorted by name, as in §1. */
export interface SubDeviceSignFields extends DeviceIdentity {
  readonly clientId: string;
  /** Milliseconds since the epoch, as a string. */
  readonly timestamp: string;
}

/**
 * The sign of a sub-device: HMAC(its deviceSecret) over `clientId…deviceName…productKey…timestamp…`, lowercase
 * hex. `signMethod`, `sign` and `cleanSession` are not signed.
 *
 * ```ts
 * subDeviceSign('hmacmd5', '1234', { productKey: 'a1PB5fp1234', deviceName: '868575026974305',
 *   clientId: '868575026974305', timestamp: '1646277090411' }) // '3ba0dfa4c477b40c007d84d30d6466cc'
 * ```
 */
export function subDeviceSign(method: SignMethod, deviceSecret: string, fields: SubDeviceSignFields): string {
  const { clientId, deviceName, productKey, timestamp } = fields;
  return signContent(method, deviceSecret, { clientId, deviceName, productKey, timestamp });
}

/** A sign method as devices write it: `hmacSha256`, `HmacSHA1` and `hmacmd5` all name one of `SIGN_METHODS`. */
export const SignMethodName = new t.Type<SignMethod, string, unknown>(
  'SignMethodName',
  (u): u is SignMethod => typeof u === 'string' && (SIGN_METHODS as readonly string[]).includes(u),
  (u, c) => {
    const method = typeof u === 'string' ? u.toLowerCase() : undefined;
    return method !== undefined && (SIGN_METHODS as readonly string[]).includes(method)
      ? t.success(method as SignMethod)
      : t.failure(u, c, `must be one of ${SIGN_METHODS.join(', ')}`);
  },
  (method) => method,
);

/** Milliseconds since the epoch, sent as a string; a number is taken too. */
const Timestamp = DigitString;

/** A sub-device as the platform names it in lists and replies; other fields (`iotId`) are passed over. */
export const SubDeviceIdentity = t.type({ productKey: t.string, deviceName: t.string }, 'SubDeviceIdentity');
export const SubDeviceList = t.array(SubDeviceIdentity, 'SubDeviceList');

/** Just the identity: the codecs above keep whatever else an object held (`iotId`, a secret, a sign). */
export const identityOf = ({ productKey, deviceName }: DeviceIdentity): DeviceIdentity => ({
  productKey,
  deviceName,
});

/** Just the identity of each entry. */
export const identitiesOf = (list: readonly DeviceIdentity[]): DeviceIdentity[] => list.map(identityOf);

/** One sub-device of `thing.topo.add`'s params. */
export const TopoAddEntry = t.type(
  {
    productKey: t.string,
    deviceName: t.string,
    clientId: t.string,
    timestamp: Timestamp,
    signmethod: SignMethodName,
    sign: t.string,
  },
  'TopoAddEntry',
);
export type TopoAddEntry = t.TypeOf<typeof TopoAddEntry>;
export const TopoAddParams = t.array(TopoAddEntry, 'TopoAddParams');

/** `thing.topo.change`: what happened (`TOPO_CHANGE_STATUS`), and to which sub-devices. */
export const TopoChangeParams = t.type(
  { status: NumberFromStringOrNumber, subList: SubDeviceList },
  'TopoChangeParams',
);
export type TopoChangeParams = t.TypeOf<typeof TopoChangeParams>;

/** `cleanSession` as sent: the strings `"true"` and `"false"`; a boolean is taken too. */
const CleanSession = t.union([t.literal('true'), t.literal('false'), t.boolean]);

const LoginFields = {
  productKey: t.string,
  deviceName: t.string,
  clientId: t.string,
  timestamp: Timestamp,
  sign: t.string,
};

/** The params of `combine/login`. */
export const CombineLoginParams = t.intersection(
  [t.type({ ...LoginFields, signMethod: SignMethodName }), t.partial({ cleanSession: CleanSession })],
  'CombineLoginParams',
);
export type CombineLoginParams = t.TypeOf<typeof CombineLoginParams>;

/** The params of `combine/batch_login`: one sign method for every sub-device of the list. */
export const CombineBatchLoginParams = t.type(
  {
    signMethod: SignMethodName,
    deviceList: t.array(t.intersection([t.type(LoginFields), t.partial({ cleanSession: CleanSession })])),
  },
  'CombineBatchLoginParams',
);
export type CombineBatchLoginParams = t.TypeOf<typeof CombineBatchLoginParams>;

/** What `thing.sub.register` answers for each sub-device. */
export const SubRegisterData = t.array(
  t.type({ productKey: t.string, deviceName: t.string, deviceSecret: t.string }),
  'SubRegisterData',
);

/** How a gateway signs for its sub-devices, and when. */
export interface SubDeviceSigning {
  readonly signMethod: SignMethod;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** A sub-device with what it signs with. */
export interface SubDeviceSecret extends DeviceIdentity {
  readonly deviceSecret: string;
  /** Default: `${productKey}&${deviceName}`. */
  readonly clientId?: string | undefined;
}

const signedFields = (sub: SubDeviceSecret, timestamp: number): SubDeviceSignFields => ({
  productKey: sub.productKey,
  deviceName: sub.deviceName,
  clientId: sub.clientId ?? `${sub.productKey}&${sub.deviceName}`,
  timestamp: String(timestamp),
});

/** One entry of `thing.topo.add`'s params, signed. */
export function topoAddEntry(
  sub: SubDeviceSecret,
  { signMethod, timestamp }: SubDeviceSigning,
): TopoAddEntry {
  const fields = signedFields(sub, timestamp);
  return { ...fields, signmethod: signMethod, sign: subDeviceSign(signMethod, sub.deviceSecret, fields) };
}

/** The params of `combine/login`, signed. */
export function combineLoginParams(
  sub: SubDeviceSecret,
  { signMethod, timestamp }: SubDeviceSigning,
  cleanSession: boolean,
) {
  const fields = signedFields(sub, timestamp);
  const sign = subDeviceSign(signMethod, sub.deviceSecret, fields);
  return { ...fields, signMethod, sign, cleanSession: cleanSession ? 'true' : 'false' } as const;
}

/** The params of `combine/batch_login`, each sub-device signed. */
export function combineBatchLoginParams(
  subs: readonly SubDeviceSecret[],
  { signMethod, timestamp }: SubDeviceSigning,
  cleanSession: boolean,
) {
  return {
    signMethod,
    deviceList: subs.map((sub) => {
      const fields = signedFields(sub, timestamp);
      const sign = subDeviceSign(signMethod, sub.deviceSecret, fields);
      return { ...fields, sign, cleanSession: cleanSession ? 'true' : 'false' } as const;
    }),
  };
}

/** A login or logout as the platform documents them: `{id, params}`, no method and no version. */
export function combinePayload<P>(id: string, params: P): { readonly id: string; readonly params: P } {
  return { id, params };
}

/** One sub-device of `thing.proxy.provisioning.product_register`: registered with its product's secret. */
// `signMethod` a string: a method the cloud does not know refuses that sub-device, not the whole request.
export const ProxiedEntry = t.type(
  {
    productKey: t.string,
    deviceName: t.string,
    random: t.string,
    signMethod: t.string,
    sign: t.string,
  },
  'ProxiedEntry',
);
export type ProxiedEntry = t.TypeOf<typeof ProxiedEntry>;
export const ProductRegisterParams = t.type({ proxieds: t.array(ProxiedEntry) }, 'ProductRegisterParams');

/** A sub-device of a product with "one secret per product": it registers with the productSecret. */
export interface SubDeviceProductSecret extends DeviceIdentity {
  readonly productSecret: string;
}

/**
 * One entry of `product_register`'s `proxieds`, signed: HMAC(productSecret) over
 * `deviceName…productKey…random…`, as a device's own dynamic registration signs.
 */
export function proxiedEntry(
  sub: SubDeviceProductSecret,
  signMethod: SignMethod,
  random: string,
): ProxiedEntry {
  const { productKey, deviceName, productSecret } = sub;
  return {
    productKey,
    deviceName,
    random,
    signMethod,
    sign: registrationSign({ productKey, deviceName, productSecret, random, signMethod }),
  };
}

const Registered = t.type({ productKey: t.string, deviceName: t.string, deviceSecret: t.string });
const Failed = t.intersection([
  t.type({ productKey: t.string, deviceName: t.string }),
  t.partial({ code: NumberFromStringOrNumber, message: t.string }),
]);

/**
 * What `product_register` answers: `{successes, failures}`, each a list; a plain list of registered
 * sub-devices is taken too (the reply's shape is unverified).
 */
export const ProductRegisterData = t.union(
  [
    // At least one of the lists: an object with neither is no answer (its secrets would be lost unseen).
    t.intersection([t.type({ successes: t.array(Registered) }), t.partial({ failures: t.array(Failed) })]),
    t.intersection([t.type({ failures: t.array(Failed) }), t.partial({ successes: t.array(Registered) })]),
    t.array(Registered),
  ],
  'ProductRegisterData',
);
export type ProductRegisterData = t.TypeOf<typeof ProductRegisterData>;
