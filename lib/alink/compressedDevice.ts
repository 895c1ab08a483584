import * as E from 'fp-ts/Either';
import { concatMap, defer, EMPTY, filter, map, of, shareReplay, throwError, type Observable } from 'rxjs';
import type { CompressionPort, GunzipRefusal } from '../compression/CompressionPort';
import { gzipPort } from '../compression/gzipPort';
import { PublishRefusedError } from '../connection/errors';
import { encodePayload, type InboundMessage, type OutboundMessage } from '../connection/messages';
import { COMPRESSION_LIMITS, GZIP_LEVELS, shareMessageIds, type CompressionTopics } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { compressionTopics, type CompressionTopicsOptions } from './compressionTopics';
import { inIssueOrder } from './inIssueOrder';

export interface CompressedDeviceOptions extends CompressionTopicsOptions {
  /** The gzip level of what is published on `uplink` topics, 1 (fastest) to 9 (smallest). Default: 1, as the C SDK. */
  readonly level?: number | undefined;
  /**
   * The most bytes a payload on a `downlink` topic may gunzip to: past it the message is a
   * `DecompressionFailure`, so that a small payload that would inflate to gigabytes costs no more than this.
   * Default: 1 MiB (the platform's largest message before compression, the C SDK's bound).
   */
  readonly maxUncompressedBytes?: number | undefined;
  /** Default: `gzipPort()`, Node's zlib (a browser's `CompressionStream` in a browser build). */
  readonly port?: CompressionPort | undefined;
}

/** A payload on a declared downlink topic that did not gunzip: it was dropped, not delivered. */
export interface DecompressionFailure extends GunzipRefusal {
  readonly _tag: 'DecompressionFailure';
  readonly topic: string;
  /** The size of the payload as it came. */
  readonly bytes: number;
}

/** An `AlinkDevice` that compresses and decompresses the payloads of its declared topics. */
export interface CompressedDevice extends AlinkDevice {
  /** The topics it compresses (`uplink`) and decompresses (`downlink`), checked and each listed once. */
  readonly compression: CompressionTopics;
  /**
   * Each message on a `downlink` topic that did not gunzip (no gzip, or past `maxUncompressedBytes`), once,
   * as a value: such a message is left out of `messages$` and `observe`, whose streams go on. Hot.
   */
  readonly decompressionFailures$: Observable<DecompressionFailure>;
}

/** A payload as bytes of the same kind as the one it replaces (Node's Buffer, or a browser build's). */
function likePayload(original: Buffer, bytes: Uint8Array): Buffer {
  const Kind = original.constructor as unknown as { from(bytes: Uint8Array): Buffer };
  return bytes instanceof (Kind as unknown as typeof Uint8Array) ? (bytes as Buffer) : Kind.from(bytes);
}

/**
 * The bytes to compress, or the refusal the connection would give (its `PublishRefusedError`): a payload
 * that cannot be encoded, or one over the platform's limit before compression, which it would not take.
 * Over the limit after compression, the connection refuses it.
 */
function uncompressedBytes({ topic, payload }: OutboundMessage): Uint8Array | PublishRefusedError {
  let bytes: Uint8Array;
  try {
    bytes = encodePayload(payload);
  } catch (error) {
    const detail = `the payload cannot be JSON-encoded: ${(error as Error).message}`;
    return new PublishRefusedError('invalid-payload', topic, detail);
  }
  const limit = COMPRESSION_LIMITS.maxUncompressedBytes;
  if (bytes.byteLength <= limit) return bytes;
  const detail = `the payload has ${bytes.byteLength} bytes before compression, the platform's limit is ${limit}`;
  return new PublishRefusedError('payload-too-large', topic, detail);
}

/**
 * `device` with the platform's message compression (the Link SDK C's `compress` component): a publish on
 * an `uplink` topic goes as the gzip of its payload, a message on a `downlink` topic arrives gunzipped, and
 * every other topic passes as it is. Every service works over it unchanged: `createThing(compressedDevice(…))`
 * posts compressed properties and serves compressed property sets. It shares the device's message ids.
 *
 * The platform compresses and decompresses only what the device declared (`declareCompression`, with the
 * same topics). A downlink payload that does not gunzip is a `DecompressionFailure` on
 * `decompressionFailures$`, never an error. A publish the platform would not take errors with the
 * connection's `PublishRefusedError`: `payload-too-large` over 1 MiB before compression or past the
 * device's `maxPayloadBytes` after it, `invalid-payload` for one that cannot be encoded. Publishes leave in
 * the order they were issued, also with a port that answers later. Bad options are a RangeError or a
 * TypeError at the call.
 *
 * ```ts
 * const compression = { uplink: [device.topics.propertyPost] };
 * declareCompression(device, compression).subscribe();
 * createThing(compressedDevice(device, compression)).postProperties({ temp: 21.5 }).subscribe();
 * ```
 */
export function compressedDevice(device: AlinkDevice, options: CompressedDeviceOptions): CompressedDevice {
  const compression = compressionTopics(options, 'compressedDevice');
  const {
    level = GZIP_LEVELS.default,
    maxUncompressedBytes = COMPRESSION_LIMITS.maxUncompressedBytes,
    port = gzipPort(),
  } = options;
  if (!Number.isInteger(level) || level < GZIP_LEVELS.min || level > GZIP_LEVELS.max) {
    throw new RangeError(`compressedDevice: level must be a whole number from 1 to 9, not ${level}`);
  }
  if (!Number.isSafeInteger(maxUncompressedBytes) || maxUncompressedBytes < 1) {
    throw new RangeError(`compressedDevice: maxUncompressedBytes must be a whole number of bytes, 1 or more`);
  }
  const uplink = new Set(compression.uplink);
  const downlink = new Set(compression.downlink);

  // One gunzip per message, however many streams see it: the connection hands each one object to them all.
  const results = new WeakMap<InboundMessage, Observable<E.Either<DecompressionFailure, InboundMessage>>>();
  const gunzipped = (message: InboundMessage) => {
    let result = results.get(message);
    if (result === undefined) {
      result = port.gunzip(message.payload, maxUncompressedBytes).pipe(
        map(
          E.bimap(
            (refusal): DecompressionFailure => ({
              _tag: 'DecompressionFailure',
              topic: message.topic,
              bytes: message.payload.byteLength,
              ...refusal,
            }),
            (bytes) => ({ ...message, payload: likePayload(message.payload, bytes) }),
          ),
        ),
        shareReplay(1),
      );
      results.set(message, result);
    }
    return result;
  };
  // concatMap keeps the order of messages, also with a port that answers later (a browser's).
  const decompressing = (messages: Observable<InboundMessage>) =>
    downlink.size === 0
      ? messages
      : messages.pipe(
          concatMap((message) =>
            downlink.has(message.topic)
              ? gunzipped(message).pipe(concatMap((r) => (E.isRight(r) ? of(r.right) : EMPTY)))
              : of(message),
          ),
        );

  const gzipped = (message: OutboundMessage): Observable<OutboundMessage> =>
    defer(() => {
      const bytes = uncompressedBytes(message);
      return bytes instanceof PublishRefusedError ? throwError(() => bytes) : port.gzip(bytes, level);
    }).pipe(map((payload) => ({ ...message, payload })));
  // A port may answer later (a browser's), and a later payload sooner: publishes leave in the order they came.
  const inOrder = inIssueOrder((message: OutboundMessage) => device.publish(message));

  const compressed: CompressedDevice = {
    productKey: device.productKey,
    deviceName: device.deviceName,
    topics: device.topics,
    state$: device.state$,
    messages$: decompressing(device.messages$),
    observe: (topicFilter, observeOptions) => decompressing(device.observe(topicFilter, observeOptions)),
    publish: (message) => inOrder(uplink.has(message.topic) ? gzipped(message) : of(message)),
    compression,
    decompressionFailures$: device.messages$.pipe(
      filter((message) => downlink.has(message.topic)),
      concatMap(gunzipped),
      concatMap((r) => (E.isLeft(r) ? of(r.left) : EMPTY)),
    ),
  };
  shareMessageIds(compressed, device);
  return compressed;
}
