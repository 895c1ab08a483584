import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Subscription } from 'rxjs';
import type { DeviceIdentity } from '../identity';
import {
  ALINK_CODES,
  BatchPostParams,
  checkBatchPost,
  checkHistoryPost,
  checkPackPost,
  contextPath,
  describeErrors,
  HistoryPostParams,
  identityOf,
  PackPostParams,
  PLATFORM_ERROR_CODES,
  thingMethods,
  type ModelOf,
  type PackPart,
  type TslViolation,
} from '../protocol';
import { answerAlink, type CloudAnswer } from './answerAlink';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { CloudSide } from './CloudSide';
import { firstTen, refusal, reportThingAnswer } from './cloudThing';
import type { PropertyStore } from './propertyStore';
import type { Topology } from './topology';

/**
 * How much one pack post may carry. The platform documents 200 properties, 20 events and 20 sub-devices "at a
 * time"; whether the first two count the gateway's own part only or the whole message is unverified: the
 * emulator counts them over the whole message.
 */
export interface PackPostLimits {
  /** Properties in one pack post, the gateway's and its sub-devices' together. Default: 200. */
  readonly properties?: number | undefined;
  /** Events in one pack post, counted as properties are. Default: 20. */
  readonly events?: number | undefined;
  /** Sub-device parts in one pack post. Default: 20. */
  readonly subDevices?: number | undefined;
}

/** The limits the platform documents for `thing.event.property.pack.post`. */
export const DEFAULT_PACK_POST_LIMITS = { properties: 200, events: 20, subDevices: 20 } as const;

/** The limits with their defaults; a limit that is not a whole number from 0 is refused. */
export function packPostLimits(given: PackPostLimits = {}): Readonly<Record<keyof PackPostLimits, number>> {
  const limits = {
    properties: given.properties ?? DEFAULT_PACK_POST_LIMITS.properties,
    events: given.events ?? DEFAULT_PACK_POST_LIMITS.events,
    subDevices: given.subDevices ?? DEFAULT_PACK_POST_LIMITS.subDevices,
  };
  for (const [name, limit] of Object.entries(limits)) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new RangeError(`packPostLimits.${name} must be a whole number from 0, got ${limit}`);
  }
  return limits;
}

const nameOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;
const sameDevice = (a: DeviceIdentity, b: DeviceIdentity) =>
  a.productKey === b.productKey && a.deviceName === b.deviceName;

// The code the emulator answers a sub-device's login with when it is not in the gateway's topology
// (cloudGateway.ts): 6401, the platform's "topological relation does not exist".
const notInTopology = (poster: DeviceIdentity, part: DeviceIdentity): CloudAnswer => ({
  code: PLATFORM_ERROR_CODES.topoRelationNotExist,
  message: `${nameOf(part)} is not in the topology of ${nameOf(poster)}`,
});

/** Params through `codec`, or the 460 answer with every reason (the first ten), each with its path. */
function decodeParams<A>(codec: t.Decoder<unknown, A>, params: unknown): E.Either<CloudAnswer, A> {
  const decoded = codec.decode(params);
  if (E.isRight(decoded)) return decoded;
  const errors = decoded.left;
  // A codec's own message comes without its path: the path goes in front.
  const lines = describeErrors(errors).map((line, i) => {
    const error = errors[i];
    if (error?.message === undefined) return line;
    const path = contextPath(error.context);
    return `at ${path === '' ? '(root)' : path}: ${line}`;
  });
  return E.left({
    code: ALINK_CODES.invalidParameter,
    message: `request parameter error: ${firstTen([...new Set(lines)])}`,
  });
}

const countOf = (parts: readonly PackPart[], key: 'properties' | 'events') =>
  parts.reduce((sum, part) => sum + Object.keys(part[key] ?? {}).length, 0);

/** What an answer broke of the thing model, for the `thing` event. */
interface Outcome {
  readonly answer: CloudAnswer;
  readonly violations?: readonly TslViolation[];
}

/**
 * The cloud side of the thing model's batch posts, each answered 200 or refused whole:
 * - `thing.event.property.pack.post`, a gateway's own properties and events and those of sub-devices in its
 *   topology (6401 for one that is not), within `limits` (460 past one), checked against each product's thing
 *   model as a property post is (5092 for an undefined property or event, else 460). Its properties are kept
 *   as a property post's: the latest status of each device, and the property history.
 * - `thing.event.property.history.post`, values measured earlier, of the device itself or of a sub-device in
 *   its topology (6401 for another), each property with its value and time (460 without). They go to the
 *   property history only, not to the latest status (`queryDevicePropertyStatus`): whether the platform's
 *   latest value changes with history data is unverified.
 * - `thing.event.property.batch.post`, several values of each of the device's own properties (and occurrences
 *   of its events), each checked against its product's thing model; every value goes to the history, and the
 *   one measured last is the latest status. No limits of the platform's are known for a batch: none here.
 */
export function cloudThingBatches(
  cloud: CloudSide,
  modelOf: ModelOf,
  topology: Topology,
  store: PropertyStore,
  limits: ReturnType<typeof packPostLimits>,
): Subscription {
  const packPost = (params: unknown, gateway: DeviceIdentity): Outcome => {
    const decoded = decodeParams(PackPostParams, params);
    if (E.isLeft(decoded)) return { answer: decoded.left };
    const pack = decoded.right;
    const subDevices = pack.subDevices ?? [];
    const parts = [pack, ...subDevices];
    const counts = {
      subDevices: subDevices.length,
      properties: countOf(parts, 'properties'),
      events: countOf(parts, 'events'),
    };
    for (const key of ['subDevices', 'properties', 'events'] as const) {
      if (counts[key] > limits[key]) {
        const what = key === 'subDevices' ? 'sub-devices' : key;
        const message = `at most ${limits[key]} ${what} in one pack post, got ${counts[key]}`;
        return { answer: { code: ALINK_CODES.invalidParameter, message } };
      }
    }
    const stranger = subDevices.find(({ identity }) => !topology.has(gateway, identity));
    if (stranger !== undefined) return { answer: notInTopology(gateway, stranger.identity) };
    const violations = checkPackPost(pack, gateway.productKey, modelOf);
    if (violations.length > 0) return { answer: refusal(violations), violations };
    const now = cloud.now();
    const owned = [
      { device: gateway, part: pack },
      ...subDevices.map((part) => ({ device: identityOf(part.identity), part })),
    ];
    for (const { device, part } of owned) {
      for (const [identifier, raw] of Object.entries(part.properties ?? {})) {
        const { value, time = now } = raw;
        store.report(device, identifier, { value, time });
      }
    }
    return { answer: {} };
  };

  const historyPost = (params: unknown, poster: DeviceIdentity): Outcome => {
    const decoded = decodeParams(HistoryPostParams, params);
    if (E.isLeft(decoded)) return { answer: decoded.left };
    const history = decoded.right;
    const stranger = history.find(
      ({ identity }) => !sameDevice(identity, poster) && !topology.has(poster, identity),
    );
    if (stranger !== undefined) return { answer: notInTopology(poster, stranger.identity) };
    const violations = checkHistoryPost(history, modelOf);
    if (violations.length > 0) return { answer: refusal(violations), violations };
    for (const { identity, properties = [] } of history) {
      for (const snapshot of properties) {
        for (const [identifier, { value, time }] of Object.entries(snapshot)) {
          store.record(identityOf(identity), identifier, { value, time });
        }
      }
    }
    return { answer: {} };
  };

  const batchPost = (params: unknown, poster: DeviceIdentity): Outcome => {
    const decoded = decodeParams(BatchPostParams, params);
    if (E.isLeft(decoded)) return { answer: decoded.left };
    const batch = decoded.right;
    const model = modelOf(poster.productKey);
    const violations = model === undefined ? [] : checkBatchPost(model, batch);
    if (violations.length > 0) return { answer: refusal(violations), violations };
    const now = cloud.now();
    for (const [identifier, values] of Object.entries(batch.properties ?? {})) {
      // In time order, so that the latest measured is the latest status.
      const records = values.map(({ value, time = now }) => ({ value, time }));
      for (const record of records.sort((a, b) => a.time - b.time)) store.report(poster, identifier, record);
    }
    return { answer: {} };
  };

  const serve = (filter: string, method: string, post: typeof packPost) =>
    answerAlink(cloud, filter, t.unknown, (params, request, message) => {
      const { answer, violations } = post(params, identityOf(message));
      const ack = request.sys?.ack !== 0;
      reportThingAnswer(cloud, message, request.method ?? method, request.id, answer, ack, violations);
      return answer;
    });

  const subscription = new Subscription();
  subscription.add(serve(anyDeviceTopics.propertyPackPost, thingMethods.propertyPackPost, packPost));
  subscription.add(serve(anyDeviceTopics.propertyHistoryPost, thingMethods.propertyHistoryPost, historyPost));
  subscription.add(serve(anyDeviceTopics.propertyBatchPost, thingMethods.propertyBatchPost, batchPost));
  return subscription;
}
