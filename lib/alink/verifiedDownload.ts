import type { Writable } from 'node:stream';
import {
  catchError,
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  finalize,
  ignoreElements,
  map,
  Observable,
  startWith,
  switchMap,
  tap,
  throwError,
  timeout,
} from 'rxjs';
import type { DigestMethod } from '../protocol';
import type { DownloadBody, DownloadPort, DownloadResponse } from '../download/DownloadPort';
import { nodeDownloadPort } from '../download/nodeDownloadPort';
import type { BackoffPolicy } from '../operators/backoffDelay';
import { retryBackoff } from '../operators/retryBackoff';
import { digestHash, type DigestHash } from './digestHash';
import { DigestMismatchError, DownloadFailedError, redactUrl, SizeMismatchError } from './downloadErrors';
import { SinkError, writableSink, type DownloadSink } from './downloadSink';
import { asError } from './RequestFailure';

/** What is downloaded, and how it is checked. */
export interface DownloadSpec {
  readonly url: string;
  /** Bytes. */
  readonly size: number;
  readonly signMethod: DigestMethod;
  /** The digest under `signMethod`, hex (either case). */
  readonly sign: string;
}

/** Where the bytes go: a file path (written, and removed on failure) or a stream of the caller's. */
export type DownloadTarget = string | Writable;

export interface DownloadOptions {
  /** The HTTP client and the file system. Default: `nodeDownloadPort()`. */
  readonly port?: DownloadPort | undefined;
  /**
   * How a broken connection is retried; each retry asks for the rest with `Range`. Default:
   * `{ initialDelayMs: 500, maxDelayMs: 30000, maxRetries: 8 }` (a connection that lived 30 s counts as
   * stable and starts the count again).
   */
  readonly retry?: BackoffPolicy | undefined;
}

/** How far a download is. */
export interface DownloadProgress {
  readonly receivedBytes: number;
  readonly totalBytes: number;
  /** 0–100, rounded down; 100 once every byte is in (the digest is checked after). */
  readonly percent: number;
}

const DEFAULT_RETRY: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, maxRetries: 8 };

let defaultPort: DownloadPort | undefined;

/** Statuses worth another try: the server or a proxy was busy. */
const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/** Failures that asking again cannot mend. */
const isFinal = (error: unknown): boolean =>
  error instanceof DigestMismatchError ||
  error instanceof SizeMismatchError ||
  error instanceof SinkError ||
  (error instanceof DownloadFailedError && (error.status === undefined || !retryableStatus(error.status)));

/** Where a 206 starts, from `Content-Range: bytes 100-199/200`. */
const rangeStart = (header: string | undefined): number | undefined => {
  const match = header === undefined ? null : /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim());
  return match ? Number(match[1]) : undefined;
};

/**
 * Downloads `spec.url` into `target`, computing the digest as the bytes arrive and never holding the image:
 * each chunk goes to the hash and to the target, with the target's backpressure. A connection that breaks is
 * asked again for the rest with `Range` (after the `retry` backoff, on RxJS timers); a server that answers a
 * range with the whole file has its first bytes skipped. Emits the progress at each new percent (0 first),
 * and completes once the size and the digest are checked and the target is ended.
 *
 * Fails with `DigestMismatchError`, `SizeMismatchError` or `DownloadFailedError`; a file target is then
 * removed (also when the download is unsubscribed). A stream target is left as it is on failure.
 */
export function verifiedDownload(
  spec: DownloadSpec,
  target: DownloadTarget,
  options: DownloadOptions = {},
): Observable<DownloadProgress> {
  return defer(() => {
    const port = options.port ?? (defaultPort ??= nodeDownloadPort());
    return intoTarget(target, port, (sink, discarded$) =>
      downloadInto(spec, sink, { ...options, port }, discarded$),
    );
  });
}

/**
 * Runs a download into `target`: a stream of the caller's as it is, or a file of ours that `port` opens, and
 * removes when the download fails or is unsubscribed (`discarded$`).
 */
export function intoTarget(
  target: DownloadTarget,
  port: DownloadPort,
  download: (sink: DownloadSink, discarded$: Observable<never>) => Observable<DownloadProgress>,
): Observable<DownloadProgress> {
  return defer(() => {
    if (typeof target !== 'string') return download(writableSink(target, false), EMPTY);
    const file = port.openFile(target);
    // A file of ours may still report a failed open after the download is gone: never an unhandled error.
    file.on('error', () => undefined);
    // The file goes once its stream has closed: a file still being opened would otherwise be created again
    // after the removal (a download that fails as it starts, before the open is done).
    const removed$ = defer(() => {
      file.destroy();
      return concat(closed(file), port.removeFile(target));
    }).pipe(
      ignoreElements(),
      catchError(() => EMPTY),
    );
    return download(writableSink(file, true), removed$);
  });
}

/** How long a destroyed file may take to report `'close'` before it is removed anyway. */
const CLOSE_WAIT_MS = 1000;

/** Completes once `file` has closed (its descriptor released), or after `CLOSE_WAIT_MS` if it never says so. */
function closed(file: Writable): Observable<never> {
  return new Observable<never>((subscriber) => {
    if (file.closed) {
      subscriber.complete();
      return undefined;
    }
    const done = () => subscriber.complete();
    file.once('close', done);
    return () => file.off('close', done);
  }).pipe(timeout({ first: CLOSE_WAIT_MS, with: () => EMPTY }));
}

/**
 * `verifiedDownload` into any sink; `discarded$` runs when the download fails or is unsubscribed before its
 * end (for a file of ours: removing it).
 */
export function downloadInto(
  spec: DownloadSpec,
  sink: DownloadSink,
  options: DownloadOptions = {},
  discarded$: Observable<never> = EMPTY,
): Observable<DownloadProgress> {
  return defer(() => {
    const { port = (defaultPort ??= nodeDownloadPort()), retry = DEFAULT_RETRY } = options;
    const url = redactUrl(spec.url);
    return checkedDownload(url, spec, sink, discarded$, (digest, state) =>
      defer(() => port.get({ url: spec.url, offset: state.received })).pipe(
        switchMap((response) => receive(response, url, spec.size, digest, sink, state)),
        retryBackoff<number>({
          ...retry,
          shouldRetry: (error) => !isFinal(error) && (retry.shouldRetry?.(error) ?? true),
        }),
      ),
    );
  });
}

/**
 * What every download does around the bytes that `received$` puts into the digest and the sink (counting
 * them in `state`, emitting the count so far): the progress at each new percent (0 first), then the size and
 * the digest checked and the sink ended. `name` is the file in errors (a URL without its query).
 */
export function checkedDownload(
  name: string,
  spec: Omit<DownloadSpec, 'url'>,
  sink: DownloadSink,
  discarded$: Observable<never>,
  received$: (digest: DigestHash, state: { received: number }) => Observable<number>,
): Observable<DownloadProgress> {
  return defer(() => {
    const { size } = spec;
    const digest = digestHash(spec.signMethod);
    const state = { received: 0 };
    const verify$ = defer(() => {
      const failure = sink.failure();
      if (failure) return throwError(() => new SinkError(failure));
      if (state.received !== size) return throwError(() => new SizeMismatchError(name, size, state.received));
      const actual = digest.digest('hex');
      const expected = spec.sign.toLowerCase();
      if (actual !== expected)
        return throwError(() => new DigestMismatchError(name, spec.signMethod, expected, actual));
      return sink.end();
    });

    let settled = false;
    // Deferred: a download that fails as it is made (options refused) fails here, and the target goes too.
    return concat(
      defer(() => received$(digest, state)),
      verify$,
    ).pipe(
      map((received) => progressOf(received, size)),
      startWith(progressOf(0, size)),
      distinctUntilChanged((a, b) => a.percent === b.percent),
      tap({ complete: () => (settled = true) }),
      catchError((error: unknown) => {
        settled = true;
        return concat(
          discarded$,
          throwError(() => finalError(error, name)),
        );
      }),
      finalize(() => {
        sink.release();
        // Unsubscribed half way: the partial file goes too.
        if (!settled) discarded$.subscribe();
      }),
    );
  });
}

function progressOf(received: number, size: number): DownloadProgress {
  return {
    receivedBytes: received,
    totalBytes: size,
    percent: size === 0 ? 100 : Math.floor((received * 100) / size),
  };
}

function finalError(error: unknown, url: string): Error {
  if (error instanceof DigestMismatchError || error instanceof SizeMismatchError) return error;
  if (error instanceof SinkError)
    return new DownloadFailedError(url, `the target failed: ${error.message}`, undefined, error.cause);
  if (error instanceof DownloadFailedError) return error;
  const cause = asError(error);
  return new DownloadFailedError(url, cause.message, undefined, cause);
}

/** Reads one response into the hash and the target; emits the bytes received so far after each chunk. */
function receive(
  response: DownloadResponse,
  url: string,
  size: number,
  digest: DigestHash,
  sink: DownloadSink,
  state: { received: number },
): Observable<number> {
  return new Observable<number>((subscriber) => {
    const { status, headers, body } = response;
    let skip = 0;
    if (status === 206) {
      const start = rangeStart(headers['content-range']);
      if (start !== state.received) {
        body.destroy();
        const reason = `the server resumed at ${start ?? '?'}, not ${state.received}`;
        subscriber.error(new DownloadFailedError(url, reason));
        return undefined;
      }
    } else if (status === 200) {
      skip = state.received; // the server ignored the range: skip what we have
    } else {
      body.destroy();
      const reason = status === 416 ? 'the server has no bytes past what was received' : `HTTP ${status}`;
      subscriber.error(new DownloadFailedError(url, reason, status));
      return undefined;
    }
    let stopped = false;
    pump(body, skip, (chunk) => {
      if (state.received + chunk.length > size)
        throw new SizeMismatchError(url, size, state.received + chunk.length);
      digest.update(chunk);
      state.received += chunk.length;
      const failure = sink.failure();
      if (failure) throw new SinkError(failure);
      const wait = sink.write(chunk);
      subscriber.next(state.received);
      return wait;
    }).then(
      () => subscriber.complete(),
      (error: unknown) => (stopped ? undefined : subscriber.error(error)),
    );
    return () => {
      stopped = true;
      body.destroy();
    };
  });
}

/** Feeds each chunk of `body` past the first `skip` bytes to `take`, waiting whenever `take` asks to. */
async function pump(
  body: DownloadBody,
  skip: number,
  take: (chunk: Uint8Array) => Promise<void> | undefined,
): Promise<void> {
  let toSkip = skip;
  for await (const raw of body) {
    let chunk = raw;
    if (toSkip > 0) {
      if (chunk.length <= toSkip) {
        toSkip -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(toSkip);
      toSkip = 0;
    }
    const wait = take(chunk);
    if (wait !== undefined) await wait;
  }
}
