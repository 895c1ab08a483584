import type { DiagnosticItem } from '../protocol';

/** The thresholds of one item, and how often it may be reported (the Link SDK's `aiot_diag_config_t`). */
export interface DiagnosticItemOptions {
  /** From this long on, a measurement is a warning. Defaults: connect 200, heartbeat 800, uplink 600. */
  readonly warningMs?: number | undefined;
  /**
   * From this long on, fatal; an operation that has not ended by then is fatal at that moment, measured as
   * this long. Defaults: connect 500, heartbeat 1500, uplink 1000.
   */
  readonly fatalMs?: number | undefined;
  /**
   * Alerts only: after the first alert, the rest for this long are counted and reported once, as a
   * summary. Default: 30000.
   */
  readonly intervalMs?: number | undefined;
}

/** What `watchDiagnostics`, `diagnosticAlerts` and `reportDiagnostics` measure; `false` leaves an item out. */
export interface DiagnosticsOptions {
  /** MQTT connection time: from a `connecting` state to `connected`. */
  readonly connect?: DiagnosticItemOptions | false | undefined;
  /** MQTT heartbeat time: from a PINGREQ sent to the PINGRESP received (needs `packets$`). */
  readonly heartbeat?: DiagnosticItemOptions | false | undefined;
  /**
   * Alink uplink time: from a request sent (a publish with an `id` and a `method`) to the reply with its id on
   * `${topic}_reply` (needs `packets$`).
   */
  readonly uplink?: DiagnosticItemOptions | false | undefined;
}

/** One item's settings, every one given. */
export interface DiagnosticSettings {
  readonly warningMs: number;
  readonly fatalMs: number;
  readonly intervalMs: number;
}

/** The Link SDK's defaults (`diag_private.h`, `DIAG_DEFAULT_…`). */
export const DIAGNOSTIC_DEFAULTS: Readonly<Record<DiagnosticItem, DiagnosticSettings>> = {
  connect: { warningMs: 200, fatalMs: 500, intervalMs: 30_000 },
  heartbeat: { warningMs: 800, fatalMs: 1500, intervalMs: 30_000 },
  uplink: { warningMs: 600, fatalMs: 1000, intervalMs: 30_000 },
};

const ITEMS = ['connect', 'heartbeat', 'uplink'] as const;

/**
 * The settings of each item that is on, defaults filled in; a `RangeError` for a threshold that is not a
 * finite number from 0 up, or a warning past the fatal threshold.
 */
export function diagnosticSettings(
  options: DiagnosticsOptions,
): Partial<Record<DiagnosticItem, DiagnosticSettings>> {
  const settings: Partial<Record<DiagnosticItem, DiagnosticSettings>> = {};
  for (const item of ITEMS) {
    const given = options[item];
    if (given === false) continue;
    const defaults = DIAGNOSTIC_DEFAULTS[item];
    const {
      warningMs = defaults.warningMs,
      fatalMs = defaults.fatalMs,
      intervalMs = defaults.intervalMs,
    } = given ?? {};
    for (const [name, value] of Object.entries({ warningMs, fatalMs, intervalMs })) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`${item}.${name} must be a finite number of ms from 0 up, got ${String(value)}`);
      }
    }
    if (warningMs > fatalMs) {
      throw new RangeError(`${item}.warningMs (${warningMs}) must not be past ${item}.fatalMs (${fatalMs})`);
    }
    settings[item] = { warningMs, fatalMs, intervalMs };
  }
  return settings;
}
