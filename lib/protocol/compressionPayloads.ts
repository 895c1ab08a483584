import * as t from 'io-ts';
import { DigitString, NumberFromStringOrNumber } from './lenient';

// Message compression (the Link SDK C's `compress`, the docs' "数据压缩"): a device declares on
// `/sys/pk/dn/codec/topic/update` which of its topics carry gzip, `{params: [{topic, operation, format}]}`,
// answered `{id, version, code, message}` on `…_reply`. On a declared topic the whole MQTT payload is the
// gzip (RFC 1952) of the message, on the same topic. `operation` is named from the platform's side:
// `decompress` for what the device sends (compressed uplink), `compress` for what it receives.

/** The platform's limits of compression (Enterprise Edition instances only). */
export const COMPRESSION_LIMITS = {
  /** Topics one device may declare, both directions together (whether each has 20 of its own is unverified). */
  maxTopics: 20,
  /** The largest message before compression, 1 MB; also the C SDK's bound on what a payload gunzips to. */
  maxUncompressedBytes: 1024 * 1024,
} as const;

/** The one format the platform takes. */
export const COMPRESSION_FORMAT = 'gzip';

/** The gzip levels of the C SDK's compressor (libdeflate): 1 to 9, 1 by default. */
export const GZIP_LEVELS = { min: 1, max: 9, default: 1 } as const;

/**
 * What the platform does on a topic: `decompress` what the device sends on it (the device compresses its
 * uplink), `compress` what it sends the device (the device decompresses its downlink).
 */
export const CompressionOperation = t.keyof({ compress: null, decompress: null }, 'CompressionOperation');
export type CompressionOperation = t.TypeOf<typeof CompressionOperation>;

/** One topic of a declaration. `format` is any string here: the receiver says whether it takes it. */
export const CompressionEntry = t.type(
  { topic: t.string, operation: CompressionOperation, format: t.string },
  'CompressionEntry',
);
export type CompressionEntry = t.TypeOf<typeof CompressionEntry>;

/**
 * The request on `codec/topic/update`. Lenient: the C SDK sends `params` alone, the docs add a numeric `id`
 * and `version` (`1.0`), so both are optional and `version` may be a string or a number.
 */
export const CompressionUpdate = t.intersection(
  [
    t.type({ params: t.array(CompressionEntry) }),
    t.partial({ id: DigitString, version: t.union([t.string, t.number]) }),
  ],
  'CompressionUpdate',
);
export type CompressionUpdate = t.TypeOf<typeof CompressionUpdate>;

/**
 * The reply on `codec/topic/update_reply`: `{id, version, code, message}` (no `data`). Lenient: the id and
 * the code may be strings or numbers, `version` a number (the docs write `1.0`), and whether the reply
 * carries an id at all is unverified (the C SDK sends none and reads only `code` and `message`).
 */
export const CompressionUpdateReply = t.intersection(
  [
    t.type({ code: NumberFromStringOrNumber }),
    t.partial({ id: DigitString, message: t.string, version: t.union([t.string, t.number]) }),
  ],
  'CompressionUpdateReply',
);
export type CompressionUpdateReply = t.TypeOf<typeof CompressionUpdateReply>;

/** Whether a declaration may name `topic`: a complete topic, no wildcard (the platform takes no filter). */
export const isCompressionTopic = (topic: string): boolean =>
  topic !== '' && !/[+#]/.test(topic) && !topic.includes('\u0000');

/** The topics of a declaration by direction, each a complete topic (no wildcards). */
export interface CompressionTopics {
  /** What the device publishes gzip on (the platform decompresses: `operation` `decompress`). */
  readonly uplink: readonly string[];
  /** What the platform sends gzip on (it compresses: `operation` `compress`). */
  readonly downlink: readonly string[];
}

/** The params of a declaration: uplink topics first, as the C SDK writes them. */
export function compressionEntries({ uplink, downlink }: CompressionTopics): CompressionEntry[] {
  const entry = (operation: CompressionOperation) => (topic: string) => ({
    topic,
    operation,
    format: COMPRESSION_FORMAT,
  });
  return [...uplink.map(entry('decompress')), ...downlink.map(entry('compress'))];
}

/** The directions of a declaration's params (a topic listed twice counts once). */
export function compressionTopicsOf(entries: readonly CompressionEntry[]): CompressionTopics {
  const of = (operation: CompressionOperation) => [
    ...new Set(entries.filter((e) => e.operation === operation).map((e) => e.topic)),
  ];
  return { uplink: of('decompress'), downlink: of('compress') };
}

/** The request payload: `{id, version: '1.0', params}`, no `method` (the docs' and the C SDK's have none). */
export function compressionUpdate(id: string, topics: CompressionTopics) {
  return { id, version: '1.0', params: compressionEntries(topics) };
}

/** The reply payload: `{id, version, code, message}`, the id left out when the request had none. */
export function compressionUpdateReply(fields: {
  readonly id?: string | undefined;
  readonly code: number;
  readonly message: string;
}) {
  const { id, code, message } = fields;
  return { ...(id === undefined ? {} : { id }), version: '1.0', code, message };
}
