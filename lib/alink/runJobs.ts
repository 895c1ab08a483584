import * as E from 'fp-ts/Either';
import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  filter,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  Subject,
  switchMap,
  take,
  tap,
  throwError,
  type ObservableInput,
} from 'rxjs';
import { JOB_TASK_QUERIES, type JobStatus, type JobTask } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import type { Jobs, JobUpdate } from './createJobs';
import { asError, type RequestFailure } from './RequestFailure';

/** A step of a running task: its progress (0–100), and details to show with it. */
export interface JobProgress {
  readonly progress?: number | undefined;
  readonly statusDetails?: Readonly<Record<string, unknown>> | undefined;
}

/** Runs one task: its progress as values (a number, or a `JobProgress`), done when it completes, failed when it errors. */
export type JobHandler = (task: JobTask) => ObservableInput<number | JobProgress>;

/** How a task that `run` took ended. */
export type JobRunOutcome =
  /** The handler completed; the task was reported SUCCEEDED. */
  | { readonly _tag: 'Succeeded'; readonly task: JobTask }
  /** The handler failed; the task was reported FAILED with the error's message. */
  | { readonly _tag: 'Failed'; readonly task: JobTask; readonly error: Error }
  /** The cloud ended the task and pushed so (CANCELLED, REMOVED, TIMED_OUT): the handler was unsubscribed. */
  | { readonly _tag: 'Stopped'; readonly task: JobTask; readonly status: JobStatus }
  /** A report was refused or got no reply: the task was left, and is taken again when pushed or asked for. */
  | { readonly _tag: 'UpdateFailed'; readonly task: JobTask; readonly failure: RequestFailure };

const STOPPED: readonly JobStatus[] = ['CANCELLED', 'REMOVED', 'TIMED_OUT'];
const RUNNABLE: readonly JobStatus[] = ['QUEUED', 'SENT', 'IN_PROGRESS'];

/** A report that did not go through, carried to the end of the task's run. */
class UpdateRefused extends Error {
  override readonly name = 'UpdateRefused';
  constructor(readonly failure: RequestFailure) {
    super(failure._tag);
  }
}

/** `Jobs.run`: each task, one at a time, from `$next` and the pushes. */
export function runJobs(
  device: Pick<AlinkDevice, 'state$'>,
  jobs: Omit<Jobs, 'run'>,
  handler: JobHandler,
): Observable<JobRunOutcome> {
  return defer(() => {
    const taken = new Set<string>();
    // Tasks whose report the cloud refused: `$next` gives them back at once, so only a push takes them again.
    const refused = new Set<string>();
    const stopped = new Map<string, JobStatus>();
    const askNext$ = new Subject<void>();
    const pushed = jobs.notifications$.pipe(
      filter(E.isRight),
      map((pushed) => pushed.right),
    );
    const stops = pushed.pipe(filter((task) => STOPPED.includes(task.status)));
    const nexts = merge(device.state$.pipe(filter((state) => state.status === 'connected')), askNext$).pipe(
      // A newer ask replaces one still waiting: a reply lost with a dropped connection does not hold it up.
      switchMap(() => jobs.get(JOB_TASK_QUERIES.next)),
      mergeMap((next) => (E.isRight(next) && next.right !== undefined ? of(next.right) : EMPTY)),
    );
    const starts = merge(
      nexts.pipe(filter((task) => !refused.has(task.taskId))),
      pushed.pipe(
        filter((task) => RUNNABLE.includes(task.status)),
        tap((task) => refused.delete(task.taskId)),
      ),
    ).pipe(
      filter((task) => !taken.has(task.taskId) && !stopped.has(task.taskId)),
      tap((task) => taken.add(task.taskId)),
    );
    const runOne = (task: JobTask): Observable<JobRunOutcome> => {
      const stop$ = stops.pipe(
        filter((s) => s.taskId === task.taskId),
        map((s): JobRunOutcome => ({ _tag: 'Stopped', task, status: s.status })),
      );
      const ended = stopped.get(task.taskId);
      const run$ =
        ended === undefined
          ? run(jobs, handler, task)
          : of<JobRunOutcome>({ _tag: 'Stopped', task, status: ended });
      return merge(run$, stop$).pipe(
        take(1),
        tap((outcome) => {
          // Left unfinished: a later push or `$next` may take it again; only a push if the cloud refused a
          // report (from `$next` at once it would be refused again, in a loop).
          if (outcome._tag === 'UpdateFailed') {
            taken.delete(task.taskId);
            if (outcome.failure._tag === 'ReplyFailure') refused.add(task.taskId);
          }
          askNext$.next();
        }),
      );
    };
    return merge(
      // Stops heard before the task's turn, so that a task the cloud ended is not started.
      stops.pipe(
        tap((task) => stopped.set(task.taskId, task.status)),
        ignoreElements(),
      ),
      starts.pipe(concatMap((task) => defer(() => runOne(task)))),
    );
  });
}

/** One task: IN_PROGRESS, each progress, then SUCCEEDED, or FAILED when the handler errors. */
function run(jobs: Omit<Jobs, 'run'>, handler: JobHandler, task: JobTask): Observable<JobRunOutcome> {
  const report = (update: JobUpdate) =>
    jobs
      .update(task.taskId, update)
      .pipe(
        concatMap((result) => (E.isLeft(result) ? throwError(() => new UpdateRefused(result.left)) : EMPTY)),
      );
  const refused = (error: unknown) =>
    error instanceof UpdateRefused
      ? of<JobRunOutcome>({ _tag: 'UpdateFailed', task, failure: error.failure })
      : undefined;
  const progress$ = defer(() => from(handler(task))).pipe(
    concatMap((step) =>
      report({ status: 'IN_PROGRESS', ...(typeof step === 'number' ? { progress: step } : step) }),
    ),
  );
  return concat(
    report({ status: 'IN_PROGRESS', progress: 0 }),
    progress$,
    report({ status: 'SUCCEEDED', progress: 100 }),
    of<JobRunOutcome>({ _tag: 'Succeeded', task }),
  ).pipe(
    catchError((thrown: unknown) => {
      const early = refused(thrown);
      if (early !== undefined) return early;
      const error = asError(thrown);
      return concat(
        report({ status: 'FAILED', statusDetails: { message: error.message } }),
        of<JobRunOutcome>({ _tag: 'Failed', task, error }),
      ).pipe(catchError((again: unknown) => refused(again) ?? throwError(() => again)));
    }),
  );
}
