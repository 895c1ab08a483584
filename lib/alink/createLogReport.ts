import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { defer, map, type Observable } from 'rxjs';
import { decodePayload, type DecodeError } from '../operators/decodeJson';
import {
  LOG_METHODS,
  LOG_POST_LIMIT,
  LogConfig,
  logConfigGetParams,
  logUtcTime,
  type AlinkReply,
  type LogEntry,
  type LogLevel,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { alinkRequest, alinkRequestData } from './request';
import type { RequestFailure } from './RequestFailure';

export interface LogReportOptions {
  /** How long a post or `getReporting` waits for the reply, from the subscription. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** The clock of an entry without its `time`. Default: `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** One log line of the device, as `post` takes it. */
export interface LogLine {
  /** `FATAL`, `ERROR`, `WARN`, `INFO` or `DEBUG`, as the console shows them. */
  readonly level: LogLevel;
  readonly module: string;
  readonly content: string;
  /** A code of the device's own. */
  readonly code?: string | number | undefined;
  /** A stack or a trace id, for an error. */
  readonly traceContext?: string | undefined;
  /** When it was written. Default: `now()`. */
  readonly time?: Date | number | undefined;
}

export interface LogReport {
  /**
   * Sends 1 to 40 lines in one `thing.log.post` and emits the reply as one `Either`. More or fewer is a
   * `RangeError` at the call, before anything is sent. The platform keeps them only while the console's
   * switch is on (`getReporting`, `pushes$`).
   */
  post(lines: readonly LogLine[]): Observable<E.Either<RequestFailure, AlinkReply>>;
  /** Asks whether the console's switch is on (`thing.config.log.get`): `true` to report logs. */
  getReporting(): Observable<E.Either<RequestFailure, boolean>>;
  /** The switch as the platform pushes it (`thing.config.log.push`); subscribes the topic while observed. */
  readonly pushes$: Observable<E.Either<DecodeError, boolean>>;
}

const Push = t.type({ params: LogConfig });

/** The wire form of a line. */
function entryOf({ level, module, content, code, traceContext, time }: LogLine, now: () => number): LogEntry {
  return {
    utcTime: logUtcTime(time ?? now()),
    logLevel: level,
    module,
    logContent: content,
    ...(code === undefined ? {} : { code }),
    ...(traceContext === undefined ? {} : { traceContext }),
  };
}

/**
 * Device log reporting (the Link SDK's `logpost`): the device's own log lines sent to the platform, where
 * the console shows them, and the console's switch that says whether to send them.
 *
 * ```ts
 * const logs = createLogReport(device);
 * logs.getReporting().subscribe((on) => E.isRight(on) && on.right && logs.post([{ level: 'INFO', module: 'app', content: 'started' }]).subscribe());
 * ```
 */
export function createLogReport(device: AlinkDevice, options: LogReportOptions = {}): LogReport {
  const { timeoutMs, now = Date.now } = options;
  const { topics } = device;
  const timing = timeoutMs === undefined ? {} : { timeoutMs };
  return {
    post(lines) {
      if (lines.length < 1 || lines.length > LOG_POST_LIMIT) {
        throw new RangeError(`post takes 1 to ${LOG_POST_LIMIT} log lines, not ${lines.length}`);
      }
      return defer(() =>
        alinkRequest(
          device,
          {
            topic: topics.logPost,
            method: LOG_METHODS.post,
            params: lines.map((line) => entryOf(line, now)),
          },
          timing,
        ),
      );
    },
    getReporting: () =>
      alinkRequestData(
        device,
        { topic: topics.logConfigGet, method: LOG_METHODS.configGet, params: logConfigGetParams() },
        LogConfig,
        timing,
      ).pipe(map(E.map((config) => config.content.mode === 1))),
    pushes$: device
      .observe(topics.logConfigPush, { qos: 1 })
      .pipe(
        map((message) =>
          E.map(({ value }: { value: t.TypeOf<typeof Push> }) => value.params.content.mode === 1)(
            decodePayload(Push, message),
          ),
        ),
      ),
  };
}
