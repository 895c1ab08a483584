import * as E from 'fp-ts/Either';
import {
  catchError,
  concat,
  concatMap,
  defer,
  finalize,
  isObservable,
  map,
  of,
  takeWhile,
  tap,
  throwError,
  using,
  type Observable,
} from 'rxjs';
import {
  ConflictStrategy,
  crc64,
  encodeUploadChunk,
  FILE_UPLOAD_CODES,
  FILE_UPLOAD_LIMITS,
  FileUploadInitParams,
  isUploadFileName,
  nextMessageId,
  preview,
  UploadSendData,
  type AlinkReply,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { freshRandom } from './freshRandom';
import { publishResult } from './publishResult';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestById } from './request';
import type { RequestFailure } from './RequestFailure';
import {
  byteChunks,
  hasCode,
  readInit,
  readSend,
  resending,
  streamChunks,
  timedOut,
  UnusableContent,
  type PlannedChunk,
} from './uploadSteps';

export interface UploadFileOptions {
  /** Its name on the platform: 1 to 100 letters, digits, `_` or `.`, starting with a letter or a digit. */
  readonly fileName: string;
  /**
   * The file: its bytes (1 byte to 16 MiB), or, for a file of unknown size, a stream of them, sent as they
   * come (`fileSize` -1, the last chunk `isComplete`). The stream is subscribed once the init is answered.
   */
  readonly content: Uint8Array | Observable<Uint8Array>;
  /** The length of every chunk but the last, 256 to 131072 bytes. Default: 2048, the Link SDK's. */
  readonly chunkBytes?: number | undefined;
  /** What the platform does if the file exists. Default: `'overwrite'`; `'append'` resumes an unfinished. */
  readonly conflictStrategy?: ConflictStrategy | undefined;
  /**
   * Whether the platform checks the whole file's CRC-64 at the end (`ficMode: 'crc64'`). Default: true for
   * bytes. The platform does not check a stream of unknown size: `true` with one is a TypeError.
   */
  readonly checkIntegrity?: boolean | undefined;
  /** How long each request waits for its reply, from its subscription. Default: 10000, the Link SDK's. */
  readonly timeoutMs?: number | undefined;
  /**
   * How many times a request is sent again, with a new id, when its reply did not come in time, or (a
   * chunk) when the platform found its CRC-16 wrong (78121). Default: 5, the Link SDK's.
   */
  readonly retries?: number | undefined;
  /** Default: 1, so that a request sent just before a connection drops is sent again after the reconnect. */
  readonly qos?: 0 | 1 | undefined;
  /** The init's `extraParams` as they are (`ossOwnerType`, ...). Default: none (the platform's storage). */
  readonly extraParams?: unknown;
  /** The device's id of the upload, the same in each init sent for it. Default: new per subscription. */
  readonly initUid?: string | undefined;
}

/** How far an upload is: emitted once the init is answered, then after each chunk the platform accepted. */
export interface UploadProgress {
  readonly _tag: 'UploadProgress';
  /** The platform's id of the upload, for `cancelUpload`; valid 24 h. */
  readonly uploadId: string;
  readonly fileName: string;
  /** The bytes the platform has: the init's offset (0 unless `append` resumes), then each chunk's end. */
  readonly uploadedBytes: number;
  /** The file's size: the bytes' length; for a stream, known only when `complete`. */
  readonly fileSize: number | undefined;
  /** The last chunk was accepted: the file is on the platform. Only the last progress is complete. */
  readonly complete: boolean;
  /** At the end of a checked upload, the CRC-64 the platform computed (equal to `crc64(content)`). */
  readonly ficValueServer?: string | undefined;
}

/** The content cannot finish the upload; the platform was told to cancel it. */
export interface UploadContentFailure {
  readonly _tag: 'UploadContentFailure';
  readonly fileName: string;
  readonly uploadId: string;
  /** The stream failed or went over 16 MiB, or the platform already has more of the file than it holds. */
  readonly reason: string;
  /** The stream's error. */
  readonly error?: Error | undefined;
}

export type UploadFailure = RequestFailure | UploadContentFailure;

export interface CancelUploadOptions {
  /** How long to wait for the reply, from the subscription. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** Default: 1. */
  readonly qos?: 0 | 1 | undefined;
}

function must(holds: boolean, message: string, Failure: new (message: string) => Error = RangeError): void {
  if (!holds) throw new Failure(message);
}

/** Throws at the call, before anything is sent, for options the platform would refuse. */
function checkOptions(options: Required<Omit<UploadFileOptions, 'qos' | 'extraParams' | 'initUid'>>): void {
  const { fileName, content, chunkBytes, conflictStrategy, checkIntegrity, timeoutMs, retries } = options;
  const { minChunkBytes, maxChunkBytes, maxFileBytes } = FILE_UPLOAD_LIMITS;
  must(
    typeof fileName === 'string' && isUploadFileName(fileName),
    `fileName must be 1 to 100 letters, digits, "_" or "." from a letter or digit, not ${preview(fileName)}`,
  );
  if (isObservable(content)) {
    const message = 'checkIntegrity needs the bytes: the platform does not check a file of unknown size';
    must(!checkIntegrity, message, TypeError);
  } else {
    must(content instanceof Uint8Array, 'content must be a Uint8Array or an Observable of them', TypeError);
    const { length } = content;
    must(length >= 1 && length <= maxFileBytes, `content must be 1 to ${maxFileBytes} bytes, not ${length}`);
  }
  must(
    Number.isInteger(chunkBytes) && chunkBytes >= minChunkBytes && chunkBytes <= maxChunkBytes,
    `chunkBytes must be an integer from ${minChunkBytes} to ${maxChunkBytes}, not ${chunkBytes}`,
  );
  must(
    ConflictStrategy.is(conflictStrategy),
    `conflictStrategy must be 'overwrite', 'append' or 'reject', not ${preview(conflictStrategy)}`,
  );
  must(
    Number.isFinite(timeoutMs) && timeoutMs > 0,
    `timeoutMs must be a finite number over 0, not ${timeoutMs}`,
  );
  must(Number.isInteger(retries) && retries >= 0, `retries must be an integer of 0 or more, not ${retries}`);
}

/**
 * Uploads a file to the platform over MQTT (the Link SDK's `mqtt_upload`): an init names it and gets its
 * `uploadId`, then one chunk at a time goes in a binary frame, each sent after the last one's reply. Emits an
 * `UploadProgress` once the init is answered and after each chunk, and completes after the last, `complete`;
 * or emits one `UploadFailure` and completes. Bad options are a RangeError or a TypeError at the call.
 *
 * A request whose reply does not come in time, and a chunk the platform found corrupt, are sent again
 * (`retries`); a chunk it already has (78126) counts as stored. A failure of a request leaves the
 * unfinished upload on the platform for 24 h, where `conflictStrategy: 'append'` resumes it; an
 * `UploadContentFailure`, and unsubscribing before the end, cancel it (fire and forget; an upload whose init
 * is not yet answered has no id to cancel). Works for a gateway's sub-device as it is.
 *
 * ```ts
 * uploadFile(device, { fileName: 'boot.log', content: readFileSync('/var/log/boot.log') }).subscribe((p) =>
 *   console.log(E.isRight(p) ? `${p.right.uploadedBytes} of ${p.right.fileSize}` : p.left._tag),
 * );
 * ```
 */
export function uploadFile(
  device: AlinkDevice,
  options: UploadFileOptions,
): Observable<E.Either<UploadFailure, UploadProgress>> {
  const {
    fileName,
    content,
    chunkBytes = 2048,
    conflictStrategy = 'overwrite',
    checkIntegrity = !isObservable(content),
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    retries = 5,
    qos = 1,
    extraParams,
  } = options;
  checkOptions({ fileName, content, chunkBytes, conflictStrategy, checkIntegrity, timeoutMs, retries });
  const { topics } = device;
  const timing = { timeoutMs, qos };
  const bytes = isObservable(content) ? undefined : content;
  return defer(() => {
    // 15 characters, as long as the Link SDK's own (its length limit on the platform is not known).
    const initUid = options.initUid ?? freshRandom().slice(0, 15);
    const params: FileUploadInitParams = {
      fileName,
      fileSize: bytes?.length ?? -1,
      conflictStrategy,
      ...(bytes !== undefined && checkIntegrity ? { ficMode: 'crc64', ficValue: crc64(bytes) } : {}),
      initUid,
      ...(extraParams === undefined ? {} : { extraParams }),
    };
    let uploadId: string | undefined;
    let ended = false;
    const cancel = (id: string) => {
      const payload = JSON.stringify({ id: nextMessageId(device), params: { uploadId: id } });
      publishResult(device, { topic: topics.fileUploadCancel, payload, qos }).subscribe();
    };
    const progress = (
      id: string,
      uploadedBytes: number,
      last: boolean,
      data?: UploadSendData,
    ): UploadProgress => ({
      _tag: 'UploadProgress',
      uploadId: id,
      fileName,
      uploadedBytes,
      // A stream's size is its last chunk's end.
      fileSize: bytes?.length ?? (last ? uploadedBytes : undefined),
      complete: last,
      ...(data?.ficValueServer === undefined ? {} : { ficValueServer: data.ficValueServer }),
    });
    const send = (id: string, { offset, bytes: chunk, last }: PlannedChunk) =>
      resending(
        retries,
        (failure) => timedOut(failure) || hasCode(failure, FILE_UPLOAD_CODES.chunkChecksumMismatch),
        requestById(
          device,
          [topics.fileUploadSend, topics.fileUploadSendReply],
          (messageId) =>
            encodeUploadChunk({ id: messageId, uploadId: id, offset, bytes: chunk, isComplete: last }),
          readSend(last),
          timing,
        ),
      ).pipe(map(E.map((data) => progress(id, offset + chunk.length, last, data))));

    const init = resending(
      retries,
      timedOut,
      requestById(
        device,
        [topics.fileUploadInit, topics.fileUploadInitReply],
        (id) => JSON.stringify({ id, params }),
        readInit,
        timing,
      ),
    );
    const upload = init.pipe(
      concatMap((answer): Observable<E.Either<UploadFailure, UploadProgress>> => {
        if (E.isLeft(answer)) return of(answer);
        const id = (uploadId = answer.right.uploadId);
        const start = answer.right.offset ?? 0;
        const chunks = isObservable(content)
          ? streamChunks(content, start, chunkBytes)
          : byteChunks(content, start, chunkBytes);
        return concat(
          of(E.right(progress(id, start, false))),
          chunks.pipe(
            concatMap((chunk) => send(id, chunk)),
            catchError((error: unknown) => {
              if (!(error instanceof UnusableContent)) return throwError(() => error);
              cancel(id);
              const failure: UploadContentFailure = {
                _tag: 'UploadContentFailure',
                fileName,
                uploadId: id,
                reason: error.message,
                ...(error.error === undefined ? {} : { error: error.error }),
              };
              return of(E.left(failure));
            }),
          ),
        );
      }),
      takeWhile((result) => E.isRight(result) && !result.right.complete, true),
      tap((result) => (ended = E.isLeft(result) || result.right.complete)),
      finalize(() => {
        if (!ended && uploadId !== undefined) cancel(uploadId);
      }),
    );
    // Held for the whole upload: without it, each chunk's own wait would SUBSCRIBE and UNSUBSCRIBE the topic.
    // A refused SUBACK reaches the chunk's request as its SubscribeFailure.
    return using(
      () => device.observe(topics.fileUploadSendReply, { qos: 1 }).subscribe({ error: () => undefined }),
      () => upload,
    );
  });
}

/**
 * Cancels an upload (`cancel`): one `Either`, the reply (code 200) or a `RequestFailure`.
 *
 * ```ts
 * cancelUpload(device, uploadId).subscribe((r) => console.log(E.isRight(r) ? 'cancelled' : r.left._tag));
 * ```
 */
export function cancelUpload(
  device: AlinkDevice,
  uploadId: string,
  options: CancelUploadOptions = {},
): Observable<E.Either<RequestFailure, AlinkReply>> {
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, qos = 1 } = options;
  const { fileUploadCancel, fileUploadCancelReply } = device.topics;
  return requestById(
    device,
    [fileUploadCancel, fileUploadCancelReply],
    (id) => JSON.stringify({ id, params: { uploadId } }),
    (reply) => reply,
    { timeoutMs, qos },
  );
}
