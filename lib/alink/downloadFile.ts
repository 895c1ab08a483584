import * as E from 'fp-ts/Either';
import { defer, EMPTY, expand, using, type Observable } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import { decodeDownloadBlock, FILE_DOWNLOAD_LIMITS, fileDownloadRequest, nextMessageId } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { request } from './request';
import type { ReplyFailure, RequestFailure } from './RequestFailure';
import { resending } from './uploadSteps';

export interface DownloadFileOptions {
  /** The stream, as an OTA announcement over MQTT names it (`streamId`). */
  readonly streamId: number;
  /** The file in the stream (the announcement's `streamFileId`; 1 in every package seen). */
  readonly fileId: number;
  /** The file's length in bytes: the download ends there, and a reply that says otherwise fails it. */
  readonly size: number;
  /** The bytes asked for in each request (the last one asks for the rest). Default: 5120, the Link SDK's. */
  readonly blockBytes?: number | undefined;
  /** The first byte wanted, to resume. Default: 0. */
  readonly offset?: number | undefined;
  /** How long each request waits for its reply, from its subscription. Default: 10000, the Link SDK's. */
  readonly timeoutMs?: number | undefined;
  /**
   * How many times a block is asked for again, with a new id, when its reply did not come in time, came with
   * a wrong CRC-16, or could not be read. Counted per block. Default: 3, the Link SDK's (4 tries in all).
   */
  readonly retries?: number | undefined;
  /** Default: 1, so that a request sent just before a connection drops is sent again after the reconnect. */
  readonly qos?: 0 | 1 | undefined;
  /** Sent as the request's `fileToken` (the Link SDK sends `"default"`; its meaning is unknown). Default: none. */
  readonly fileToken?: string | undefined;
}

/** One block of the file, as the platform sent it, in order. */
export interface DownloadedBlock {
  readonly _tag: 'DownloadedBlock';
  /** Where the bytes start in the file. */
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** The file's length, as the reply gave it (equal to `size`). */
  readonly fileLength: number;
}

/** A block that could not be had: each try of it came back corrupt, or the file is not the size expected. */
export interface DownloadBlockFailure {
  readonly _tag: 'DownloadBlockFailure';
  /** The topic the requests went to. */
  readonly topic: string;
  /** Where the block starts. */
  readonly offset: number;
  /**
   * `checksum`: the CRC-16 did not match the bytes; `unreadable`: the reply frame could not be read;
   * `range`: the block was empty or ran past the file; `fileLength`: the platform's file has another length.
   * Only `fileLength` is not asked for again.
   */
  readonly problem: 'checksum' | 'unreadable' | 'range' | 'fileLength';
  readonly message: string;
}

/** Why a download failed: a refusal (`ReplyFailure`), no reply in time, the publish, or a bad block. */
export type FileDownloadFailure = RequestFailure | DownloadBlockFailure;

function must(holds: boolean, message: string): void {
  if (!holds) throw new RangeError(message);
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Throws at the call, before anything is sent, for options that cannot make a download. */
function checkOptions(o: Required<Omit<DownloadFileOptions, 'qos' | 'fileToken'>>): void {
  const { maxBlockBytes, maxFileBytes } = FILE_DOWNLOAD_LIMITS;
  must(isCount(o.streamId) && isCount(o.fileId), 'streamId and fileId must be whole numbers of 0 or more');
  must(isCount(o.size) && o.size <= maxFileBytes, `size must be 0 to ${maxFileBytes} bytes, not ${o.size}`);
  must(isCount(o.offset) && o.offset <= o.size, `offset must be 0 to size (${o.size}), not ${o.offset}`);
  must(
    isCount(o.blockBytes) && o.blockBytes >= 1 && o.blockBytes <= maxBlockBytes,
    `blockBytes must be a whole number from 1 to ${maxBlockBytes}, not ${o.blockBytes}`,
  );
  must(o.timeoutMs > 0, `timeoutMs must be over 0, not ${o.timeoutMs}`);
  must(isCount(o.retries), `retries must be a whole number of 0 or more, not ${o.retries}`);
}

const askAgain = (failure: FileDownloadFailure) =>
  failure._tag === 'TimeoutFailure' ||
  (failure._tag === 'DownloadBlockFailure' && failure.problem !== 'fileLength');

/**
 * Downloads a file over MQTT (the Link SDK's `mqtt_download`; OTA images announced with `dProtocol: 'mqtt'`):
 * asks `thing/file/download` for one block at a time, the next once the last has come, and emits each
 * block in order as a `DownloadedBlock`, completing after the one that reaches `size`; or emits one
 * `FileDownloadFailure` and completes. Bad options are a RangeError at the call.
 *
 * A block whose reply does not come in time, or comes with a wrong CRC-16, is asked for again (`retries`); a
 * reply at another offset (a late answer to an earlier try) or with another download's id is passed over.
 * A refusal (a code other than 200) is a `ReplyFailure` at once. Unsubscribing forgets the download. Works
 * for a gateway's sub-device as it is.
 *
 * ```ts
 * downloadFile(device, { streamId: 1397345, fileId: 1, size: 432945 }).subscribe((r) =>
 *   E.isRight(r) ? file.write(r.right.bytes) : console.error(r.left._tag),
 * );
 * ```
 */
export function downloadFile(
  device: AlinkDevice,
  options: DownloadFileOptions,
): Observable<E.Either<FileDownloadFailure, DownloadedBlock>> {
  const {
    streamId,
    fileId,
    size,
    blockBytes = FILE_DOWNLOAD_LIMITS.defaultBlockBytes,
    offset: start = 0,
    timeoutMs = 10_000,
    retries = 3,
    qos = 1,
    fileToken,
  } = options;
  checkOptions({ streamId, fileId, size, blockBytes, offset: start, timeoutMs, retries });
  const { fileDownload: topic, fileDownloadReply: replyTopic } = device.topics;

  return defer(() => {
    /** The ids of this download's requests: a reply with another id is another download's. */
    const ids = new Set<string>();
    const bad = (offset: number, problem: DownloadBlockFailure['problem'], message: string) =>
      E.left<FileDownloadFailure, DownloadedBlock>({
        _tag: 'DownloadBlockFailure',
        topic,
        offset,
        problem,
        message,
      });

    /** What a reply means for the request `id` of the block at `offset`; `undefined`: not its reply. */
    const answer = (
      message: InboundMessage,
      id: string,
      offset: number,
    ): E.Either<FileDownloadFailure, DownloadedBlock> | undefined => {
      const read = decodeDownloadBlock(message.payload);
      if (E.isLeft(read)) {
        return read.left.id === id ? bad(offset, 'unreadable', read.left.reason) : undefined;
      }
      const reply = read.right;
      if (reply._tag === 'DownloadRefusal') {
        if (reply.id !== undefined && reply.id !== id) return undefined;
        const refused: ReplyFailure = {
          _tag: 'ReplyFailure',
          topic,
          id,
          code: reply.code,
          ...(reply.message === undefined ? {} : { message: reply.message }),
        };
        return E.left(refused);
      }
      if ((reply.id !== undefined && !ids.has(reply.id)) || reply.offset !== offset) return undefined;
      if (!reply.checksumMatches) return bad(offset, 'checksum', `the block at ${offset} fails its CRC-16`);
      if (reply.fileLength !== size) {
        return bad(offset, 'fileLength', `the platform's file has ${reply.fileLength} bytes, not ${size}`);
      }
      const end = offset + reply.bytes.length;
      if (end === offset || end > size) {
        return bad(
          offset,
          'range',
          `the block at ${offset} has ${reply.bytes.length} bytes, the file ${size}`,
        );
      }
      return E.right({
        _tag: 'DownloadedBlock',
        offset,
        bytes: reply.bytes,
        fileLength: size,
      });
    };

    const attempt = (offset: number) =>
      defer(() => {
        const id = nextMessageId(device);
        ids.add(id);
        const wanted = Math.min(blockBytes, size - offset);
        const body = fileDownloadRequest({ id, streamId, fileId, size: wanted, offset, fileToken });
        return request<DownloadedBlock, DownloadBlockFailure>(device, {
          message: { topic, payload: JSON.stringify(body), qos },
          replyFilter: replyTopic,
          reply: (message) => answer(message, id, offset),
          timeoutMs,
          id,
        });
      });
    const blockAt = (offset: number) => resending(retries, askAgain, attempt(offset));
    const next = (result: E.Either<FileDownloadFailure, DownloadedBlock>) => {
      if (E.isLeft(result)) return EMPTY;
      const end = result.right.offset + result.right.bytes.length;
      return end < size ? blockAt(end) : EMPTY;
    };

    // Held for the whole download, so that each block's own wait does not SUBSCRIBE and UNSUBSCRIBE again.
    return using(
      () => device.observe(replyTopic, { qos: 1 }).subscribe({ error: () => undefined }),
      () => (start >= size ? EMPTY : blockAt(start).pipe(expand(next, 1))),
    );
  });
}
