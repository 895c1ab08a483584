import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { parseJson } from '../json/parseJson';
import { describeErrors } from './describeErrors';
import { crc16 } from './fileChecksums';
import { DigitString, NumberFromStringOrNumber, preview } from './lenient';

// File download over MQTT (the Link SDK's `mqtt_download`): the device asks `thing/file/download` for one
// block of a stream's file at a time, `{id, version, params: {fileToken?, fileInfo, fileBlock}}` as JSON, and
// the cloud answers `download_reply` with a binary frame, the layout of an upload's `send`: the header's length
// (2 bytes, big-endian), the header as JSON, the bytes, their CRC-16/ARC (2 bytes, low byte first). The
// platform documents neither: the Link SDK for C and captures of third-party clients are the sources.

/** The limits of a download over MQTT. */
export const FILE_DOWNLOAD_LIMITS = {
  /** The Link SDK's block size (`MQTT_DOWNLOAD_DEFAULT_REQUEST_SIZE`). */
  defaultBlockBytes: 5120,
  /**
   * The largest block asked for, 128 KiB. Unverified: the cap of an upload's chunk, assumed for download too
   * (the emulator answers a larger request with a block of this size).
   */
  maxBlockBytes: 131_072,
  /** The largest file, 16 MiB (the platform's limit of an OTA package over MQTT). */
  maxFileBytes: 16 * 1024 * 1024,
} as const;

/** A whole number of 0 or more, also as a string of one. */
const Count = new t.Type<number, number, unknown>(
  'Count',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => {
    const n = NumberFromStringOrNumber.validate(u, c);
    return E.isRight(n) && Number.isSafeInteger(n.right) && n.right >= 0
      ? t.success(n.right)
      : t.failure(u, c, `must be a whole number of 0 or more, got ${preview(u)}`);
  },
  t.identity,
);

/**
 * The params of a request for one block: the file (`streamId` and `fileId`, the `streamId` and
 * `streamFileId` of an OTA announcement), and the block, `size` bytes from byte `offset`. `fileToken` is what
 * the Link SDK sends (`"default"`); other clients leave it out; its meaning is unknown.
 */
export const FileDownloadParams = t.intersection(
  [
    t.type({
      fileInfo: t.type({ streamId: Count, fileId: Count }),
      fileBlock: t.type({ size: Count, offset: Count }),
    }),
    t.partial({ fileToken: t.string }),
  ],
  'FileDownloadParams',
);
export type FileDownloadParams = t.TypeOf<typeof FileDownloadParams>;

/** A request as the cloud reads it: `version` is not checked (clients send `"1.0"`, others, or none). */
export const FileDownloadRequest = t.intersection(
  [t.type({ id: DigitString, params: FileDownloadParams }), t.partial({ version: t.string })],
  'FileDownloadRequest',
);
export type FileDownloadRequest = t.TypeOf<typeof FileDownloadRequest>;

/** What a request for one block names. */
export interface BlockRequest {
  readonly id: string;
  readonly streamId: number;
  readonly fileId: number;
  /** The bytes wanted. */
  readonly size: number;
  /** Where they start in the file. */
  readonly offset: number;
  /** Not sent when absent. */
  readonly fileToken?: string | undefined;
}

/** The payload of a request for one block, strict JSON (the Link SDK's has a trailing comma). */
export function fileDownloadRequest({ id, streamId, fileId, size, offset, fileToken }: BlockRequest) {
  return {
    id,
    version: '1.0',
    params: {
      ...(fileToken === undefined ? {} : { fileToken }),
      fileInfo: { streamId, fileId },
      fileBlock: { size, offset },
    },
  };
}

/** A reply frame to write: a block of the file (code 200), or a refusal with no bytes. */
export interface DownloadBlock {
  /** The request's id, echoed. */
  readonly id: string;
  /** Default: 200. */
  readonly code?: number | undefined;
  /** Default: `"success"` for 200, else none. */
  readonly message?: string | undefined;
  /** Where the bytes start in the file (`bOffset`); not written when absent (a refusal). */
  readonly offset?: number | undefined;
  /** The whole file's length; not written when absent (a refusal for a file the cloud does not know). */
  readonly fileLength?: number | undefined;
  readonly fileToken?: string | undefined;
  /** Default: none. */
  readonly bytes?: Uint8Array | undefined;
}

/**
 * The binary frame of `download_reply`: the header's length (2 bytes, big-endian), the header as JSON
 * (`{id, code, data: {bSize, bOffset, fileLength, fileToken?}, message}`, `bSize` the length of `bytes`), the
 * bytes, and their CRC-16/ARC (2 bytes, low byte first). `checksum` replaces the CRC (a fault of a test).
 */
export function encodeDownloadBlock(block: DownloadBlock, checksum?: number): Buffer {
  const { id, code = 200, offset, fileLength, fileToken, bytes = new Uint8Array(0) } = block;
  const message = block.message ?? (code === 200 ? 'success' : undefined);
  const data = {
    bSize: bytes.length,
    ...(offset === undefined ? {} : { bOffset: offset }),
    ...(fileLength === undefined ? {} : { fileLength }),
    ...(fileToken === undefined ? {} : { fileToken }),
  };
  const header = Buffer.from(
    JSON.stringify({ id, code, data, ...(message === undefined ? {} : { message }) }),
    'utf8',
  );
  const frame = Buffer.alloc(2 + header.length + bytes.length + 2);
  frame.writeUInt16BE(header.length, 0);
  header.copy(frame, 2);
  frame.set(bytes, 2 + header.length);
  frame.writeUInt16LE(checksum ?? crc16(bytes), frame.length - 2);
  return frame;
}

/** A block of the file, read from a reply of code 200. */
export interface ReadBlock {
  readonly _tag: 'ReadBlock';
  readonly id?: string | undefined;
  /** `bOffset`: where the bytes start in the file. */
  readonly offset: number;
  readonly fileLength: number;
  readonly fileToken?: string | undefined;
  readonly bytes: Uint8Array;
  /** Whether the CRC-16 matches the bytes: a block that fails it is to be asked for again. */
  readonly checksumMatches: boolean;
}

/** A reply of another code than 200: the cloud will not give the block. */
export interface DownloadRefusal {
  readonly _tag: 'DownloadRefusal';
  readonly id?: string | undefined;
  readonly code: number;
  readonly message?: string | undefined;
  readonly fileLength?: number | undefined;
}

/** A reply that could not be read: why, and its id when the header gave one. */
export interface UnreadableBlock {
  readonly reason: string;
  readonly id?: string | undefined;
}

const BlockData = t.partial({ bSize: Count, bOffset: Count, fileLength: Count, fileToken: t.string });
const ReplyHeader = t.intersection([
  t.type({ code: NumberFromStringOrNumber }),
  t.partial({ id: DigitString, message: t.string, data: BlockData }),
]);
type ReplyHeader = t.TypeOf<typeof ReplyHeader>;

/** The header's fields, or why not. */
function readHeader(text: string): E.Either<UnreadableBlock, ReplyHeader> {
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (error) {
    return E.left({ reason: `the header is not JSON: ${(error as Error).message}` });
  }
  const header = ReplyHeader.decode(json);
  if (E.isRight(header)) return header;
  const id = DigitString.decode((json as { id?: unknown } | null)?.id);
  return E.left({
    reason: `the header does not fit: ${describeErrors(header.left).join('; ')}`,
    ...(E.isRight(id) ? { id: id.right } : {}),
  });
}

function refusal({ id, code, message, data }: ReplyHeader): DownloadRefusal {
  return {
    _tag: 'DownloadRefusal',
    code,
    ...(id === undefined ? {} : { id }),
    ...(message === undefined ? {} : { message }),
    ...(data?.fileLength === undefined ? {} : { fileLength: data.fileLength }),
  };
}

/**
 * Reads a `download_reply` (`encodeDownloadBlock`'s layout). A code other than 200 is a `DownloadRefusal`,
 * whatever bytes follow; so is a reply of plain JSON (its first byte `{`: a header that long is not
 * otherwise possible), a form of refusal that is unverified but cheap to accept. A frame too short for its
 * header, a header that is no JSON or (code 200) misses `bSize`, `bOffset` or `fileLength`, and a `bSize`
 * other than the bytes that follow are unreadable; a wrong CRC-16 is read, with `checksumMatches` false.
 */
export function decodeDownloadBlock(
  payload: Uint8Array,
): E.Either<UnreadableBlock, ReadBlock | DownloadRefusal> {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (bytes[0] === 0x7b) {
    const header = readHeader(bytes.toString('utf8'));
    if (E.isLeft(header)) return header;
    if (header.right.code === 200) {
      const id = header.right.id;
      return E.left({
        reason: 'a reply of plain JSON carries no block',
        ...(id === undefined ? {} : { id }),
      });
    }
    return E.right(refusal(header.right));
  }
  if (bytes.length < 4) return E.left({ reason: `a reply of ${bytes.length} bytes is too short` });
  const headerLength = bytes.readUInt16BE(0);
  if (2 + headerLength + 2 > bytes.length) {
    return E.left({
      reason: `the header of ${headerLength} bytes is longer than the reply of ${bytes.length}`,
    });
  }
  const header = readHeader(bytes.subarray(2, 2 + headerLength).toString('utf8'));
  if (E.isLeft(header)) return header;
  const { id, code, data = {} } = header.right;
  if (code !== 200) return E.right(refusal(header.right));
  const known = id === undefined ? {} : { id };
  const { bSize, bOffset, fileLength, fileToken } = data;
  if (bSize === undefined || bOffset === undefined || fileLength === undefined) {
    return E.left({ reason: 'the header of a block must give bSize, bOffset and fileLength', ...known });
  }
  const block = bytes.subarray(2 + headerLength, bytes.length - 2);
  if (bSize !== block.length) {
    return E.left({ reason: `bSize is ${bSize} but ${block.length} bytes follow the header`, ...known });
  }
  return E.right({
    _tag: 'ReadBlock',
    ...known,
    offset: bOffset,
    fileLength,
    ...(fileToken === undefined ? {} : { fileToken }),
    bytes: block,
    checksumMatches: bytes.readUInt16LE(bytes.length - 2) === crc16(block),
  });
}
