import * as E from 'fp-ts/Either';
import {
  defer,
  endWith,
  filter,
  ignoreElements,
  merge,
  share,
  Subject,
  Subscription,
  takeUntil,
  type Observable,
} from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import { ALINK_CODES, DigitString, platformErrorPayload } from '../protocol';
import { matchTopic } from '../topic/matchTopic';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { CloudPayload } from './cloudPayloads';
import type { CloudSide } from './CloudSide';
import type { DataParsing, ParseResult } from './dataParser';
import type { ReceivedMessage } from './emulatorEvent';
import type { CloudPublishOptions } from './startEmulator';
import { RawDataConversionError } from './emulatorErrors';

/**
 * How many converted requests are remembered while they wait for their answer. Each is forgotten once
 * answered, and past this the oldest first: a post with `sys.ack` 0 is never answered.
 */
const MAX_WAITING = 10_000;

/** A map that forgets its oldest entries past `MAX_WAITING`, and each entry once it is taken. */
class Waiting<V> {
  private readonly entries = new Map<string, V>();
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > MAX_WAITING) this.entries.delete(this.entries.keys().next().value as string);
  }
  take(key: string): V | undefined {
    const value = this.entries.get(key);
    this.entries.delete(key);
    return value;
  }
}

/** The device and the rest of a thing-model topic: `/sys/pk/dn/thing/…`, or an RRPC one `/ext/rrpc/id/sys/…`. */
function thingTopic(topic: string) {
  const levels = topic.split('/');
  const rrpc = levels[1] === 'ext' && levels[2] === 'rrpc';
  const at = rrpc ? 4 : 1;
  if (levels[0] !== '' || levels[at] !== 'sys' || levels[at + 3] !== 'thing') return undefined;
  const [productKey = '', deviceName = ''] = levels.slice(at + 1, at + 3);
  return {
    device: { productKey, deviceName },
    rrpcId: rrpc ? levels[3] : undefined,
    path: levels.slice(at + 3),
  };
}

/**
 * The topic of a post's method: `thing.event.property.post` is `/sys/pk/dn/thing/event/property/post`. Only
 * posts (`thing.event.….post`: properties, events, and their pack, history and batch forms) go through the
 * script, as the platform documents; a method of any other service (a sub-device's registration, whose
 * reply carries its secret) has no topic here.
 */
function topicOfMethod(device: DeviceIdentity, method: string): string | undefined {
  const levels = method.split('.');
  const post =
    levels.length >= 4 &&
    levels[0] === 'thing' &&
    levels[1] === 'event' &&
    levels.at(-1) === 'post' &&
    levels.every((l) => /^[^/+#\s]+$/.test(l));
  return post ? `/sys/${device.productKey}/${device.deviceName}/${levels.join('/')}` : undefined;
}

const keyOf = (device: DeviceIdentity, id: string) => `${device.productKey}/${device.deviceName}\u0000${id}`;

function idOf(json: Record<string, unknown>): string | undefined {
  const id = DigitString.decode(typeof json['id'] === 'number' ? String(json['id']) : json['id']);
  return E.isRight(id) ? id.right : undefined;
}

/** The JSON object a cloud payload holds, if it holds one. */
function jsonOf(payload: CloudPayload): Record<string, unknown> | undefined {
  let json: unknown = payload;
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    try {
      json = JSON.parse(Buffer.from(payload).toString('utf8'));
    } catch {
      return undefined;
    }
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (JSON.parse(JSON.stringify(json)) as Record<string, unknown>)
    : undefined;
}

/** The emulator's cloud side with a pass-through product's data parsing in front of it. */
export interface RawDataCloud {
  readonly cloud: CloudSide;
  readonly subscription: Subscription;
}

/**
 * Puts the data-parsing scripts of pass-through products between the devices and the cloud services, as the
 * platform does, so that every service answers such a device unchanged:
 * - what a device sends on `thing/model/up_raw` is turned into Alink by `rawDataToProtocol` and handed to the
 *   services as if it had come on its method's topic (`thing.event.property.post`: `…/thing/event/property/post`);
 *   the reply to it is turned into bytes by `protocolToRawData` and sent on `up_raw_reply`;
 * - a property set or service call to such a device (`thing/service/…`) is sent as bytes on `down_raw` (a
 *   synchronous one on `/ext/rrpc/${id}/…/thing/model/down_raw`), and the device's answer on `down_raw_reply`
 *   (or that RRPC topic) is handed back as the Alink reply to it, matched by its `id`.
 * Each conversion is reported on `events$` (`raw-data`). Bytes the script cannot turn into Alink are reported
 * to the device on `/ext/error/pk/dn` with the platform's code (26002 the script failed, 26007 it gave no JSON
 * object, 6450 a request without `method`, 460 a method that is no post, no id of digits, or an answer to no
 * call); whether the platform tells the device so is unverified. A call whose request the script cannot turn
 * into bytes rejects with `RawDataConversionError`.
 */
export function rawDataCloud(
  cloud: CloudSide,
  parsingOf: (productKey: string) => DataParsing | undefined,
): RawDataCloud {
  const parsed$ = new Subject<ReceivedMessage>();
  /** The device's raw requests waiting for the cloud's reply: `${replyTopic} ${id}` of each. */
  const requests = new Waiting<true>();
  /** The cloud's calls waiting for the device's answer: the topic its Alink reply is heard on. */
  const calls = new Waiting<string>();
  const subscription = new Subscription(() => parsed$.complete());

  const report = (
    device: DeviceIdentity,
    topic: string,
    result: ParseResult<unknown>,
    json?: Record<string, unknown>,
  ) =>
    cloud.emit({
      type: 'raw-data',
      device: { productKey: device.productKey, deviceName: device.deviceName },
      topic,
      ...(json === undefined ? {} : { json }),
      ...(result._tag === 'ParseFailure' ? { code: result.code, message: result.message } : {}),
    });
  const refuse = (
    device: DeviceIdentity,
    topic: string,
    code: number,
    message: string,
    json?: Record<string, unknown>,
  ) => {
    report(device, topic, { _tag: 'ParseFailure', code, message }, json);
    const payload = platformErrorPayload({ code, message, id: json && idOf(json) });
    cloud.publish(deviceTopics(device).error, payload).catch(() => undefined);
  };
  /** The device's bytes as Alink, handed to the services on `topic`. */
  const handOn = (message: ReceivedMessage, topic: string, json: Record<string, unknown>) =>
    parsed$.next({ ...message, topic, payload: Buffer.from(JSON.stringify(json), 'utf8') });

  const toProtocol = (message: ReceivedMessage) => {
    const parsing = parsingOf(message.productKey);
    if (parsing === undefined) return undefined;
    const result = parsing.toProtocol(message.payload);
    if (result._tag === 'ParseFailure') {
      refuse(message, message.topic, result.code, result.message);
      return undefined;
    }
    return result.value;
  };

  // A device's posts (and any other request it makes in its own format).
  subscription.add(
    cloud.listen(anyDeviceTopics.upRaw).subscribe((message) => {
      const json = toProtocol(message);
      if (json === undefined) return;
      const method = json['method'];
      const topic = typeof method === 'string' ? topicOfMethod(message, method) : undefined;
      if (typeof method !== 'string') {
        return refuse(message, message.topic, ALINK_CODES.methodMissing, 'the data has no method', json);
      }
      if (topic === undefined) {
        const why = `method ${method} is no post (thing.event.….post)`;
        return refuse(message, message.topic, ALINK_CODES.invalidParameter, why, json);
      }
      const id = idOf(json);
      // Without an id of digits, no reply could find its way back: the device hears why instead.
      if (id === undefined) {
        const why = 'the data has no id (a string of digits, 0 to 4294967295)';
        return refuse(message, message.topic, ALINK_CODES.invalidParameter, why, json);
      }
      report(message, message.topic, { _tag: 'Parsed', value: json }, json);
      requests.set(keyOf(message, `${topic}_reply ${id}`), true);
      handOn(message, topic, json);
    }),
  );

  // A device's answers to the cloud's calls: asynchronous ones on down_raw_reply, synchronous ones over RRPC.
  const answered = (message: ReceivedMessage) => {
    const json = toProtocol(message);
    if (json === undefined) return;
    const id = idOf(json);
    const topic = id === undefined ? undefined : calls.take(keyOf(message, id));
    if (topic === undefined) {
      return refuse(message, message.topic, ALINK_CODES.invalidParameter, 'the answer is to no call', json);
    }
    report(message, message.topic, { _tag: 'Parsed', value: json }, json);
    handOn(message, topic, json);
  };
  subscription.add(cloud.listen(anyDeviceTopics.downRawReply).subscribe(answered));
  subscription.add(cloud.listen(anyDeviceTopics.extRrpc('+', anyDeviceTopics.downRaw)).subscribe(answered));

  async function publish(topic: string, payload: CloudPayload, options?: CloudPublishOptions): Promise<void> {
    const thing = thingTopic(topic);
    const parsing = thing && parsingOf(thing.device.productKey);
    const json = parsing && thing.path[1] !== 'model' ? jsonOf(payload) : undefined;
    const id = json && idOf(json);
    if (thing === undefined || parsing === undefined || json === undefined || id === undefined) {
      return cloud.publish(topic, payload, options);
    }
    const { device, rrpcId, path } = thing;
    const topics = deviceTopics(device);
    const reply = rrpcId === undefined && requests.take(keyOf(device, `${topic} ${id}`)) === true;
    const call = path[1] === 'service' && !topic.endsWith('_reply');
    if (!reply && !call) return cloud.publish(topic, payload, options);
    const bytes = parsing.toRawData(json);
    const rawTopic = reply
      ? topics.upRawReply
      : rrpcId === undefined
        ? topics.downRaw
        : topics.extRrpc(rrpcId, topics.downRaw);
    if (bytes._tag === 'ParseFailure') {
      // A reply the device cannot get is reported to it; a call that cannot be sent fails.
      if (reply) return refuse(device, rawTopic, bytes.code, bytes.message, json);
      report(device, rawTopic, bytes, json);
      throw new RawDataConversionError(device, topic, bytes.code, bytes.message);
    }
    report(device, rawTopic, bytes, json);
    if (call) calls.set(keyOf(device, id), rrpcId === undefined ? `${topic}_reply` : topic);
    return cloud.publish(rawTopic, bytes.value, options);
  }

  return {
    cloud: {
      ...cloud,
      // The converted messages end with the platform's own: a listener completes when the emulator closes.
      listen: (topicFilter: string): Observable<ReceivedMessage> =>
        defer(() => {
          const own$ = cloud.listen(topicFilter).pipe(share());
          const ended$ = own$.pipe(ignoreElements(), endWith(true));
          const converted$ = parsed$.pipe(
            filter((m) => matchTopic(topicFilter, m.topic)),
            takeUntil(ended$),
          );
          return merge(own$, converted$);
        }),
      publish,
    },
    subscription,
  };
}
