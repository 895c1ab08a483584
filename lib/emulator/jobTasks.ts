import type { DeviceIdentity } from '../identity';
import {
  ALINK_CODES,
  DEVICE_JOB_STATUSES,
  isEndedJobStatus,
  JOB_CODES,
  JOB_TASK_QUERIES,
  jobTaskPayload,
  type JobFile,
  type JobStatus,
  type JobUpdateParams,
} from '../protocol';
import type { CloudAnswer } from './answerAlink';

/** A job's own status: running, every task ended, or cancelled (the platform's names are unverified). */
export type CloudJobStatus = 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';

/** A job, as OpenAPI `QueryJob` shows it. */
export interface CloudJob {
  readonly jobId: string;
  readonly jobName: string;
  readonly description?: string | undefined;
  readonly status: CloudJobStatus;
  readonly jobDocument: Readonly<Record<string, unknown>>;
  readonly jobFile?: JobFile | undefined;
  readonly targetDevices: readonly DeviceIdentity[];
  /** How long a task may stay IN_PROGRESS before it is TIMED_OUT; none: never. */
  readonly inProgressTimeoutMs?: number | undefined;
  /** The emulator's `clock`, ms. */
  readonly createdAt: number;
}

/** One device's task of a job, as OpenAPI `QueryTask` shows it. */
export interface CloudTask extends DeviceIdentity {
  readonly taskId: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly status: JobStatus;
  /** 0–100, as the device last reported it. */
  readonly progress: number;
  /** The device's last `statusDetails`. */
  readonly statusDetails?: Readonly<Record<string, unknown>> | undefined;
  /** Why the cloud ended it (cancelled, timed out). */
  readonly message?: string | undefined;
  /** When it was queued, and last changed (the emulator's `clock`, ms). */
  readonly queuedAt: number;
  readonly modifiedAt: number;
}

type MutableTask = { -readonly [K in keyof CloudTask]: CloudTask[K] } & { inProgressAt?: number };
type MutableJob = { -readonly [K in keyof CloudJob]: CloudJob[K] } & { readonly taskIds: string[] };

/** What one rule did: the answer to the device, and the tasks it changed. */
export interface JobStep {
  readonly answer: CloudAnswer;
  readonly changed: readonly CloudTask[];
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;
const refuse = (message: string): CloudAnswer => ({ code: ALINK_CODES.invalidParameter, message });

/**
 * The rules of device jobs, on the emulator's clock: each target device's task is QUEUED, SENT once
 * notified, then IN_PROGRESS, SUCCEEDED, FAILED or REJECTED as the device reports; CANCELLED by the cloud;
 * TIMED_OUT once IN_PROGRESS for longer than the job's timeout (found at the next look: `expireDue`).
 */
export function jobTasks(now: () => number) {
  const jobs = new Map<string, MutableJob>();
  const tasks = new Map<string, MutableTask>();
  let next = 1;

  const change = (task: MutableTask, status: JobStatus, message?: string): CloudTask => {
    task.status = status;
    task.modifiedAt = now();
    if (message !== undefined) task.message = message;
    const job = jobs.get(task.jobId);
    if (job !== undefined && job.status === 'IN_PROGRESS') {
      const over = job.taskIds.every((id) => isEndedJobStatus(tasks.get(id)?.status ?? 'REMOVED'));
      if (over) job.status = 'COMPLETED';
    }
    return { ...task };
  };

  /** The tasks past their in-progress timeout, now TIMED_OUT. */
  function expireDue(): CloudTask[] {
    const expired: CloudTask[] = [];
    for (const task of tasks.values()) {
      const timeoutMs = jobs.get(task.jobId)?.inProgressTimeoutMs;
      const { inProgressAt } = task;
      if (task.status !== 'IN_PROGRESS' || timeoutMs === undefined || inProgressAt === undefined) continue;
      if (now() - inProgressAt >= timeoutMs)
        expired.push(change(task, 'TIMED_OUT', 'in progress for too long'));
    }
    return expired;
  }

  /** A device's tasks not yet ended, the earliest queued first. */
  const openTasksOf = (device: DeviceIdentity) =>
    [...tasks.values()].filter((t) => keyOf(t) === keyOf(device) && !isEndedJobStatus(t.status));

  const payloadOf = (task: CloudTask) => {
    const job = jobs.get(task.jobId);
    const ended = isEndedJobStatus(task.status);
    return jobTaskPayload({
      taskId: task.taskId,
      status: task.status,
      ...(job === undefined || ended ? {} : { jobDocument: job.jobDocument, jobFile: job.jobFile }),
    });
  };

  return {
    expireDue,

    createJob(job: Omit<CloudJob, 'jobId' | 'status' | 'createdAt'>): { job: CloudJob; tasks: CloudTask[] } {
      const jobId = `job${String(next++).padStart(6, '0')}`;
      const created: MutableJob = { ...job, jobId, status: 'IN_PROGRESS', createdAt: now(), taskIds: [] };
      const queued = job.targetDevices.map((device, i): CloudTask => {
        const at = now();
        const task: MutableTask = {
          productKey: device.productKey,
          deviceName: device.deviceName,
          taskId: `${jobId}t${String(i + 1).padStart(4, '0')}`,
          jobId,
          jobName: job.jobName,
          status: 'QUEUED',
          progress: 0,
          queuedAt: at,
          modifiedAt: at,
        };
        tasks.set(task.taskId, task);
        created.taskIds.push(task.taskId);
        return { ...task };
      });
      jobs.set(jobId, created);
      return { job: this.queryJob(jobId)!, tasks: queued };
    },

    /** The task as a notify carries it, now SENT when it was QUEUED. */
    notified(taskId: string): { task: CloudTask; payload: Record<string, unknown> } | undefined {
      const task = tasks.get(taskId);
      if (task === undefined) return undefined;
      const sent = task.status === 'QUEUED' ? change(task, 'SENT') : { ...task };
      return { task: sent, payload: payloadOf(sent) };
    },

    /** The data of a `get_reply`: the task, the next one, or the list, for `device` only. */
    get(device: DeviceIdentity, taskId: string): CloudAnswer {
      if (taskId === JOB_TASK_QUERIES.list) {
        const open = openTasksOf(device).map(({ taskId: id, status }) => ({ taskId: id, status }));
        return { data: open.length === 0 ? { taskId } : { tasks: open } };
      }
      const task =
        taskId === JOB_TASK_QUERIES.next
          ? openTasksOf(device)[0]
          : [tasks.get(taskId)].find((t) => t !== undefined && keyOf(t) === keyOf(device));
      return { data: task === undefined ? { taskId } : { task: payloadOf(task) } };
    },

    /**
     * A device's update: 460 for a task that is not its own, a status only the cloud sets, or a task already
     * ended (none of the three codes is verified); 71012 for `statusDetails` that is not an object.
     */
    update(device: DeviceIdentity, params: JobUpdateParams): JobStep {
      const { taskId, status, progress, statusDetails } = params;
      const task = tasks.get(taskId);
      if (task === undefined || keyOf(task) !== keyOf(device))
        return { answer: refuse(`no task ${taskId} of this device`), changed: [] };
      if (!(DEVICE_JOB_STATUSES as readonly string[]).includes(status))
        return { answer: refuse(`a device may not set a task ${status}`), changed: [] };
      if (isEndedJobStatus(task.status))
        return { answer: refuse(`task ${taskId} is ${task.status}`), changed: [{ ...task }] };
      if (progress !== undefined) task.progress = progress;
      if (statusDetails !== undefined) task.statusDetails = statusDetails;
      if (status === 'IN_PROGRESS' && task.inProgressAt === undefined) task.inProgressAt = now();
      return { answer: { data: { taskId } }, changed: [change(task, status)] };
    },

    /** Cancels a job's tasks not yet ended (`undefined`: no such job). */
    cancelJob(jobId: string): CloudTask[] | undefined {
      const job = jobs.get(jobId);
      if (job === undefined) return undefined;
      job.status = 'CANCELLED';
      return job.taskIds
        .map((id) => tasks.get(id))
        .filter((t): t is MutableTask => t !== undefined && !isEndedJobStatus(t.status))
        .map((t) => change(t, 'CANCELLED', 'the job was cancelled'));
    },

    /** How long the task may stay IN_PROGRESS: its job's timeout, when it has one and the task is IN_PROGRESS. */
    /** How long, by the clock, until an IN_PROGRESS task is due to time out; `undefined` for one that cannot. */
    timeLeftOf(taskId: string): number | undefined {
      const task = tasks.get(taskId);
      const timeoutMs = task === undefined ? undefined : jobs.get(task.jobId)?.inProgressTimeoutMs;
      if (task?.status !== 'IN_PROGRESS' || timeoutMs === undefined || task.inProgressAt === undefined)
        return undefined;
      return task.inProgressAt + timeoutMs - now();
    },

    queryJob(jobId: string): CloudJob | undefined {
      const job = jobs.get(jobId);
      if (job === undefined) return undefined;
      const { taskIds: _, ...fields } = job;
      return { ...fields, targetDevices: [...job.targetDevices] };
    },

    queryTask(taskId: string): CloudTask | undefined {
      const task = tasks.get(taskId);
      if (task === undefined) return undefined;
      const { inProgressAt: _, ...fields } = task;
      return fields;
    },

    listTask(filter: { jobId?: string; device?: DeviceIdentity; status?: JobStatus }): CloudTask[] {
      return [...tasks.keys()]
        .map((id) => this.queryTask(id)!)
        .filter(
          (t) =>
            (filter.jobId === undefined || t.jobId === filter.jobId) &&
            (filter.device === undefined || keyOf(t) === keyOf(filter.device)) &&
            (filter.status === undefined || t.status === filter.status),
        );
    },

    /** 71012, as the platform answers an update whose `statusDetails` is no JSON object. */
    statusDetailsRefused: (): CloudAnswer => ({
      code: JOB_CODES.statusDetailsInvalid,
      message: 'statusDetails must be a JSON object',
    }),
  };
}

export type JobTasks = ReturnType<typeof jobTasks>;
