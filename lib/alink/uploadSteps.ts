// The steps of an upload over MQTT that `uploadFile` composes: one request (sent again while worth it), and
// the chunks to send, cut from bytes or from a stream.
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  catchError,
  concat,
  concatMap,
  defer,
  map,
  mergeMap,
  of,
  range,
  throwError,
  type Observable,
} from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import { decodePayload } from '../operators/decodeJson';
import { FILE_UPLOAD_CODES, FILE_UPLOAD_LIMITS, FileUploadInitData, UploadSendData } from '../protocol';
import type { ReadReply } from './request';
import { asError, type RequestFailure } from './RequestFailure';

/** `attempt` again, up to `retries` times, while it fails in a way that `again` says is worth another try. */
export function resending<A, F = RequestFailure>(
  retries: number,
  again: (failure: F) => boolean,
  attempt: Observable<E.Either<F, A>>,
): Observable<E.Either<F, A>> {
  return attempt.pipe(
    concatMap((result) =>
      E.isLeft(result) && retries > 0 && again(result.left)
        ? resending(retries - 1, again, attempt)
        : of(result),
    ),
  );
}

export const timedOut = (failure: RequestFailure) => failure._tag === 'TimeoutFailure';
export const hasCode = (failure: RequestFailure, code: number) =>
  failure._tag === 'ReplyFailure' && failure.code === code;

/** The reply's `data`, decoded with `codec`. */
const dataOf = <A>(codec: t.Type<A, unknown>) => {
  const Reply = t.type({ data: codec });
  return (message: InboundMessage): E.Either<RequestFailure, A> =>
    E.map(({ value }: { value: { data: A } }) => value.data)(decodePayload(Reply, message));
};
const initData = dataOf(FileUploadInitData);
const sendData = dataOf(UploadSendData);

export const readInit: ReadReply<FileUploadInitData> = (reply, message) =>
  E.isLeft(reply) ? reply : initData(message);
/**
 * A chunk's reply. 78126: the platform has this chunk already (its reply to an earlier send was lost), so it
 * is stored; 78124 to the `last` chunk likewise: the platform finished the file with it.
 */
export const readSend =
  (last: boolean): ReadReply<UploadSendData | undefined> =>
  (reply, message) =>
    E.isRight(reply)
      ? sendData(message)
      : hasCode(reply.left, FILE_UPLOAD_CODES.duplicateChunk) ||
          (last && hasCode(reply.left, FILE_UPLOAD_CODES.uploadFinished))
        ? E.right(undefined)
        : reply;

/** One chunk of an upload to send: where it starts in the file, its bytes, and whether it is the last. */
export interface PlannedChunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly last: boolean;
}

/**
 * Content that cannot finish the upload: a stream that failed or went over 16 MiB, or a file shorter than
 * what the platform already has of it. Thrown inside the chunks, caught by `uploadFile`; never seen by users.
 */
export class UnusableContent extends Error {
  override readonly name = 'UnusableContent';
  constructor(
    message: string,
    readonly error?: Error,
  ) {
    super(message);
  }
}

const shorter = (stored: number, size: number) =>
  new UnusableContent(`the platform has ${stored} bytes of this file, which has only ${size}`);

/** The chunks of `content` from byte `start` on, each `chunkBytes` long but the last. */
export function byteChunks(content: Uint8Array, start: number, chunkBytes: number): Observable<PlannedChunk> {
  return defer(() => {
    // A file of known size ends with a chunk of at least 1 byte: with nothing left there is nothing to send.
    if (start >= content.length) return throwError(() => shorter(start, content.length));
    return range(0, Math.ceil((content.length - start) / chunkBytes)).pipe(
      map((n) => {
        const offset = start + n * chunkBytes;
        const end = Math.min(offset + chunkBytes, content.length);
        return { offset, bytes: content.subarray(offset, end), last: end === content.length };
      }),
    );
  });
}

/**
 * The chunks of a stream of unknown size, from byte `start` on (the bytes before it are read and skipped):
 * `chunkBytes` each as soon as there are that many, and when the stream completes, the rest as the last,
 * possibly empty. Fails with `UnusableContent` once the stream is over 16 MiB, when it errors, or when it
 * ends before `start`.
 */
export function streamChunks(
  content: Observable<Uint8Array>,
  start: number,
  chunkBytes: number,
): Observable<PlannedChunk> {
  return defer(() => {
    let read = 0;
    let offset = start;
    const pending: Uint8Array[] = [];
    let pendingBytes = 0;

    const take = (length: number): Uint8Array => {
      const chunk = new Uint8Array(length);
      for (let filled = 0; filled < length;) {
        const head = pending[0]!;
        const used = Math.min(head.length, length - filled);
        chunk.set(head.subarray(0, used), filled);
        filled += used;
        if (used === head.length) pending.shift();
        else pending[0] = head.subarray(used);
      }
      pendingBytes -= length;
      return chunk;
    };
    const next = (length: number, last: boolean): PlannedChunk => {
      const chunk = { offset, bytes: take(length), last };
      offset += length;
      return chunk;
    };

    const pieces = content.pipe(
      catchError((error: unknown) =>
        throwError(() => {
          const cause = asError(error);
          return new UnusableContent(`the content stream failed: ${cause.message}`, cause);
        }),
      ),
      mergeMap((piece) => {
        const before = read;
        read += piece.length;
        if (read > FILE_UPLOAD_LIMITS.maxFileBytes) {
          throw new UnusableContent(`the content stream is over ${FILE_UPLOAD_LIMITS.maxFileBytes} bytes`);
        }
        // Copied: a stream may reuse its buffer once it has emitted it.
        const kept = piece.slice(Math.max(0, start - before));
        if (kept.length > 0) {
          pending.push(kept);
          pendingBytes += kept.length;
        }
        const full: PlannedChunk[] = [];
        while (pendingBytes >= chunkBytes) full.push(next(chunkBytes, false));
        return full;
      }),
    );
    const last = defer(() =>
      read < start ? throwError(() => shorter(start, read)) : of(next(pendingBytes, true)),
    );
    return concat(pieces, last);
  });
}
