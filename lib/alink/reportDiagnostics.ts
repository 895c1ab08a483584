import type * as E from 'fp-ts/Either';
import { defer, map, mergeMap, type Observable } from 'rxjs';
import { DiagnosticLogEntry, type AlinkReply, type DiagnosticAlert } from '../protocol';
import { createLogReport, type LogLine, type LogReportOptions } from './createLogReport';
import { diagnosticAlerts } from './diagnosticAlerts';
import type { DiagnosticsOptions } from './diagnosticsOptions';
import type { RequestFailure } from './RequestFailure';
import { watchDiagnostics, type DiagnosedDevice } from './watchDiagnostics';

export interface ReportDiagnosticsOptions extends DiagnosticsOptions, LogReportOptions {}

/** An alert reported, and the platform's answer to its log post. */
export interface DiagnosticReport {
  readonly alert: DiagnosticAlert;
  readonly result: E.Either<RequestFailure, AlinkReply>;
}

/** The log line of an alert, in the Link SDK's report format (`DiagnosticLogEntry`). */
function lineOf(alert: DiagnosticAlert): LogLine {
  const { logLevel, module, code, logContent, traceContext } = DiagnosticLogEntry.encode(alert);
  return {
    level: logLevel,
    module,
    code,
    content: logContent,
    ...(traceContext === undefined ? {} : { traceContext }),
  };
}

/**
 * The Link SDK's `diag` with its cloud report on: `watchDiagnostics` through `diagnosticAlerts`, each alert
 * posted as one log entry (`thing.log.post`, through `createLogReport`) as the SDK writes it: `logLevel` `WARN`
 * or `FATAL`, `module` `DiagMqttConnection` / `DiagMqttHeartbeat` / `DiagAlinkUplink`, `code` `"16"` / `"32"` /
 * `"48"`, and its description as `logContent` (the uplink's message id also as `traceContext`). Emits each
 * alert with the post's reply (the alert of the attempt that made the device give up comes once it is closed,
 * with its post's failure, a `DeviceClosedError`). Like the SDK, it posts whatever the console's log switch says; whether the
 * platform keeps the entries while the switch is off is unverified. Unsubscribing stops the measuring and
 * forgets the posts under way.
 *
 * ```ts
 * reportDiagnostics(device, { uplink: { warningMs: 300 } }).subscribe(({ alert }) => console.warn(alert));
 * ```
 */
export function reportDiagnostics(
  device: DiagnosedDevice,
  options: ReportDiagnosticsOptions = {},
): Observable<DiagnosticReport> {
  const { timeoutMs, now, ...items } = options;
  const measurements = watchDiagnostics(device, items);
  const alerts = diagnosticAlerts(items);
  const logs = createLogReport(device, { timeoutMs, now });
  return defer(() =>
    measurements.pipe(
      alerts,
      mergeMap((alert) => logs.post([lineOf(alert)]).pipe(map((result) => ({ alert, result })))),
    ),
  );
}
