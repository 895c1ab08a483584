import * as t from 'io-ts';
import { LogEntry } from './logPayloads';
import { preview } from './lenient';

/**
 * What the Link SDK's `diag` measures, and how its reports name each on the wire: the log entry's `module`
 * and `code` (`DIAG_TLV_…`, sent as a decimal string).
 */
export const DIAGNOSTIC_ITEMS = {
  /** MQTT connection time: an attempt to its CONNACK. */
  connect: { module: 'DiagMqttConnection', code: 0x0010 },
  /** MQTT heartbeat time: PINGREQ to PINGRESP. */
  heartbeat: { module: 'DiagMqttHeartbeat', code: 0x0020 },
  /** Alink uplink time: a request to its reply. */
  uplink: { module: 'DiagAlinkUplink', code: 0x0030 },
} as const;

export const DiagnosticItem = t.keyof({ connect: null, heartbeat: null, uplink: null }, 'DiagnosticItem');
export type DiagnosticItem = t.TypeOf<typeof DiagnosticItem>;

/** How bad a measurement was: past the warning threshold, or past the fatal one. */
export const AlertLevel = t.keyof({ warning: null, fatal: null }, 'AlertLevel');
export type AlertLevel = t.TypeOf<typeof AlertLevel>;

/**
 * One report of `diag`, as the Link SDK sends it: the first alert of an item in its interval, with what was
 * measured (`elapsedMs`, and for `uplink` the id of the Alink message that waited), or at the end of the
 * interval how many more alerts there were (`count` in `periodMs`; always a warning, as the SDK has it).
 */
export const DiagnosticAlert = t.union(
  [
    t.intersection([
      t.type({ kind: t.literal('alert'), item: DiagnosticItem, level: AlertLevel, elapsedMs: t.number }),
      t.partial({ messageId: t.union([t.string, t.undefined]) }),
    ]),
    t.type({
      kind: t.literal('summary'),
      item: DiagnosticItem,
      level: t.literal('warning'),
      count: t.number,
      periodMs: t.number,
    }),
  ],
  'DiagnosticAlert',
);
export type DiagnosticAlert = t.TypeOf<typeof DiagnosticAlert>;

/** The fields of a `thing.log.post` entry a report fills: all but `utcTime`, which the log report writes. */
export interface DiagnosticLogFields {
  readonly logLevel: 'WARN' | 'FATAL';
  readonly module: string;
  readonly code: string;
  readonly logContent: string;
  /** An uplink alert's Alink message id (the Link SDK puts its report's own id here). */
  readonly traceContext?: string | undefined;
}

// The Link SDK's descriptions, word for word (`_diag_*_report_desc_append`): first alert, then summary.
const FIRST: Readonly<Record<DiagnosticItem, RegExp>> = {
  connect: /^MQTT connection establish time (\d+) ms$/,
  heartbeat: /^MQTT lost heartbeat 1 times in (\d+) ms$/,
  uplink: /^Alink message (\d+) waiting for reply has already exceed (\d+) ms$/,
};
const SUMMARY: Readonly<Record<DiagnosticItem, RegExp>> = {
  connect: /^MQTT connection has been alert extra (\d+) times in past (\d+) ms$/,
  heartbeat: /^MQTT lost heartbeat has been alert extra (\d+) times in past (\d+) ms$/,
  uplink: /^Alink message reply too slow has been alert extra (\d+) times in past (\d+) ms$/,
};

/** The `logContent` of an alert, as the Link SDK writes it. */
export function diagnosticContent(alert: DiagnosticAlert): string {
  const ms = (n: number) => String(Math.round(n));
  if (alert.kind === 'summary') {
    const times = `${alert.count} times in past ${ms(alert.periodMs)} ms`;
    const what = {
      connect: 'MQTT connection',
      heartbeat: 'MQTT lost heartbeat',
      uplink: 'Alink message reply too slow',
    }[alert.item];
    return `${what} has been alert extra ${times}`;
  }
  switch (alert.item) {
    case 'connect':
      return `MQTT connection establish time ${ms(alert.elapsedMs)} ms`;
    case 'heartbeat':
      return `MQTT lost heartbeat 1 times in ${ms(alert.elapsedMs)} ms`;
    case 'uplink':
      return `Alink message ${alert.messageId ?? '0'} waiting for reply has already exceed ${ms(alert.elapsedMs)} ms`;
  }
}

const itemOfModule = (module: string): DiagnosticItem | undefined =>
  (Object.keys(DIAGNOSTIC_ITEMS) as DiagnosticItem[]).find(
    (item) => DIAGNOSTIC_ITEMS[item].module === module,
  );

/** `WARN` or `FATAL` in any case (`WARNING` too), as the level of an alert. */
function levelOf(logLevel: string): AlertLevel | undefined {
  const level = logLevel.toUpperCase();
  return level === 'WARN' || level === 'WARNING' ? 'warning' : level === 'FATAL' ? 'fatal' : undefined;
}

function alertOf(entry: LogEntry): DiagnosticAlert | string {
  const item = itemOfModule(entry.module);
  if (item === undefined) return `module must be one of diag's, got ${preview(entry.module)}`;
  const level = levelOf(entry.logLevel);
  if (level === undefined) return `logLevel must be WARN or FATAL, got ${preview(entry.logLevel)}`;
  const content = entry.logContent.trim();
  const summary = SUMMARY[item].exec(content);
  if (summary !== null) {
    return {
      kind: 'summary',
      item,
      level: 'warning',
      count: Number(summary[1]),
      periodMs: Number(summary[2]),
    };
  }
  const first = FIRST[item].exec(content);
  if (first === null) return `logContent is not a ${item} report of diag: ${preview(entry.logContent)}`;
  if (item !== 'uplink') return { kind: 'alert', item, level, elapsedMs: Number(first[1]) };
  return { kind: 'alert', item, level, elapsedMs: Number(first[2]), messageId: first[1] ?? '' };
}

/**
 * A `thing.log.post` entry that is a report of `diag`, both ways: `encode` gives the entry's fields for an
 * alert (`utcTime` aside); `decode` reads an entry (its `module` one of `DIAGNOSTIC_ITEMS`', `logLevel` `WARN`
 * or `FATAL`, any case, `logContent` the Link SDK's description) into the alert. A summary decodes as a warning
 * whatever its level says. Lenient: `utcTime` (a date, or the SDK's milliseconds), `code` and `traceContext`
 * are not read.
 */
export const DiagnosticLogEntry = new t.Type<DiagnosticAlert, DiagnosticLogFields, unknown>(
  'DiagnosticLogEntry',
  DiagnosticAlert.is,
  (u, c) => {
    const entry = LogEntry.validate(u, c);
    if (entry._tag === 'Left') return entry;
    const alert = alertOf(entry.right);
    return typeof alert === 'string' ? t.failure(u, c, alert) : t.success(alert);
  },
  (alert) => ({
    logLevel: alert.level === 'fatal' ? 'FATAL' : 'WARN',
    module: DIAGNOSTIC_ITEMS[alert.item].module,
    code: String(DIAGNOSTIC_ITEMS[alert.item].code),
    logContent: diagnosticContent(alert),
    ...(alert.kind === 'alert' && alert.messageId !== undefined ? { traceContext: alert.messageId } : {}),
  }),
);

/** Whether a log entry's `module` is one of `diag`'s: the entries `DiagnosticLogEntry` is meant for. */
export function isDiagnosticModule(module: string): boolean {
  return itemOfModule(module) !== undefined;
}
