import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

/** Alink methods of device log reporting (the Link SDK's `logpost`). */
export const LOG_METHODS = {
  post: 'thing.log.post',
  configGet: 'thing.config.log.get',
  configPush: 'thing.config.log.push',
} as const;

/** At most this many entries in one `thing.log.post`. */
export const LOG_POST_LIMIT = 40;

/** The levels the platform's console shows. */
export const LOG_LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One log entry of `thing.log.post`: when (`utcTime`, `yyyy-MM-ddTHH:mm:ss.SSS+0800`), its level and module,
 * a code of the device's own, an optional trace, and the text. Lenient: any level and code as sent.
 */
export const LogEntry = t.intersection(
  [
    t.type({ utcTime: t.string, logLevel: t.string, module: t.string, logContent: t.string }),
    t.partial({ code: t.union([t.string, t.number]), traceContext: t.string }),
  ],
  'LogEntry',
);
export type LogEntry = t.TypeOf<typeof LogEntry>;

const LogEntries = t.array(LogEntry);

/**
 * The params of `thing.log.post`: 1 to 40 entries. A `t.Type` of its own, not `t.refinement`, whose declared
 * type differs between the io-ts versions the package takes.
 */
export const LogPostParams = new t.Type<LogEntry[], LogEntry[], unknown>(
  'LogPostParams',
  (u): u is LogEntry[] => LogEntries.is(u) && u.length >= 1 && u.length <= LOG_POST_LIMIT,
  (u, c) => {
    const entries = LogEntries.validate(u, c);
    if (entries._tag === 'Left') return entries;
    const { length } = entries.right;
    return length >= 1 && length <= LOG_POST_LIMIT
      ? entries
      : t.failure(u, c, `must be 1 to ${LOG_POST_LIMIT} entries, not ${length}`);
  },
  t.identity,
);

/**
 * The log configuration: the `data` of a `config/log/get` reply and the `params` of a `config/log/push`.
 * `mode` 1: the device reports its logs; 0: it does not (the console's switch).
 */
export const LogConfig = t.intersection(
  [t.type({ content: t.type({ mode: NumberFromStringOrNumber }) }), t.partial({ getType: t.string })],
  'LogConfig',
);
export type LogConfig = t.TypeOf<typeof LogConfig>;

/** The params of `thing.config.log.get`: the device's own configuration, as content. */
export function logConfigGetParams() {
  return { configScope: 'device', getType: 'content' } as const;
}

/** A log configuration as the cloud sends it. */
export function logConfig(mode: 0 | 1): LogConfig {
  return { getType: 'content', content: { mode } };
}

/**
 * A time as `utcTime` writes it: milliseconds and the offset, `2020-03-06T07:15:25.934+0000` (in UTC, as
 * the offset says).
 */
export function logUtcTime(time: Date | number): string {
  return `${new Date(time).toISOString().slice(0, -1)}+0000`;
}
