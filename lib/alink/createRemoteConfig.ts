import * as E from 'fp-ts/Either';
import { catchError, concat, concatMap, defer, ignoreElements, Observable, of, throwError } from 'rxjs';
import type { DownloadPort } from '../download/DownloadPort';
import type { BackoffPolicy } from '../operators/backoffDelay';
import type { DecodeError } from '../operators/decodeJson';
import { ALINK_CODES, CONFIG_METHODS, ConfigFile, configGetParams, replyTopicOf } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { ReplyError } from './ReplyError';
import { alinkRequestData } from './request';
import type { RequestFailure } from './RequestFailure';
import { serveAlink } from './serveAlink';
import { memorySink } from './downloadSink';
import { downloadInto } from './verifiedDownload';

export interface RemoteConfigOptions {
  /** Where configuration files come from. Default: `nodeDownloadPort()`. */
  readonly download?: DownloadPort | undefined;
  /** How a broken download is retried. Default: see `DownloadOptions.retry`. */
  readonly retry?: BackoffPolicy | undefined;
  /** How long `get` waits for the reply, from the subscription. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** The largest file taken (the platform allows 64 KiB). Default: 1 MiB. */
  readonly maxBytes?: number | undefined;
}

/** The product's configuration file, fetched and its digest checked. */
export interface RemoteConfig {
  readonly configId: string;
  /** The file's bytes, as they were written in the console. */
  readonly content: Uint8Array;
  /** The same, read as UTF-8 (configuration files are text: JSON, properties, ...). */
  readonly text: string;
  readonly signMethod: 'MD5' | 'SHA256';
  /** Lowercase hex. */
  readonly sign: string;
  /** Whether it was asked for (`get`) or pushed by the platform. */
  readonly source: 'get' | 'push';
}

/** The file could not be fetched, or did not match its size or digest. */
export interface ConfigDownloadFailure {
  readonly _tag: 'ConfigDownloadFailure';
  readonly configId: string;
  /** A `DigestMismatchError`, `SizeMismatchError` or `DownloadFailedError`. */
  readonly error: Error;
}

export type ConfigFailure = RequestFailure | ConfigDownloadFailure;

export interface RemoteConfigService {
  /** Asks for the product's configuration (`thing.config.get`) and fetches its file; one `Either`. */
  get(): Observable<E.Either<ConfigFailure, RemoteConfig>>;
  /**
   * The configurations the platform pushes (`thing.config.push`), each fetched and checked, then answered
   * (200, or 400 with the reason when the file failed; 460 for a push that does not decode). One `Either`
   * per push; subscribes the push topic while observed.
   */
  readonly pushes$: Observable<E.Either<ConfigFailure, RemoteConfig>>;
}

const utf8 = new TextDecoder();

/**
 * Remote configuration: the product's configuration file, asked for or pushed, fetched over HTTP(S) through
 * the download port and checked against its size and digest (the platform signs with SHA-256).
 *
 * ```ts
 * const config = createRemoteConfig(device);
 * config.get().subscribe((c) => E.isRight(c) && console.log(JSON.parse(c.right.text)));
 * config.pushes$.subscribe((c) => E.isRight(c) && reload(c.right.text));
 * ```
 */
export function createRemoteConfig(
  device: AlinkDevice,
  options: RemoteConfigOptions = {},
): RemoteConfigService {
  const { download: port, retry, timeoutMs, maxBytes = 1024 * 1024 } = options;
  const { topics } = device;

  const fetch = (
    file: ConfigFile,
    source: RemoteConfig['source'],
  ): Observable<E.Either<ConfigFailure, RemoteConfig>> =>
    defer(() => {
      const { configId, configSize: size, sign, signMethod, url } = file;
      if (size > maxBytes) {
        const error = new Error(`configuration ${configId} is ${size} bytes, over ${maxBytes}`);
        return of(E.left<ConfigFailure>({ _tag: 'ConfigDownloadFailure', configId, error }));
      }
      const sink = memorySink(maxBytes);
      const downloaded$ = downloadInto({ url, size, sign, signMethod }, sink, {
        ...(port === undefined ? {} : { port }),
        ...(retry === undefined ? {} : { retry }),
      });
      const config = (): RemoteConfig => {
        const content = sink.content();
        return {
          configId,
          content,
          text: utf8.decode(content),
          signMethod,
          sign: sign.toLowerCase(),
          source,
        };
      };
      return concat(
        downloaded$.pipe(ignoreElements()),
        defer(() => of(E.right<ConfigFailure, RemoteConfig>(config()))),
      ).pipe(
        catchError((error: unknown) =>
          of(E.left<ConfigFailure>({ _tag: 'ConfigDownloadFailure', configId, error: error as Error })),
        ),
      );
    });

  const get = () =>
    alinkRequestData(
      device,
      { topic: topics.configGet, method: CONFIG_METHODS.get, params: configGetParams() },
      ConfigFile,
      timeoutMs === undefined ? {} : { timeoutMs },
    ).pipe(concatMap((file) => (E.isLeft(file) ? of(file) : fetch(file.right, 'get'))));

  // Each push's result is handed on once its reply has gone (or could not go), so that a subscriber that
  // leaves on the value does not take the reply with it.
  const pushes$ = new Observable<E.Either<ConfigFailure, RemoteConfig>>((subscriber) => {
    const results = new Map<string, E.Either<ConfigFailure, RemoteConfig>>();
    return serveAlink(device, {
      requests: device.observe(topics.configPush, { qos: 1 }),
      params: ConfigFile,
      replyTopic: replyTopicOf,
      qos: 1,
      // A push is asynchronous: the reply may wait for the file.
      deadlineMs: Infinity,
      handler: ({ id, params }) =>
        fetch(params, 'push').pipe(
          concatMap((result) => {
            results.set(id, result);
            if (E.isRight(result)) return of({});
            const { error } = result.left as ConfigDownloadFailure;
            return throwError(() => new ReplyError(ALINK_CODES.requestError, error.message));
          }),
        ),
    }).subscribe((outcome) => {
      const result = outcome.id === undefined ? undefined : results.get(outcome.id);
      if (outcome.id !== undefined) results.delete(outcome.id);
      if (result !== undefined) subscriber.next(result);
      // A push that did not decode: the serve answered 460 (or could not answer); the stream says so too.
      else if (outcome._tag === 'Failed' && isDecodeError(outcome.cause))
        subscriber.next(E.left(outcome.cause));
      else if (outcome._tag === 'Unanswered' && outcome.reason._tag === 'DecodeError')
        subscriber.next(E.left(outcome.reason));
    });
  });

  return { get, pushes$ };
}

const isDecodeError = (cause: unknown): cause is DecodeError =>
  typeof cause === 'object' && cause !== null && (cause as { _tag?: unknown })._tag === 'DecodeError';
