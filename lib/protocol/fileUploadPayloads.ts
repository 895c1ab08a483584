import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { parseJson } from '../json/parseJson';
import { describeErrors } from './describeErrors';
import { crc16 } from './fileChecksums';
import { DigitString, NumberFromStringOrNumber, preview } from './lenient';

// File upload over MQTT (the Link SDK's `mqtt_upload`): `init` names the file and gets an `uploadId`, `send`
// carries one chunk at a time in a binary frame, `cancel` gives up. Requests are `{id, params}` with no
// `method`; every reply is Alink JSON, that of `send` too.

/** The platform's limits of an upload over MQTT. */
export const FILE_UPLOAD_LIMITS = {
  /** The smallest chunk but the last. */
  minChunkBytes: 256,
  /** The largest chunk, 128 KiB. */
  maxChunkBytes: 131_072,
  /** The largest file, 16 MiB. */
  maxFileBytes: 16 * 1024 * 1024,
} as const;

/** The codes of upload replies besides 200, 400, 429, 460 and 500 (the Link SDK's `aiot_mqtt_upload_result_code_t`). */
export const FILE_UPLOAD_CODES = {
  /** The file is over 16 MiB. */
  fileTooLarge: 78117,
  /** A chunk is over 128 KiB. */
  chunkTooLarge: 78118,
  /** A chunk's offset is not the size the platform has so far. */
  offsetMismatch: 78119,
  /** A chunk but the last is under 256 bytes. */
  chunkTooSmall: 78120,
  /** A chunk's CRC-16 does not match its bytes: send it again. */
  chunkChecksumMismatch: 78121,
  /** No upload has this `uploadId` (never, or no longer: an upload is kept 24 h). */
  uploadNotFound: 78122,
  /** A file of that name exists (`reject`, or `append` to a finished one). */
  fileExists: 78123,
  /** The upload has already finished. */
  uploadFinished: 78124,
  /** The whole file's CRC-64 is not the `ficValue` of its `init`. */
  fileChecksumMismatch: 78125,
  /** A chunk the platform already has (sent again after a lost reply): nothing is written. */
  duplicateChunk: 78126,
  /** Too many messages while uploading. */
  throttled: 78127,
} as const;

/** Letters, digits, `_` and `.`, starting with a letter or a digit, at most 100 bytes. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.]{0,99}$/;

/** Whether the platform takes `name` as an uploaded file's name. */
export const isUploadFileName = (name: string): boolean => FILE_NAME.test(name);

/** A file name the platform takes (`isUploadFileName`). */
export const UploadFileName = new t.Type<string, string, unknown>(
  'UploadFileName',
  (u): u is string => typeof u === 'string' && isUploadFileName(u),
  (u, c) =>
    typeof u === 'string' && isUploadFileName(u)
      ? t.success(u)
      : t.failure(
          u,
          c,
          `fileName must be 1 to 100 letters, digits, "_" or ".", starting with a letter or a digit, got ${preview(u)}`,
        ),
  t.identity,
);

/** What the platform does when a file of the same name exists. */
export const ConflictStrategy = t.keyof({ overwrite: null, append: null, reject: null }, 'ConflictStrategy');
export type ConflictStrategy = t.TypeOf<typeof ConflictStrategy>;

/** `true` or `false`, also as the strings: the platform's flags come both ways. */
const Flag = new t.Type<boolean, boolean, unknown>(
  'Flag',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) =>
    u === true || u === 'true'
      ? t.success(true)
      : u === false || u === 'false'
        ? t.success(false)
        : t.failure(u, c),
  t.identity,
);

/**
 * The params of `init`. `fileSize` -1 means unknown (the last chunk then says `isComplete`, and there can be
 * no `ficValue`); `ficMode` `crc64` with `ficValue` (`crc64(file)`) has the whole file checked at the end.
 * `initUid`, the device's own id of the task, makes an `init` sent again the same task.
 */
export const FileUploadInitParams = t.intersection(
  [
    t.type({ fileName: UploadFileName, fileSize: NumberFromStringOrNumber }),
    t.partial({
      conflictStrategy: ConflictStrategy,
      ficMode: t.string,
      ficValue: t.string,
      initUid: t.string,
      extraParams: t.unknown,
    }),
  ],
  'FileUploadInitParams',
);
export type FileUploadInitParams = t.TypeOf<typeof FileUploadInitParams>;

/** A count of bytes: an integer of 0 or more, as a number or a string of one. */
const ByteCount = new t.Type<number, number, unknown>(
  'ByteCount',
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
  (u, c) => {
    const n = typeof u === 'string' && /^\d+$/.test(u) ? Number(u) : u;
    return Number.isSafeInteger(n) && (n as number) >= 0
      ? t.success(n as number)
      : t.failure(u, c, `must be a whole number of bytes, 0 or more, got ${preview(u)}`);
  },
  t.identity,
);

/** The `data` of an `init` reply: the task, and with `append` to an unfinished file, how much it has. */
export const FileUploadInitData = t.intersection(
  [
    t.type({ uploadId: t.string }),
    t.partial({ fileName: t.string, fileSize: NumberFromStringOrNumber, offset: ByteCount }),
  ],
  'FileUploadInitData',
);
export type FileUploadInitData = t.TypeOf<typeof FileUploadInitData>;

/** The params of a chunk's header: where it starts, how long it is, and (size unknown) whether it is the last. */
export const UploadChunkParams = t.intersection(
  [
    t.type({ uploadId: t.string, offset: NumberFromStringOrNumber, bSize: NumberFromStringOrNumber }),
    t.partial({ isComplete: Flag }),
  ],
  'UploadChunkParams',
);
export type UploadChunkParams = t.TypeOf<typeof UploadChunkParams>;

const UploadChunkHeader = t.type({ id: DigitString, params: UploadChunkParams }, 'UploadChunkHeader');

/**
 * The `data` of a `send` reply: the chunk it answers, and once the upload is finished `complete`, with the
 * CRC-64 the device gave (`ficValueClient`) and the one the platform computed (`ficValueServer`). Every field
 * is optional: the reply's id already says which chunk it answers, and which fields the platform always
 * sends is unverified.
 */
export const UploadSendData = t.partial(
  {
    uploadId: t.string,
    offset: NumberFromStringOrNumber,
    bSize: NumberFromStringOrNumber,
    complete: Flag,
    ficMode: t.string,
    ficValueClient: t.string,
    ficValueServer: t.string,
  },
  'UploadSendData',
);
export type UploadSendData = t.TypeOf<typeof UploadSendData>;

/** The params of `cancel`, and the `data` of its reply. */
export const UploadCancelParams = t.type({ uploadId: t.string }, 'UploadCancelParams');
export type UploadCancelParams = t.TypeOf<typeof UploadCancelParams>;

/** One chunk of an upload, as `send` carries it. */
export interface UploadChunk {
  /** The message id, echoed by the reply. */
  readonly id: string;
  readonly uploadId: string;
  /** Where the chunk starts in the file: the bytes sent before it. */
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** Whether this is the last chunk: only a file of unknown size needs it. Sent as given; not when absent. */
  readonly isComplete?: boolean | undefined;
}

/**
 * The binary frame of `send`: the header's length (2 bytes, big-endian), the header as JSON
 * (`{id, params: {uploadId, offset, bSize, isComplete?}}`, `bSize` the length of `bytes`), the chunk's bytes,
 * and their CRC-16 (2 bytes, low byte first).
 */
export function encodeUploadChunk({ id, uploadId, offset, bytes, isComplete }: UploadChunk): Buffer {
  const params = {
    uploadId,
    offset,
    bSize: bytes.length,
    ...(isComplete === undefined ? {} : { isComplete }),
  };
  const header = Buffer.from(JSON.stringify({ id, params }), 'utf8');
  const frame = Buffer.alloc(2 + header.length + bytes.length + 2);
  frame.writeUInt16BE(header.length, 0);
  header.copy(frame, 2);
  frame.set(bytes, 2 + header.length);
  frame.writeUInt16LE(crc16(bytes), frame.length - 2);
  return frame;
}

/** A `send` frame that could not be read: why, and its message id when the header gave one. */
export interface UnreadableChunk {
  readonly reason: string;
  readonly id?: string | undefined;
}

/** A `send` frame read: its header, the chunk's bytes, and whether their CRC-16 matches. */
export interface ReadChunk {
  readonly id: string;
  readonly params: UploadChunkParams;
  readonly bytes: Uint8Array;
  readonly checksumMatches: boolean;
}

/**
 * Reads a `send` frame (`encodeUploadChunk`'s layout). A frame too short for its header, a header that is no
 * JSON or misses a field, or a `bSize` other than the bytes that follow is unreadable; a wrong CRC-16 is read,
 * with `checksumMatches` false.
 */
export function decodeUploadChunk(frame: Uint8Array): E.Either<UnreadableChunk, ReadChunk> {
  const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (bytes.length < 4) return E.left({ reason: `a frame of ${bytes.length} bytes is too short` });
  const headerLength = bytes.readUInt16BE(0);
  if (2 + headerLength + 2 > bytes.length) {
    return E.left({
      reason: `the header of ${headerLength} bytes is longer than the frame of ${bytes.length}`,
    });
  }
  let json: unknown;
  try {
    json = parseJson(bytes.subarray(2, 2 + headerLength).toString('utf8'));
  } catch (error) {
    return E.left({ reason: `the header is not JSON: ${(error as Error).message}` });
  }
  const header = UploadChunkHeader.decode(json);
  if (E.isLeft(header)) {
    const id = DigitString.decode((json as { id?: unknown } | null)?.id);
    return E.left({
      reason: `the header does not fit: ${describeErrors(header.left).join('; ')}`,
      ...(E.isRight(id) ? { id: id.right } : {}),
    });
  }
  const { id, params } = header.right;
  const chunk = bytes.subarray(2 + headerLength, bytes.length - 2);
  if (params.bSize !== chunk.length) {
    return E.left({ reason: `bSize is ${params.bSize} but ${chunk.length} bytes follow the header`, id });
  }
  const checksumMatches = bytes.readUInt16LE(bytes.length - 2) === crc16(chunk);
  return E.right({ id, params, bytes: chunk, checksumMatches });
}
