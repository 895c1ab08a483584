import * as E from 'fp-ts/Either';
import type { Subscription } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import {
  SHADOW_CLEAR_VERSION,
  SHADOW_ERROR_CODES,
  SHADOW_NULL,
  shadowControlPayload,
  shadowErrorPayload,
  shadowReplyPayload,
  ShadowRequest,
  type ShadowAttributes,
  type ShadowDocument,
} from '../protocol';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload, UNREADABLE_JSON } from './decodeDevicePayload';
import { ShadowVersionConflictError } from './emulatorErrors';
import { anyDeviceTopics } from './anyDeviceTopics';

/** What `updateDeviceShadow` writes: the desired state, and the version (above the shadow's). */
export interface ShadowMessage {
  readonly state: { readonly desired: ShadowAttributes | 'null' };
  /** Default: the shadow's version plus one. */
  readonly version?: number | undefined;
}

export interface UpdateDeviceShadowOptions {
  /** Merge the desired attributes into those there are, instead of replacing them. Default: `false`. */
  readonly deltaUpdate?: boolean | undefined;
}

/** The shadow of each device, as the platform keeps it (OpenAPI `GetDeviceShadow`, `UpdateDeviceShadow`). */
export interface CloudShadowCalls {
  /**
   * OpenAPI `GetDeviceShadow`: a device's shadow now, both sections, their timestamps and the version (0 and
   * no state for a shadow never written).
   */
  getDeviceShadow(device: DeviceIdentity): ShadowDocument;
  /**
   * OpenAPI `UpdateDeviceShadow`: writes the desired state (replacing it, or merged with `deltaUpdate`) and
   * pushes it to the device on `/shadow/get/pk/dn` (`method: control`) if it is online. Resolves with the
   * shadow as it now is; rejects with `ShadowVersionConflictError` for a version not above the shadow's.
   */
  updateDeviceShadow(
    device: DeviceIdentity,
    message: ShadowMessage,
    options?: UpdateDeviceShadowOptions,
  ): Promise<ShadowDocument>;
}

/** The shadows' calls, and the subscription that answers the devices' shadow requests. */
export interface CloudShadow extends CloudShadowCalls {
  readonly subscription: Subscription;
}

/** The most attributes a section may hold. */
const MAX_ATTRIBUTES = 128;

interface Section {
  values: Record<string, unknown>;
  times: Record<string, { timestamp: number }>;
}

interface Kept {
  desired: Section;
  reported: Section;
  version: number;
  timestamp: number;
}

type Outcome = { readonly version: number } | { readonly code: number; readonly message: string };

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;
const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);
/** A table of attributes without a prototype: an attribute named `__proto__` is one like any other. */
const table = <V>(entries: Readonly<Record<string, V>> = {}): Record<string, V> =>
  Object.assign(Object.create(null) as Record<string, V>, entries);
const empty = (): Section => ({ values: table(), times: table() });

/** Writes attributes into a section: `"null"` (or null) deletes one; the whole section `"null"` clears it. */
function apply(section: Section, change: unknown, timestamp: number, replace = false): Section {
  if (change === SHADOW_NULL || change === null) return empty();
  const next = replace ? empty() : { values: table(section.values), times: table(section.times) };
  for (const [key, value] of Object.entries(change as Record<string, unknown>)) {
    if (value === SHADOW_NULL || value === null) {
      delete next.values[key];
      delete next.times[key];
    } else {
      next.values[key] = value;
      next.times[key] = { timestamp };
    }
  }
  return next;
}

const conflict = (version: number, current: number): Outcome => ({
  code: SHADOW_ERROR_CODES.versionConflict,
  message: `version ${version} is not above the shadow's ${current}`,
});

/**
 * The cloud side of the device shadow: answers `get`, `update` (a version above the shadow's, or -1 to clear
 * it) and `delete` on `/shadow/update/pk/dn` with a reply on `/shadow/get/pk/dn`, with the platform's error
 * codes (400 bad JSON, 401 no method, 402 no state, 403 a version that is no number, 406 an unknown method,
 * 408 too many attributes, 409 a stale version); and pushes what `updateDeviceShadow` writes.
 */
export function cloudShadow(cloud: CloudSide): CloudShadow {
  const shadows = new Map<string, Kept>();
  const seconds = () => Math.floor(cloud.now() / 1000);
  const keptOf = (device: DeviceIdentity): Kept =>
    shadows.get(keyOf(device)) ?? { desired: empty(), reported: empty(), version: 0, timestamp: seconds() };

  const documentOf = ({ desired, reported, version, timestamp }: Kept): ShadowDocument => {
    const has = (s: Section) => Object.keys(s.values).length > 0;
    return {
      state: {
        ...(has(desired) ? { desired: desired.values } : {}),
        ...(has(reported) ? { reported: reported.values } : {}),
      },
      metadata: {
        ...(has(desired) ? { desired: desired.times } : {}),
        ...(has(reported) ? { reported: reported.times } : {}),
      },
      version,
      timestamp,
    };
  };

  function handle(device: DeviceIdentity, request: ShadowRequest): Outcome | 'get' {
    const { method, state, version } = request;
    if (method === 'get') return 'get';
    if (method !== 'update' && method !== 'delete')
      return { code: SHADOW_ERROR_CODES.invalidMethod, message: `no method ${method}` };
    if (!isObject(state)) return { code: SHADOW_ERROR_CODES.noState, message: 'no state' };
    if (typeof version !== 'number' || !Number.isInteger(version))
      return { code: SHADOW_ERROR_CODES.versionNotNumber, message: 'version is not a number' };
    const kept = keptOf(device);
    const timestamp = seconds();
    if (method === 'update' && version === SHADOW_CLEAR_VERSION) {
      shadows.set(keyOf(device), { desired: empty(), reported: empty(), version: 0, timestamp });
      return { version: 0 };
    }
    if (version <= kept.version) return conflict(version, kept.version);
    const { reported, desired } = state;
    if (method === 'delete') {
      if (reported === undefined) return { code: SHADOW_ERROR_CODES.noReported, message: 'no reported' };
      const gone =
        reported === SHADOW_NULL
          ? SHADOW_NULL
          : Object.fromEntries(Object.keys(isObject(reported) ? reported : {}).map((k) => [k, SHADOW_NULL]));
      shadows.set(keyOf(device), {
        ...kept,
        reported: apply(kept.reported, gone, timestamp),
        version,
        timestamp,
      });
      return { version };
    }
    if (reported === undefined && desired === undefined)
      return { code: SHADOW_ERROR_CODES.noReported, message: 'no reported' };
    for (const section of [reported, desired]) {
      if (section !== undefined && section !== SHADOW_NULL && !isObject(section))
        return { code: SHADOW_ERROR_CODES.badJson, message: 'a section must be an object or "null"' };
    }
    const next: Kept = {
      reported: reported === undefined ? kept.reported : apply(kept.reported, reported, timestamp),
      desired: desired === undefined ? kept.desired : apply(kept.desired, desired, timestamp),
      version,
      timestamp,
    };
    if (Object.keys(next.reported.values).length > MAX_ATTRIBUTES)
      return {
        code: SHADOW_ERROR_CODES.tooManyAttributes,
        message: `more than ${MAX_ATTRIBUTES} attributes`,
      };
    shadows.set(keyOf(device), next);
    return { version };
  }

  const subscription = cloud.listen(anyDeviceTopics.shadowUpdate).subscribe((message) => {
    const request = decodeDevicePayload(ShadowRequest, message.payload);
    const outcome: Outcome | 'get' = E.isRight(request)
      ? handle(message, request.right)
      : request.left === UNREADABLE_JSON.notJson
        ? { code: SHADOW_ERROR_CODES.badJson, message: 'not JSON' }
        : request.left === UNREADABLE_JSON.tooDeep
          ? { code: SHADOW_ERROR_CODES.badJson, message: request.left }
          : { code: SHADOW_ERROR_CODES.noMethod, message: 'no method' };
    const timestamp = seconds();
    const reply =
      outcome === 'get'
        ? shadowReplyPayload(timestamp, keptOf(message).version, documentOf(keptOf(message)))
        : 'code' in outcome
          ? shadowErrorPayload(timestamp, outcome.code, outcome.message)
          : shadowReplyPayload(timestamp, outcome.version);
    cloud.publish(deviceTopics(message).shadowGet, reply, { qos: 1 }).catch(() => undefined);
  });

  return {
    getDeviceShadow: (device) => documentOf(keptOf(device)),

    async updateDeviceShadow(device, { state, version }, { deltaUpdate = false } = {}) {
      const kept = keptOf(device);
      const next = version ?? kept.version + 1;
      if (next <= kept.version) throw new ShadowVersionConflictError(device, next, kept.version);
      const timestamp = seconds();
      const updated: Kept = {
        ...kept,
        desired: apply(kept.desired, state.desired, timestamp, !deltaUpdate),
        version: next,
        timestamp,
      };
      shadows.set(keyOf(device), updated);
      const document = documentOf(updated);
      if (cloud.isOnline(device))
        await cloud.publish(deviceTopics(device).shadowGet, shadowControlPayload(document), { qos: 1 });
      return document;
    },

    subscription,
  };
}
