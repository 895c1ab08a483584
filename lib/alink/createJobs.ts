import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Observable, of, share } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import { decodePayload, type DecodeError } from '../operators/decodeJson';
import {
  JOB_TASK_QUERIES,
  JobListData,
  JobNotifyParams,
  jobRequest,
  JobTaskData,
  jobUpdateParams,
  replyTopicOf,
  taskOf,
  tasksOf,
  type AlinkReply,
  type DeviceJobStatus,
  type JobTask,
  type JobTaskSummary,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestById } from './request';
import type { RequestFailure } from './RequestFailure';
import { runJobs, type JobHandler, type JobRunOutcome } from './runJobs';
import { serveAlink } from './serveAlink';

export interface JobsOptions {
  /** How long `get`, `list` and `update` wait for the reply, from the subscription. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** The `version` the requests carry. Default: `'1.0'`, as the platform's example (the C SDK sends `'1.0.0'`). */
  readonly version?: string | undefined;
}

/** What `update` reports of a task. */
export interface JobUpdate {
  /** IN_PROGRESS while it runs; SUCCEEDED, FAILED or REJECTED (refused to run) to end it. */
  readonly status: DeviceJobStatus;
  /** A whole number from 0 to 100. */
  readonly progress?: number | undefined;
  /** A JSON object of the device's own, which the cloud keeps and shows (QueryTask's `StatusDetail`). */
  readonly statusDetails?: Readonly<Record<string, unknown>> | undefined;
}

/** Device jobs: the tasks the platform pushes and that the device asks for, and their reports. */
export interface Jobs {
  /**
   * The tasks the platform pushes (`thing/job/notify`): a new one (SENT), one whose document changed
   * (IN_PROGRESS), one the cloud ended (CANCELLED, REMOVED). Each is answered 200, or 460 with the reason
   * when it does not decode (then a `DecodeError` here). Subscribes the topic while observed; shared, so that
   * each push is answered once however many observe it.
   */
  readonly notifications$: Observable<E.Either<DecodeError, JobTask>>;
  /**
   * Asks for one task by its id, or `'$next'` for the earliest not yet ended (QUEUED, SENT or IN_PROGRESS):
   * the task on the right, `undefined` when the platform has none. One `Either`.
   */
  get(taskId: string): Observable<E.Either<RequestFailure, JobTask | undefined>>;
  /** Asks for the device's tasks (`$list`): their ids and statuses, none when the list is empty. */
  list(): Observable<E.Either<RequestFailure, readonly JobTaskSummary[]>>;
  /**
   * Reports a task's status, progress and details (`thing/job/update`): the reply, or why not (a
   * `ReplyFailure` with 71012 for details the platform does not take). A progress that is not a whole number
   * from 0 to 100 is a `RangeError` at the call, before anything is sent.
   */
  update(taskId: string, update: JobUpdate): Observable<E.Either<RequestFailure, AlinkReply>>;
  /**
   * Runs each task with `handler`, one at a time: the next one asked for (`$next`) when subscribed, after
   * each reconnect and after each task, and each one pushed. A task is reported IN_PROGRESS, then at each
   * progress the handler gives, then SUCCEEDED when it completes or FAILED (its message in
   * `statusDetails`) when it errors; a task the cloud ends meanwhile and pushes so (CANCELLED, REMOVED) is
   * unsubscribed. A report the cloud refuses leaves the task until it is pushed again; one unanswered leaves
   * it to the next push or `$next`. One `JobRunOutcome` per task. Not seen: a timeout the cloud does not push,
   * and a cancel pushed while the device was offline (the task's next report is refused).
   */
  run(handler: JobHandler): Observable<JobRunOutcome>;
}

const isDecodeError = (cause: unknown): cause is DecodeError =>
  typeof cause === 'object' && cause !== null && (cause as { _tag?: unknown })._tag === 'DecodeError';

/**
 * Device jobs ("task management", the Link SDK's `aiot_task`): the tasks of the cloud's jobs, pushed to the
 * device or asked for, and the device's reports of each until it ends. Works for a gateway's sub-device too.
 *
 * ```ts
 * const jobs = createJobs(device);
 * jobs.run((task) => upgrade(task.jobDocument)).subscribe((outcome) => console.log(outcome._tag));
 * ```
 */
export function createJobs(device: AlinkDevice, options: JobsOptions = {}): Jobs {
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, version } = options;
  const { topics } = device;

  /** One job request, `{id, version, params}`, and its accepted reply read with `read`. */
  const exchange = <D>(
    topic: string,
    params: unknown,
    read: (reply: AlinkReply, message: InboundMessage) => E.Either<RequestFailure, D>,
  ) =>
    requestById(
      device,
      [topic, replyTopicOf(topic)],
      (id) => JSON.stringify(jobRequest({ id, params, ...(version === undefined ? {} : { version }) })),
      (reply, message) => (E.isLeft(reply) ? reply : read(reply.right, message)),
      { timeoutMs, qos: 1 },
    );

  const dataOf =
    <D>(data: t.Type<D, unknown>) =>
    (_reply: AlinkReply, message: InboundMessage) =>
      E.map(({ value }: { value: { data: D } }) => value.data)(decodePayload(t.type({ data }), message));

  const notifications$ = new Observable<E.Either<DecodeError, JobTask>>((subscriber) => {
    // Each task is handed on once its reply has gone, so that a subscriber that leaves on it does not take
    // the reply with it.
    const tasks = new Map<string, JobTask>();
    return serveAlink(device, {
      requests: device.observe(topics.jobNotify, { qos: 1 }),
      params: JobNotifyParams,
      replyTopic: replyTopicOf,
      qos: 1,
      handler: ({ id, params }) => {
        tasks.set(id, params.task);
        return of({});
      },
    }).subscribe((outcome) => {
      const task = outcome.id === undefined ? undefined : tasks.get(outcome.id);
      if (outcome.id !== undefined) tasks.delete(outcome.id);
      if (task !== undefined) subscriber.next(E.right(task));
      else if (outcome._tag === 'Failed' && isDecodeError(outcome.cause))
        subscriber.next(E.left(outcome.cause));
      else if (outcome._tag === 'Unanswered' && outcome.reason._tag === 'DecodeError')
        subscriber.next(E.left(outcome.reason));
    });
  }).pipe(share());

  const jobs: Jobs = {
    notifications$,
    get: (taskId) =>
      exchange(topics.jobGet, { taskId }, (reply, message) =>
        E.map(taskOf)(dataOf(JobTaskData)(reply, message)),
      ),
    list: () =>
      exchange(topics.jobGet, { taskId: JOB_TASK_QUERIES.list }, (reply, message) =>
        E.map(tasksOf)(dataOf(JobListData)(reply, message)),
      ),
    update(taskId, { status, progress, statusDetails }) {
      if (progress !== undefined && !(Number.isInteger(progress) && progress >= 0 && progress <= 100))
        throw new RangeError(`a task's progress is a whole number from 0 to 100, not ${progress}`);
      const params = jobUpdateParams(
        taskId,
        status,
        progress,
        statusDetails as Record<string, unknown> | undefined,
      );
      return exchange(topics.jobUpdate, params, (reply) => E.right(reply));
    },
    run: (handler) => runJobs(device, jobs, handler),
  };
  return jobs;
}

export type { JobHandler, JobProgress, JobRunOutcome } from './runJobs';
