import * as E from 'fp-ts/Either';
import {
  asyncScheduler,
  concatMap,
  defer,
  Observable,
  Subject,
  timer,
  type MonoTypeOperatorFunction,
  type Subscription,
} from 'rxjs';
import type { PublishFailure, PublishReceipt } from '../../connection/messages';
import { nextMessageId, OTA_FAILURE_STEPS, otaProgress, type OtaStep } from '../../protocol';
import type { AlinkDevice } from '../AlinkDevice';
import { publishResult } from '../publishResult';
import { DigestMismatchError, SizeMismatchError } from '../downloadErrors';
import { asError } from '../RequestFailure';
import type { DownloadProgress } from '../verifiedDownload';

export interface ReportOtaProgressOptions {
  /** The module the upgrade is for; absent for the default module. */
  readonly module?: string | undefined;
  /** The fewest milliseconds between two reports. Default: 1000. */
  readonly intervalMs?: number | undefined;
}

/**
 * Publishes one progress report on `/ota/device/progress/pk/dn` at QoS 1; the result as an `Either`, never an
 * error.
 */
export function publishOtaProgress(
  device: Pick<AlinkDevice, 'publish' | 'topics'> & object,
  step: OtaStep,
  desc: string,
  module?: string,
): Observable<E.Either<PublishFailure, PublishReceipt>> {
  return defer(() => {
    const topic = device.topics.otaProgress;
    const payload = otaProgress(nextMessageId(device), step, desc, module);
    return publishResult(device, { topic, payload: JSON.stringify(payload), qos: 1 });
  });
}

/** The failure step of a download's error: -3 when the image failed its checks, -2 when it never came whole. */
export function failureStep(error: unknown): OtaStep {
  return error instanceof DigestMismatchError || error instanceof SizeMismatchError
    ? OTA_FAILURE_STEPS.verificationFailed
    : OTA_FAILURE_STEPS.downloadFailed;
}

interface Report {
  readonly step: OtaStep;
  readonly desc: string;
}

/**
 * Reports a download's progress to the platform as it passes, at a bounded rate: the first
 * value at once, then at most one report per `intervalMs` (the latest percent when the interval is up), and
 * the last one as soon as the download completes; a step already reported is not sent again. A failed
 * download is reported with its failure step (-3 for a digest or size mismatch, -2 otherwise) before its
 * error goes on. Values pass through unchanged; the result completes (or errors) once the last report has
 * been published. Reports are best effort: one that fails to publish is dropped.
 *
 * ```ts
 * ota.download(upgrade, '/tmp/fw.bin').pipe(reportOtaProgress(device, { module: upgrade.module })).subscribe();
 * ```
 */
export function reportOtaProgress(
  device: Pick<AlinkDevice, 'publish' | 'topics'> & object,
  options: ReportOtaProgressOptions = {},
): MonoTypeOperatorFunction<DownloadProgress> {
  const { module, intervalMs = 1000 } = options;
  return (source) =>
    new Observable<DownloadProgress>((subscriber) => {
      const reports = new Subject<Report>();
      let failure: { readonly error: unknown } | undefined;
      const publishing = reports
        .pipe(concatMap(({ step, desc }) => publishOtaProgress(device, step, desc, module)))
        .subscribe({ complete: () => (failure ? subscriber.error(failure.error) : subscriber.complete()) });

      let lastStep: OtaStep | undefined;
      let lastAt = -Infinity;
      let pending: Report | undefined;
      let wait: Subscription | undefined;
      const send = (report: Report) => {
        wait?.unsubscribe();
        wait = undefined;
        pending = undefined;
        lastStep = report.step;
        lastAt = asyncScheduler.now();
        reports.next(report);
      };
      const offer = (report: Report) => {
        if (report.step === lastStep) return;
        const dueIn = lastAt + intervalMs - asyncScheduler.now();
        if (dueIn <= 0) return send(report);
        pending = report;
        wait ??= timer(dueIn).subscribe(() => pending && send(pending));
      };
      const flush = () => {
        wait?.unsubscribe();
        if (pending && pending.step !== lastStep) reports.next(pending);
      };

      const downloading = source.subscribe({
        next: (progress) => {
          subscriber.next(progress);
          const desc = `${progress.receivedBytes} of ${progress.totalBytes} bytes`;
          offer({ step: `${progress.percent}`, desc });
        },
        error: (error: unknown) => {
          wait?.unsubscribe();
          failure = { error };
          reports.next({ step: failureStep(error), desc: asError(error).message });
          reports.complete();
        },
        complete: () => {
          flush();
          reports.complete();
        },
      });
      return () => {
        downloading.unsubscribe();
        wait?.unsubscribe();
        publishing.unsubscribe();
      };
    });
}
