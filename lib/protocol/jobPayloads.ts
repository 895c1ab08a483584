import * as t from 'io-ts';
import { DigestMethod, NumberFromStringOrNumber, preview } from './lenient';

// Device jobs ("task management", the Link SDK's `aiot_task`) on `/sys/pk/dn/thing/job/…`. A job is the
// cloud's campaign; a task is one device's run of it. The requests carry no `method` and no `sys`, as the
// C SDK sends them; the version is "1.0" in the platform's example (the C SDK writes "1.0.0": both are read).

/** What `get` asks for besides a task id: the earliest task not yet ended, or every such task. */
export const JOB_TASK_QUERIES = { next: '$next', list: '$list' } as const;

/** Reply codes of the job topics besides 200. */
export const JOB_CODES = {
  /** An update's `statusDetails` is not a JSON object. */
  statusDetailsInvalid: 71012,
} as const;

/**
 * A task's status. The cloud sets QUEUED (not pushed yet), SENT (pushed), CANCELLED, REMOVED (deleted) and
 * TIMED_OUT (in progress past its timeout); the device reports IN_PROGRESS and ends it with SUCCEEDED, FAILED
 * or REJECTED. `CANCELLED` has two L.
 */
export const JOB_STATUSES = [
  'QUEUED',
  'SENT',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'REMOVED',
  'TIMED_OUT',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The statuses a device reports with `update`. */
export const DEVICE_JOB_STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED'] as const;
export type DeviceJobStatus = (typeof DEVICE_JOB_STATUSES)[number];

/** The statuses of a task that is over: every one but QUEUED, SENT and IN_PROGRESS (what `$next` skips). */
export const isEndedJobStatus = (status: JobStatus): boolean =>
  status !== 'QUEUED' && status !== 'SENT' && status !== 'IN_PROGRESS';

const oneOf = <S extends string>(name: string, values: readonly S[]) =>
  new t.Type<S, S, unknown>(
    name,
    (u): u is S => typeof u === 'string' && (values as readonly string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (values as readonly string[]).includes(u)
        ? t.success(u as S)
        : t.failure(u, c, `must be one of ${values.join(', ')}, got ${preview(u)}`),
    t.identity,
  );

/** A status, exactly as the platform writes it. An unknown one is refused with the reason. */
export const JobStatus = oneOf<JobStatus>('JobStatus', JOB_STATUSES);
/** A status a device may report. */
export const DeviceJobStatus = oneOf<DeviceJobStatus>('DeviceJobStatus', DEVICE_JOB_STATUSES);

/** A task's progress: a whole number from 0 to 100, a string of one taken too. */
export const JobProgress = new t.Type<number, number, unknown>(
  'JobProgress',
  (u): u is number => Number.isInteger(u) && (u as number) >= 0 && (u as number) <= 100,
  (u, c) => {
    const n = NumberFromStringOrNumber.validate(u, c);
    if (n._tag === 'Left') return n;
    return Number.isInteger(n.right) && n.right >= 0 && n.right <= 100
      ? t.success(n.right)
      : t.failure(u, c, `must be a whole number from 0 to 100, got ${preview(u)}`);
  },
  t.identity,
);

/** A JSON object (not an array, not null): a job document, an update's `statusDetails`. */
export const JsonObject = new t.Type<Record<string, unknown>, Record<string, unknown>, unknown>(
  'JsonObject',
  (u): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u),
  (u, c) =>
    typeof u === 'object' && u !== null && !Array.isArray(u)
      ? t.success(u as Record<string, unknown>)
      : t.failure(u, c, `must be a JSON object, got ${preview(u)}`),
  t.identity,
);

/**
 * The job's file, when the job has one: its download URL (valid for an hour) and digest. `signMethod` in
 * any case (the platform writes `Md5` and `Sha256`).
 */
export const JobFile = t.type({ fileUrl: t.string, sign: t.string, signMethod: DigestMethod }, 'JobFile');
export type JobFile = t.TypeOf<typeof JobFile>;

/** A job file, or none: a missing, null or empty one (a REMOVED or CANCELLED task's) is none. */
const OptionalJobFile = new t.Type<JobFile | undefined, JobFile | undefined, unknown>(
  'OptionalJobFile',
  (u): u is JobFile | undefined => u === undefined || JobFile.is(u),
  (u, c) => {
    const empty =
      u === undefined || u === null || u === '' || (JsonObject.is(u) && Object.keys(u).length === 0);
    return empty ? t.success(undefined) : JobFile.validate(u, c);
  },
  t.identity,
);

/** A job document, or none: `null` and `""` are read as none, as a REMOVED or CANCELLED push may send them. */
const OptionalJobDocument = new t.Type<
  Record<string, unknown> | undefined,
  Record<string, unknown> | undefined,
  unknown
>(
  'OptionalJobDocument',
  (u): u is Record<string, unknown> | undefined => u === undefined || JsonObject.is(u),
  (u, c) => (u === undefined || u === null || u === '' ? t.success(undefined) : JsonObject.validate(u, c)),
  t.identity,
);

/**
 * One device's task, as a notify and a `get` reply carry it. `jobDocument` is the job's rules (the JSON
 * object CreateJob was given), empty for a REMOVED or CANCELLED task.
 */
export const JobTask = t.intersection(
  [
    t.type({ taskId: t.string, status: JobStatus }),
    t.partial({ jobDocument: OptionalJobDocument, jobFile: OptionalJobFile }),
  ],
  'JobTask',
);
export type JobTask = t.TypeOf<typeof JobTask>;

/** A task in a `$list` reply: its id and status only. */
export const JobTaskSummary = t.type({ taskId: t.string, status: JobStatus }, 'JobTaskSummary');
export type JobTaskSummary = t.TypeOf<typeof JobTaskSummary>;

/** The params of a notify (`thing/job/notify`, cloud → device): `{task}`. */
export const JobNotifyParams = t.type({ task: JobTask }, 'JobNotifyParams');
export type JobNotifyParams = t.TypeOf<typeof JobNotifyParams>;

/** The params of `thing/job/get`: a task id, `$next` or `$list`. */
export const JobGetParams = t.type({ taskId: t.string }, 'JobGetParams');
export type JobGetParams = t.TypeOf<typeof JobGetParams>;

/** The data of a `get_reply` for a task or `$next`: `{task}`, or `{taskId}` alone when there is none. */
export const JobTaskData = t.union([t.type({ task: JobTask }), t.type({ taskId: t.string })], 'JobTaskData');
export type JobTaskData = t.TypeOf<typeof JobTaskData>;

/** The data of a `get_reply` for `$list`: `{tasks}`, or `{taskId: "$list"}` alone for none. */
export const JobListData = t.union(
  [t.type({ tasks: t.array(JobTaskSummary) }), t.type({ taskId: t.string })],
  'JobListData',
);
export type JobListData = t.TypeOf<typeof JobListData>;

/** The task of a `get_reply`, or `undefined` when the cloud has none. */
export const taskOf = (data: JobTaskData): JobTask | undefined => ('task' in data ? data.task : undefined);

/** The tasks of a `$list` reply (none for `{taskId}`). */
export const tasksOf = (data: JobListData): readonly JobTaskSummary[] => ('tasks' in data ? data.tasks : []);

/**
 * The params of `thing/job/update`: the task, its status, and optionally its progress (0–100) and details
 * (a JSON object, kept by the cloud and shown by QueryTask).
 */
export const JobUpdateParams = t.intersection(
  [
    t.type({ taskId: t.string, status: JobStatus }),
    t.partial({
      progress: t.union([JobProgress, t.undefined]),
      statusDetails: t.union([JsonObject, t.undefined]),
    }),
  ],
  'JobUpdateParams',
);
export type JobUpdateParams = t.TypeOf<typeof JobUpdateParams>;

/** The data of an `update_reply`: the task's id (lenient: anything else, or nothing). */
export const JobUpdateData = t.partial({ taskId: t.string }, 'JobUpdateData');

/** A request on a job topic, as the C SDK sends it: `{id, version, params}`, no method, no `sys`. */
export interface JobRequestPayload<P> {
  readonly id: string;
  readonly version: string;
  readonly params: P;
}

export interface JobRequestFields<P> {
  readonly id: string;
  readonly params: P;
  /** Default: `'1.0'`, as the platform's example (the C SDK sends `'1.0.0'`). */
  readonly version?: string | undefined;
}

/** The payload of a job request either way: a notify (cloud → device), a get or an update (device → cloud). */
export function jobRequest<P>({ id, params, version = '1.0' }: JobRequestFields<P>): JobRequestPayload<P> {
  return { id, version, params };
}

/** The params of an update, with only the fields given. */
export function jobUpdateParams(
  taskId: string,
  status: JobStatus,
  progress?: number,
  statusDetails?: Record<string, unknown>,
): JobUpdateParams {
  return {
    taskId,
    status,
    ...(progress === undefined ? {} : { progress }),
    ...(statusDetails === undefined ? {} : { statusDetails }),
  };
}

/** A task as a notify or a `get` reply carries it: the document and file only when there are. */
export function jobTaskPayload(task: JobTask): Record<string, unknown> {
  const { taskId, status, jobDocument, jobFile } = task;
  return {
    taskId,
    status,
    jobDocument: jobDocument ?? {},
    ...(jobFile === undefined
      ? {}
      : { jobFile: { ...jobFile, signMethod: signMethodName(jobFile.signMethod) } }),
  };
}

/** As the platform writes a digest method: `Md5`, `Sha256`. */
const signMethodName = (method: DigestMethod) => (method === 'MD5' ? 'Md5' : 'Sha256');
