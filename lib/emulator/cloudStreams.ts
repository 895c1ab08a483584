import * as E from 'fp-ts/Either';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Subscription } from 'rxjs';
import { deviceTopics } from '../identity';
import { parseJson } from '../json/parseJson';
import {
  ALINK_CODES,
  crc16,
  DigitString,
  encodeDownloadBlock,
  FILE_DOWNLOAD_LIMITS,
  FileDownloadRequest,
  type DownloadBlock,
} from '../protocol';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload } from './decodeDevicePayload';
import type { EmulatorEvent, ReceivedMessage } from './emulatorEvent';

/** What goes wrong on purpose when a file is downloaded over MQTT, for tests. */
export interface BlockFaults {
  /** Send the block that holds this byte of the file with a wrong CRC-16. */
  readonly badChecksumAt?: number | undefined;
  /** How many times. Default: 1, so that the block asked for again gets through. */
  readonly badChecksums?: number | undefined;
  /** Leave the request for the block that holds this byte unanswered. */
  readonly dropReplyAt?: number | undefined;
  /** How many times. Default: 1. */
  readonly drops?: number | undefined;
}

export interface ServeStreamOptions {
  /** The product whose devices may download it, as a package is the product's. Default: any device. */
  readonly productKey?: string | undefined;
  readonly faults?: BlockFaults | undefined;
  /** Serve the file with one byte changed (its middle one), its CRCs right, so that its digest fails. */
  readonly corrupt?: boolean | undefined;
}

/** A file the emulator gives over MQTT, with what a device needs to ask for it and check it. */
export interface ServedStream {
  readonly streamId: number;
  /** The file in the stream: always 1 (the platform's MQTT packages have one file). */
  readonly streamFileId: number;
  readonly size: number;
  /** Lowercase hex, of the file as it is (before a `corrupt` fault). */
  readonly md5: string;
  readonly sha256: string;
}

/** The cloud side of `thing/file/download`. */
export interface CloudStreams {
  /** Offers `content` (bytes, or the path of a file, read now) as a new stream, up to 16 MiB. */
  serveStream(content: Uint8Array | string, options?: ServeStreamOptions): Promise<ServedStream>;
  readonly subscription: Subscription;
}

/**
 * The codes the emulator refuses with. The platform's are not known (no source shows an error reply): these
 * are the generic Alink codes.
 */
const CODES = { unknownFile: ALINK_CODES.requestError, badBlock: ALINK_CODES.invalidParameter } as const;

interface Stream {
  /** The product whose devices may download it. */
  readonly productKey: string | undefined;
  readonly content: Buffer;
  readonly faults: BlockFaults;
  checksumsLeft: number;
  dropsLeft: number;
}

type DownloadEvent = Extract<EmulatorEvent, { type: 'file-download' }>;

const holds = (at: number | undefined, offset: number, length: number) =>
  at !== undefined && at >= offset && at < offset + Math.max(length, 1);

/**
 * Answers `thing/file/download` for every device, as the Link SDK expects: the block asked for (clamped to
 * the file and to 128 KiB) in the binary reply frame, `fileLength` in every reply, the request's `fileToken`
 * echoed. Refused (a frame with no bytes): an unknown stream or file (400), a block of 0 bytes or starting at
 * or past the end of the file (460), a request that does not decode (460, if its id can be read). Reports on
 * `events$` each refusal, each fault, and the block that reaches the end of the file.
 */
export function cloudStreams(cloud: CloudSide): CloudStreams {
  const streams = new Map<number, Stream>();
  const subscription = new Subscription();
  let nextStreamId = 1_397_345;

  function reply(message: ReceivedMessage, block: DownloadBlock, checksum?: number): void {
    const topic = deviceTopics(message).fileDownloadReply;
    cloud.publish(topic, encodeDownloadBlock(block, checksum), { qos: 1 }).catch(() => undefined);
  }

  function report(message: ReceivedMessage, event: Omit<DownloadEvent, 'type' | 'device'>): void {
    const { productKey, deviceName } = message;
    cloud.emit({ type: 'file-download', device: { productKey, deviceName }, ...event });
  }

  /** The request's id, when a request that does not decode has one. */
  function idOf(payload: Buffer): string | undefined {
    try {
      const id = DigitString.decode((parseJson(payload.toString('utf8')) as { id?: unknown } | null)?.id);
      return E.isRight(id) ? id.right : undefined;
    } catch {
      return undefined;
    }
  }

  function answer(message: ReceivedMessage): void {
    const request = decodeDevicePayload(FileDownloadRequest, message.payload);
    if (E.isLeft(request)) {
      const id = idOf(message.payload);
      const text = `request parameter error: ${request.left}`;
      if (id !== undefined) reply(message, { id, code: CODES.badBlock, message: text });
      report(message, { size: 0, code: CODES.badBlock, message: text });
      return;
    }
    const { id, params } = request.right;
    const { streamId, fileId } = params.fileInfo;
    const { offset, size: asked } = params.fileBlock;
    const { fileToken } = params;
    const token = fileToken === undefined ? {} : { fileToken };
    const named = { streamId, fileId, offset };
    const found = fileId === 1 ? streams.get(streamId) : undefined;
    // Another product's package is one this device does not know.
    const stream =
      found?.productKey === undefined || found.productKey === message.productKey ? found : undefined;
    if (stream === undefined) {
      const text = `no file ${fileId} in stream ${streamId}`;
      reply(message, { id, code: CODES.unknownFile, message: text, ...token });
      return report(message, { ...named, size: 0, code: CODES.unknownFile, message: text });
    }
    const fileLength = stream.content.length;
    if (asked === 0 || (offset >= fileLength && !(offset === 0 && fileLength === 0))) {
      const text = `no block of ${asked} bytes at ${offset} in a file of ${fileLength}`;
      reply(message, { id, code: CODES.badBlock, message: text, fileLength, ...token });
      return report(message, { ...named, size: 0, code: CODES.badBlock, message: text });
    }
    const end = Math.min(offset + asked, offset + FILE_DOWNLOAD_LIMITS.maxBlockBytes, fileLength);
    const bytes = stream.content.subarray(offset, end);
    const { badChecksumAt, dropReplyAt } = stream.faults;
    if (stream.dropsLeft > 0 && holds(dropReplyAt, offset, bytes.length)) {
      stream.dropsLeft -= 1;
      return report(message, { ...named, size: bytes.length, code: 200, fault: 'dropped' });
    }
    let checksum: number | undefined;
    if (stream.checksumsLeft > 0 && holds(badChecksumAt, offset, bytes.length)) {
      stream.checksumsLeft -= 1;
      checksum = crc16(bytes) ^ 0xffff;
      report(message, { ...named, size: bytes.length, code: 200, fault: 'bad-checksum' });
    }
    reply(message, { id, offset, fileLength, bytes, ...token }, checksum);
    if (end === fileLength && checksum === undefined) {
      report(message, { ...named, size: bytes.length, code: 200, complete: true });
    }
  }

  subscription.add(cloud.listen(anyDeviceTopics.fileDownload).subscribe(answer));

  return {
    async serveStream(content, { productKey, faults = {}, corrupt = false } = {}) {
      const bytes = typeof content === 'string' ? await readFile(content) : Buffer.from(content);
      const { maxFileBytes } = FILE_DOWNLOAD_LIMITS;
      if (bytes.length > maxFileBytes)
        throw new RangeError(`a file over MQTT is at most ${maxFileBytes} bytes, not ${bytes.length}`);
      const md5 = createHash('md5').update(bytes).digest('hex');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const served = corrupt && bytes.length > 0 ? Buffer.from(bytes) : bytes;
      if (served !== bytes)
        served.writeUInt8(served.readUInt8(served.length >> 1) ^ 0xff, served.length >> 1);
      const streamId = nextStreamId++;

      streams.set(streamId, {
        productKey,
        content: served,
        faults,
        checksumsLeft: faults.badChecksums ?? 1,
        dropsLeft: faults.drops ?? 1,
      });
      return { streamId, streamFileId: 1, size: bytes.length, md5, sha256 };
    },
    subscription,
  };
}
