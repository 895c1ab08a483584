import {
  concat,
  connect,
  endWith,
  exhaustMap,
  filter,
  groupBy,
  ignoreElements,
  map,
  mergeMap,
  of,
  scan,
  startWith,
  takeUntil,
  timer,
  withLatestFrom,
  type Observable,
  type OperatorFunction,
} from 'rxjs';
import type { DiagnosticAlert, DiagnosticItem } from '../protocol';
import { diagnosticSettings, type DiagnosticsOptions } from './diagnosticsOptions';
import type { DiagnosticMeasurement } from './watchDiagnostics';

/** A measurement past a threshold. */
type Alerting = DiagnosticMeasurement & { readonly level: 'warning' | 'fatal' };

function alertOf({ item, level, elapsedMs, messageId }: Alerting): DiagnosticAlert {
  return { kind: 'alert', item, level, elapsedMs, ...(messageId === undefined ? {} : { messageId }) };
}

/**
 * One item's alerts, as the Link SDK lets them out: the first at once; the ones in the `intervalMs` after it
 * counted, and one summary of them at its end (none if there were none); then the next alert is a first again.
 */
function limited(item: DiagnosticItem, intervalMs: number) {
  return (alerts: Observable<Alerting>): Observable<DiagnosticAlert> =>
    alerts.pipe(
      connect((shared) => {
        const seen = shared.pipe(
          scan((count) => count + 1, 0),
          startWith(0),
        );
        const period = (first: Alerting) =>
          concat(
            of(alertOf(first)),
            // `seen` is subscribed once the first has gone: it counts the ones after it.
            timer(intervalMs).pipe(
              withLatestFrom(seen),
              map(([, count]) => count),
              filter((count) => count > 0),
              map((count): DiagnosticAlert => ({
                kind: 'summary',
                item,
                level: 'warning',
                count,
                periodMs: intervalMs,
              })),
            ),
          );
        // A summary still waiting when the measurements end is not sent.
        return shared.pipe(exhaustMap(period), takeUntil(shared.pipe(ignoreElements(), endWith(true))));
      }),
    );
}

/**
 * The Link SDK's alerts of `watchDiagnostics`' measurements, as its `diag` reports them locally and to the
 * cloud: per item, the first warning or fatal at once; the next ones of the item's `intervalMs` (default
 * 30000) only counted, and reported at its end as one summary, `"… has been alert extra 3 times in past 30000
 * ms"` (a warning). Timers are RxJS timers. Takes the same options as `watchDiagnostics` (only `intervalMs` is
 * read here); bad ones are a `RangeError` at the call.
 *
 * ```ts
 * watchDiagnostics(device).pipe(diagnosticAlerts()).subscribe((alert) => console.warn(diagnosticContent(alert)));
 * ```
 */
export function diagnosticAlerts(
  options: DiagnosticsOptions = {},
): OperatorFunction<DiagnosticMeasurement, DiagnosticAlert> {
  const settings = diagnosticSettings(options);
  return (measurements) =>
    measurements.pipe(
      filter((m): m is Alerting => m.level !== 'ok'),
      groupBy((m) => m.item),
      mergeMap((alerts) => {
        const item = alerts.key;
        const intervalMs = settings[item]?.intervalMs;
        // An item that is off is not reported, even when measured elsewhere.
        return intervalMs === undefined
          ? alerts.pipe(ignoreElements())
          : alerts.pipe(limited(item, intervalMs));
      }),
    );
}
