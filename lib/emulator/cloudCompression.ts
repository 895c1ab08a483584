import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { Subscription } from 'rxjs';
import { nodeGzip } from '../compression/nodeGzip';
import { namespaceOwner, type DeviceIdentity } from '../identity';
import { parseJson } from '../json/parseJson';
import {
  ALINK_CODES,
  COMPRESSION_FORMAT,
  COMPRESSION_LIMITS,
  CompressionUpdate,
  compressionTopicsOf,
  compressionUpdateReply,
  DigitString,
  isCompressionTopic,
  replyTopicOf,
  type CompressionEntry,
  type CompressionTopics,
} from '../protocol';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload } from './decodeDevicePayload';
import type { EmulatorEvent } from './emulatorEvent';

/** The gzip level of what the emulator compresses: zlib's default (the platform's own is unverified). */
const CLOUD_GZIP_LEVEL = 6;

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/** The platform's side of message compression, between the broker and the cloud services. */
export interface CloudCompression {
  /**
   * What the services are to see of a device's publish: the payload gunzipped on a topic the device declared
   * `uplink`, as it came on any other; `undefined` (reported, and dropped) when it does not gunzip.
   */
  inbound(device: DeviceIdentity, topic: string, payload: Buffer): Buffer | undefined;
  /** What goes on the wire for a cloud publish: the gzip of the payload on a declared `downlink` topic. */
  outbound(topic: string, payload: Buffer): Buffer;
  /**
   * What a device is sent of another device's publish (`forwardDevicePublishes`): the payload as the cloud
   * hears it, then gzipped on a declared `downlink` topic, so that a device that declared nothing gets it
   * plain; `undefined` (dropped) when it does not gunzip, as `inbound` reported.
   */
  forwarded(topic: string, payload: Buffer): Buffer | undefined;
  /** Forgets what a device declared (it was deleted: a device registered anew under its name declared nothing). */
  forget(device: DeviceIdentity): void;
  /** The topics a device declared, as the emulator keeps them (none: empty lists). */
  topicsOf(device: DeviceIdentity): CompressionTopics;
  /** Answers the declarations devices send on `codec/topic/update`. */
  serve(cloud: CloudSide): Subscription;
}

/** Why a declaration is refused, or nothing when the emulator takes it. */
function refusal(device: DeviceIdentity, entries: readonly CompressionEntry[]): string | undefined {
  for (const { topic, format } of entries) {
    if (format.toLowerCase() !== COMPRESSION_FORMAT) return `format ${JSON.stringify(format)} is not gzip`;
    if (!isCompressionTopic(topic)) return `${JSON.stringify(topic)} is no complete topic (no wildcards)`;
    const owner = namespaceOwner(topic);
    if (owner === undefined || keyOf(owner) !== keyOf(device)) {
      return `${topic} is not a topic of ${keyOf(device)}`;
    }
  }
  const { uplink, downlink } = compressionTopicsOf(entries);
  const count = uplink.length + downlink.length;
  return count > COMPRESSION_LIMITS.maxTopics
    ? `${count} topics, over ${COMPRESSION_LIMITS.maxTopics} per device`
    : undefined;
}

/** The id of a request that did not decode, if one can be read. */
function readableId(payload: Buffer): string | undefined {
  try {
    const id = t.type({ id: DigitString }).decode(parseJson(payload.toString('utf8')));
    return E.isRight(id) ? id.right.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Message compression as the platform keeps it: each device's declared topics (`codec/topic/update`), kept
 * across its reconnects (the docs: declared once, it holds after a restart); a new declaration replaces the
 * last one, an empty one clears it (whether the platform replaces or adds is unverified). A declaration is
 * refused with 460 (the code is unverified) for a format other than gzip, a wildcard, a topic of another
 * device (a topic broadcast included) or more than 20 topics, and nothing changes. `emit` reports each
 * declaration and each payload that does not gunzip (past 1 MiB included); such a payload is dropped (what
 * the platform does then is unverified).
 */
export function cloudCompression(emit: (event: EmulatorEvent) => void): CloudCompression {
  const declared = new Map<string, CompressionTopics>();
  // By topic, for the hot paths: a topic lies in one device's namespace, so it names the device too.
  const uplink = new Set<string>();
  const downlink = new Set<string>();

  const keep = (device: DeviceIdentity, topics: CompressionTopics) => {
    const before = declared.get(keyOf(device));
    for (const topic of before?.uplink ?? []) uplink.delete(topic);
    for (const topic of before?.downlink ?? []) downlink.delete(topic);
    for (const topic of topics.uplink) uplink.add(topic);
    for (const topic of topics.downlink) downlink.add(topic);
    declared.set(keyOf(device), topics);
  };

  const outbound = (topic: string, payload: Buffer) =>
    downlink.size === 0 || !downlink.has(topic) ? payload : nodeGzip.gzip(payload, CLOUD_GZIP_LEVEL);

  return {
    inbound(device, topic, payload) {
      if (uplink.size === 0 || !uplink.has(topic)) return payload;
      const plain = nodeGzip.gunzip(payload, COMPRESSION_LIMITS.maxUncompressedBytes);
      if (E.isRight(plain)) return plain.right;
      const { productKey, deviceName } = device;
      emit({
        type: 'decompression-failed',
        device: { productKey, deviceName },
        topic,
        reason: plain.left.reason,
        bytes: payload.byteLength,
      });
      return undefined;
    },

    outbound,

    forwarded(topic, payload) {
      if (uplink.size === 0 || !uplink.has(topic)) return outbound(topic, payload);
      const plain = nodeGzip.gunzip(payload, COMPRESSION_LIMITS.maxUncompressedBytes);
      return E.isRight(plain) ? outbound(topic, plain.right) : undefined;
    },

    forget(device) {
      keep(device, { uplink: [], downlink: [] });
      declared.delete(keyOf(device));
    },

    topicsOf: (device) => declared.get(keyOf(device)) ?? { uplink: [], downlink: [] },

    serve: (cloud) =>
      cloud.listen(anyDeviceTopics.codecTopicUpdate).subscribe((message) => {
        const device = { productKey: message.productKey, deviceName: message.deviceName };
        const request = decodeDevicePayload(CompressionUpdate, message.payload);
        const id = E.isRight(request) ? request.right.id : readableId(message.payload);
        const why = E.isLeft(request) ? request.left : refusal(device, request.right.params);
        const topics = E.isRight(request) ? compressionTopicsOf(request.right.params) : undefined;
        if (why === undefined && topics !== undefined) keep(device, topics);
        const code = why === undefined ? ALINK_CODES.success : ALINK_CODES.invalidParameter;
        const text = why === undefined ? 'success' : `request parameter error: ${why}`;
        emit({
          type: 'compression',
          device,
          code,
          uplink: topics?.uplink ?? [],
          downlink: topics?.downlink ?? [],
          ...(why === undefined ? {} : { message: text }),
        });
        const reply = compressionUpdateReply({ id, code, message: text });
        cloud.publish(replyTopicOf(message.topic), reply, { qos: 1 }).catch(() => undefined);
      }),
  };
}
