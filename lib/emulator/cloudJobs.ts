import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Subscription, timer } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import {
  ALINK_CODES,
  JobGetParams,
  jobRequest,
  JobUpdateParams,
  JsonObject,
  type DigestMethod,
  type JobStatus,
} from '../protocol';
import type { EmulatedProduct } from './authenticateDevice';
import { answerAlink } from './answerAlink';
import { anyDeviceTopics } from './anyDeviceTopics';
import { encodePayload, type CloudPayload } from './cloudPayloads';
import type { CloudSide } from './CloudSide';
import { decodeValue } from './decodeDevicePayload';
import { DeviceNotFoundError, JobNotFoundError, JobTaskNotFoundError } from './emulatorErrors';
import type { FileServer } from './fileServer';
import { jobTasks, type CloudJob, type CloudTask } from './jobTasks';

export type { CloudJob, CloudJobStatus, CloudTask } from './jobTasks';

/** A job's file: served by the emulator's HTTP server, its URL and digest in each task. */
export interface CreateJobFile {
  /** Bytes, text as UTF-8, anything else as JSON. */
  readonly content: CloudPayload;
  /** Default: `'job.bin'`. */
  readonly name?: string | undefined;
  /** Default: `'MD5'`, as the platform's example. */
  readonly signMethod?: DigestMethod | undefined;
}

/** OpenAPI `CreateJob` of a custom job (`CUSTOM_JOB`) to a list of devices. */
export interface CreateJobOptions {
  /** Default: `job-${n}`. */
  readonly jobName?: string | undefined;
  readonly description?: string | undefined;
  /** The job's rules, a JSON object of at most 65,536 characters, as each task carries it. */
  readonly jobDocument: Readonly<Record<string, unknown>>;
  /** At least one; each gets a task. */
  readonly targetDevices: readonly DeviceIdentity[];
  readonly jobFile?: CreateJobFile | undefined;
  /** A task IN_PROGRESS for this long is TIMED_OUT (`TimeoutConfig.inProgressTimeoutInMinutes`). Default: never. */
  readonly inProgressTimeoutMs?: number | undefined;
}

/** Which tasks `listTask` gives: every filter given must hold. */
export interface ListTaskOptions {
  readonly jobId?: string | undefined;
  readonly device?: DeviceIdentity | undefined;
  readonly status?: JobStatus | undefined;
}

/** The cloud's side of device jobs, named after the platform's server API. */
export interface CloudJobCalls {
  /**
   * OpenAPI `CreateJob`: a task QUEUED for each target device, notified at once (and SENT) to those online.
   * Rejects with `DeviceNotFoundError` for a device the emulator does not know, `TypeError` for no target
   * or a document over 65,536 characters.
   */
  createJob(options: CreateJobOptions): Promise<CloudJob>;
  /** OpenAPI `QueryJob`. Throws `JobNotFoundError`. */
  queryJob(jobId: string): CloudJob;
  /** OpenAPI `CancelJob`: every task not yet ended is CANCELLED, and the devices online are told. Rejects with `JobNotFoundError`. */
  cancelJob(jobId: string): Promise<void>;
  /** OpenAPI `QueryTask`. Throws `JobTaskNotFoundError`. */
  queryTask(taskId: string): CloudTask;
  /** OpenAPI `ListTask`: the tasks, in the order they were queued. */
  listTask(options?: ListTaskOptions): readonly CloudTask[];
}

export interface CloudJobs extends CloudJobCalls {
  readonly subscription: Subscription;
}

const MAX_DOCUMENT_CHARS = 65_536;
const HasStatusDetails = t.type({ statusDetails: t.unknown });

/**
 * The platform's side of device jobs: `thing/job/get` (a task, `$next`, `$list`) and `thing/job/update`
 * answered from each device's tasks, notifies sent on `thing/job/notify` (QoS 1) when a job is created or
 * cancelled, and a `job` event on `events$` at each change of a task and each refused update. Whether the
 * platform notifies a device that comes online later is unverified: the emulator does not, and a device
 * asks `$next` after connecting.
 */
export function cloudJobs(
  cloud: CloudSide,
  files: Pick<FileServer, 'serve'>,
  products: readonly EmulatedProduct[],
): CloudJobs {
  const rules = jobTasks(() => cloud.now());
  const subscription = new Subscription();
  let named = 0;

  const report = (task: CloudTask, answer?: { code?: number | undefined; message?: string | undefined }) =>
    cloud.emit({
      type: 'job',
      device: { productKey: task.productKey, deviceName: task.deviceName },
      jobId: task.jobId,
      taskId: task.taskId,
      status: task.status,
      progress: task.progress,
      ...(answer === undefined ? {} : { code: answer.code ?? 200 }),
      ...(answer?.message === undefined ? {} : { message: answer.message }),
    });
  const expire = () => rules.expireDue().forEach((task) => report(task));

  async function notify(task: CloudTask): Promise<void> {
    if (!cloud.isOnline(task)) return;
    const notified = rules.notified(task.taskId);
    if (notified === undefined) return;
    if (notified.task.status !== task.status) report(notified.task);
    const payload = jobRequest({ id: cloud.nextId(), params: { task: notified.payload } });
    await cloud.publish(deviceTopics(task).jobNotify, payload, { qos: 1 });
  }

  /**
   * Sees the task time out once its timeout has passed: one timer per task, set again for what is left when
   * it fires early by the clock (a timer runs on the event loop's time, a little behind `Date.now`). With a
   * `clock` of the user's, at the next look.
   */
  const watching = new Set<string>();
  const watchTimeout = (taskId: string) => {
    const left = rules.timeLeftOf(taskId);
    if (left === undefined || watching.has(taskId)) return;
    watching.add(taskId);
    subscription.add(
      timer(Math.max(left, 1)).subscribe(() => {
        watching.delete(taskId);
        expire();
        watchTimeout(taskId);
      }),
    );
  };

  subscription.add(
    answerAlink(cloud, anyDeviceTopics.jobGet, JobGetParams, ({ taskId }, _request, message) => {
      expire();
      return rules.get(message, taskId);
    }),
  );
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.jobUpdate, t.unknown, (params, _request, message) => {
      expire();
      if (HasStatusDetails.is(params) && !JsonObject.is(params.statusDetails))
        return rules.statusDetailsRefused();
      const decoded = decodeValue(JobUpdateParams, params);
      if (E.isLeft(decoded))
        return { code: ALINK_CODES.invalidParameter, message: `request parameter error: ${decoded.left}` };
      const { answer, changed } = rules.update(message, decoded.right);
      for (const task of changed) report(task, answer);
      if (decoded.right.status === 'IN_PROGRESS') watchTimeout(decoded.right.taskId);
      return answer;
    }),
  );

  async function jobFileOf(file: CreateJobFile | undefined) {
    if (file === undefined) return undefined;
    const { content, name = 'job.bin', signMethod = 'MD5' } = file;
    const served = await files.serve(encodePayload(content), { name });
    return { fileUrl: served.url, signMethod, sign: signMethod === 'MD5' ? served.md5 : served.sha256 };
  }

  const known = (device: DeviceIdentity) =>
    products.some(
      (p) => p.productKey === device.productKey && p.devices.some((d) => d.deviceName === device.deviceName),
    );

  return {
    async createJob(options) {
      const {
        jobName = `job-${++named}`,
        description,
        jobDocument,
        targetDevices,
        inProgressTimeoutMs,
      } = options;
      if (targetDevices.length === 0) throw new TypeError('a job needs at least one target device');
      if (JSON.stringify(jobDocument).length > MAX_DOCUMENT_CHARS)
        throw new TypeError(`a job document is at most ${MAX_DOCUMENT_CHARS} characters of JSON`);
      const unknown = targetDevices.find((device) => !known(device));
      if (unknown !== undefined) throw new DeviceNotFoundError(unknown);
      const jobFile = await jobFileOf(options.jobFile);
      const { job, tasks } = rules.createJob({
        jobName,
        jobDocument,
        targetDevices: targetDevices.map(({ productKey, deviceName }) => ({ productKey, deviceName })),
        ...(description === undefined ? {} : { description }),
        ...(jobFile === undefined ? {} : { jobFile }),
        ...(inProgressTimeoutMs === undefined ? {} : { inProgressTimeoutMs }),
      });
      tasks.forEach((task) => report(task));
      await Promise.all(tasks.map(notify));
      return job;
    },
    queryJob(jobId) {
      expire();
      const job = rules.queryJob(jobId);
      if (job === undefined) throw new JobNotFoundError(jobId);
      return job;
    },
    async cancelJob(jobId) {
      expire();
      const cancelled = rules.cancelJob(jobId);
      if (cancelled === undefined) throw new JobNotFoundError(jobId);
      cancelled.forEach((task) => report(task));
      await Promise.all(cancelled.map(notify));
    },
    queryTask(taskId) {
      expire();
      const task = rules.queryTask(taskId);
      if (task === undefined) throw new JobTaskNotFoundError(taskId);
      return task;
    },
    listTask({ jobId, device, status } = {}) {
      expire();
      return rules.listTask({
        ...(jobId === undefined ? {} : { jobId }),
        ...(device === undefined ? {} : { device }),
        ...(status === undefined ? {} : { status }),
      });
    },
    subscription,
  };
}
