import type { DeviceIdentity } from '../identity';
import { JOB_STATUSES, type JobStatus } from '../protocol';
import type { Action, ActionContext } from './cloudApiActions';
import { CloudApiError, integer, jsonObject, optional, required, type ApiParams } from './cloudApiParams';
import type { CloudJob, CloudTask } from './cloudJobs';

// The job actions of the server API. The codes for an unknown job or task are unverified (the API pages list
// only the generic codes); the other failures are the generic ones.

const invalid = (message: string) => new CloudApiError('iot.common.InvalidFormattedParameter', message, 400);

function failure(error: unknown): never {
  const e = error instanceof Error ? error : new Error(String(error));
  const codes: Record<string, string> = {
    JobNotFoundError: 'iot.job.JobNotExist',
    JobTaskNotFoundError: 'iot.job.TaskNotExist',
    DeviceNotFoundError: 'iot.device.NotExistedDevice',
    TypeError: 'iot.common.InvalidFormattedParameter',
  };
  throw new CloudApiError(codes[e.name] ?? 'iot.system.SystemException', e.message);
}

const call = <A>(run: () => A): A => {
  try {
    return run();
  } catch (error) {
    return failure(error);
  }
};

/** `TargetConfig`: `DEVICE_LIST` with `targetDevices`, or `PRODUCT_KEY` with `targetProduct` (every device of it). */
function targetsOf(params: ApiParams, context: ActionContext): DeviceIdentity[] {
  const config = jsonObject(params, 'TargetConfig');
  const { targetType, targetDevices, targetProduct } = config;
  if (targetType === 'PRODUCT_KEY') {
    const product = context.products.find((p) => p.productKey === targetProduct);
    if (product === undefined)
      throw new CloudApiError(
        'iot.prod.NotExistedProduct',
        `product ${String(targetProduct)} does not exist`,
      );
    return product.devices.map(({ deviceName }) => ({ productKey: product.productKey, deviceName }));
  }
  if (targetType !== 'DEVICE_LIST')
    throw invalid('TargetConfig.targetType must be DEVICE_LIST or PRODUCT_KEY (the emulator has no groups)');
  const listed = Array.isArray(targetDevices) ? (targetDevices as unknown[]) : [];
  const devices = listed.map((d) => d as { productKey?: unknown; deviceName?: unknown });
  if (
    devices.length === 0 ||
    devices.some((d) => typeof d.productKey !== 'string' || typeof d.deviceName !== 'string')
  )
    throw invalid('TargetConfig.targetDevices must list {productKey, deviceName}');
  return devices.map((d) => ({ productKey: String(d.productKey), deviceName: String(d.deviceName) }));
}

/** `TimeoutConfig.inProgressTimeoutInMinutes`, in ms. */
function timeoutOf(params: ApiParams): number | undefined {
  if (optional(params, 'TimeoutConfig') === undefined) return undefined;
  const minutes = jsonObject(params, 'TimeoutConfig')['inProgressTimeoutInMinutes'];
  if (minutes === undefined) return undefined;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1)
    throw invalid('TimeoutConfig.inProgressTimeoutInMinutes must be a whole number of minutes');
  return minutes * 60_000;
}

const utc = (ms: number) => new Date(ms).toISOString();

const jobFields = (job: CloudJob) => ({
  JobId: job.jobId,
  JobName: job.jobName,
  Type: 'CUSTOM_JOB',
  Status: job.status,
  ...(job.description === undefined ? {} : { Description: job.description }),
  JobDocument: JSON.stringify(job.jobDocument),
  TargetConfig: JSON.stringify({ targetType: 'DEVICE_LIST', targetDevices: job.targetDevices }),
  ...(job.inProgressTimeoutMs === undefined
    ? {}
    : { TimeoutConfig: JSON.stringify({ inProgressTimeoutInMinutes: job.inProgressTimeoutMs / 60_000 }) }),
  ...(job.jobFile === undefined ? {} : { JobFile: job.jobFile }),
  UtcCreate: utc(job.createdAt),
});

const taskFields = (task: CloudTask) => ({
  TaskId: task.taskId,
  JobId: task.jobId,
  JobName: task.jobName,
  ProductKey: task.productKey,
  DeviceName: task.deviceName,
  Status: task.status,
  Progress: String(task.progress),
  ...(task.statusDetails === undefined ? {} : { StatusDetail: JSON.stringify(task.statusDetails) }),
  ...(task.message === undefined ? {} : { Message: task.message }),
  UtcQueueTime: utc(task.queuedAt),
  UtcModified: utc(task.modifiedAt),
});

/** The job actions: `CreateJob` (custom jobs only), `QueryJob`, `CancelJob`, `QueryTask`, `ListTask`. */
export const CLOUD_API_JOB_ACTIONS: Readonly<Record<string, Action>> = {
  async CreateJob(params, context) {
    const jobName = required(params, 'JobName');
    const type = required(params, 'Type');
    if (type !== 'CUSTOM_JOB')
      throw invalid(`the emulator runs custom jobs (Type CUSTOM_JOB) only, not ${type}`);
    const jobDocument = jsonObject(params, 'JobDocument');
    const targetDevices = targetsOf(params, context);
    const inProgressTimeoutMs = timeoutOf(params);
    const description = optional(params, 'Description');
    const job = await context.emulator
      .createJob({ jobName, jobDocument, targetDevices, inProgressTimeoutMs, description })
      .catch(failure);
    return { JobId: job.jobId, JobName: job.jobName };
  },

  async QueryJob(params, context) {
    return { Data: jobFields(call(() => context.emulator.queryJob(required(params, 'JobId')))) };
  },

  async CancelJob(params, context) {
    await context.emulator.cancelJob(required(params, 'JobId')).catch(failure);
    return {};
  },

  async QueryTask(params, context) {
    return { Data: taskFields(call(() => context.emulator.queryTask(required(params, 'TaskId')))) };
  },

  /** Pages of `Limit` tasks (default 10, at most 100); `NextToken` is where the next page starts. */
  async ListTask(params, context) {
    const jobId = required(params, 'JobId');
    call(() => context.emulator.queryJob(jobId));
    const status = optional(params, 'Status');
    if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status))
      throw invalid(`Status must be one of ${JOB_STATUSES.join(', ')}`);
    const limit = integer(params, 'Limit', 1, 100, 10);
    const start = integer(params, 'NextToken', 0, Number.MAX_SAFE_INTEGER, 0);
    const all = context.emulator.listTask({
      jobId,
      ...(status === undefined ? {} : { status: status as JobStatus }),
    });
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? { NextToken: String(start + limit) } : {};
    return { Data: { ...next, Data: { Task: page.map(taskFields) } } };
  },
};
