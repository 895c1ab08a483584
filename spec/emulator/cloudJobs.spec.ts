// The emulator's side of device jobs against a raw MQTT.js device: notifies, get and update on the wire with
// their codes, the tasks' states as the cloud's calls and its server API give them, and the job events.
import type { MqttClient } from 'mqtt';
import { filter, firstValueFrom, ReplaySubject, type Observable } from 'rxjs';
import {
  DeviceNotFoundError,
  JobNotFoundError,
  JobTaskNotFoundError,
  type Emulator,
  type EmulatorEvent,
} from '../../lib/emulator';
import { describeEmulatorEvent } from '../../lib/emulator/describeEmulatorEvent';
import { startCloudApi } from '../../lib/emulator/startCloudApi';
import { deviceTopics } from '../../lib/identity';
import { DEV01, DEV02, deviceHarness, products } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const topics = deviceTopics(DEV01);

interface Received {
  readonly topic: string;
  readonly json: {
    id: string;
    code?: number;
    data?: Record<string, unknown>;
    params?: Record<string, unknown>;
  };
}

/** A raw device subscribed to its job topics: `ask` publishes a request and resolves with its reply. */
async function jobDevice(emulator: Emulator) {
  const client: MqttClient = await harness.connectDevice(emulator);
  await client.subscribeAsync('/sys/a1TestPK001/dev01/thing/job/+', { qos: 1 });
  const inbox = new ReplaySubject<Received>();
  client.on('message', (topic, payload) =>
    inbox.next({ topic, json: JSON.parse(String(payload)) as Received['json'] }),
  );
  let next = 0;
  const ask = async (topic: string, params: unknown, version = '1.0') => {
    const id = String((next += 1));
    const reply = firstValueFrom(inbox.pipe(filter((m) => m.topic === `${topic}_reply` && m.json.id === id)));
    await client.publishAsync(topic, JSON.stringify({ id, version, params }), { qos: 1 });
    return (await reply).json;
  };
  const notified = (status: string) =>
    firstValueFrom(
      inbox.pipe(
        filter(
          (m) =>
            m.topic.endsWith('/job/notify') &&
            (m.json.params?.['task'] as { status?: string })?.status === status,
        ),
      ),
    );
  return { client, ask, notified };
}

const jobEvents = (emulator: Emulator): Observable<Extract<EmulatorEvent, { type: 'job' }>> =>
  emulator.events$.pipe(filter((e): e is Extract<EmulatorEvent, { type: 'job' }> => e.type === 'job'));

describe('cloudJobs', () => {
  it('should notify a device online, answer its get and updates, and keep each state', async () => {
    const emulator = await harness.start();
    const events: string[] = [];
    jobEvents(emulator).subscribe((e) => events.push(describeEmulatorEvent(e)));
    const { ask, notified } = await jobDevice(emulator);
    const sent = notified('SENT');
    const job = await emulator.createJob({
      jobName: 'upgrade',
      jobDocument: { firmware: '2.0' },
      targetDevices: [DEV01],
    });
    const notify = await sent;
    const task = notify.json.params?.['task'] as { taskId: string };
    expect(notify.json).toEqual({
      id: expect.stringMatching(/^\d+$/),
      version: '1.0',
      params: { task: { taskId: task.taskId, status: 'SENT', jobDocument: { firmware: '2.0' } } },
    });
    expect(emulator.queryTask(task.taskId)).toMatchObject({ jobId: job.jobId, status: 'SENT', progress: 0 });

    expect(await ask(topics.jobGet, { taskId: '$next' })).toMatchObject({
      code: 200,
      data: { task: { taskId: task.taskId, status: 'SENT', jobDocument: { firmware: '2.0' } } },
    });
    expect(await ask(topics.jobGet, { taskId: '$list' }, '1.0.0')).toMatchObject({
      code: 200,
      data: { tasks: [{ taskId: task.taskId, status: 'SENT' }] },
    });
    const update = (params: Record<string, unknown>) =>
      ask(topics.jobUpdate, { taskId: task.taskId, ...params });
    expect(
      await update({ status: 'IN_PROGRESS', progress: 40, statusDetails: { step: 'download' } }),
    ).toMatchObject({
      code: 200,
      data: { taskId: task.taskId },
    });
    expect(emulator.queryTask(task.taskId)).toMatchObject({
      status: 'IN_PROGRESS',
      progress: 40,
      statusDetails: { step: 'download' },
    });
    expect(await update({ status: 'SUCCEEDED', progress: 100 })).toMatchObject({ code: 200 });
    expect(emulator.queryJob(job.jobId).status).toBe('COMPLETED');
    // Ended: $next has none, $list is empty, the task is still there by its id.
    expect((await ask(topics.jobGet, { taskId: '$next' })).data).toEqual({ taskId: '$next' });
    expect((await ask(topics.jobGet, { taskId: '$list' })).data).toEqual({ taskId: '$list' });
    expect((await ask(topics.jobGet, { taskId: task.taskId })).data).toEqual({
      task: { taskId: task.taskId, status: 'SUCCEEDED', jobDocument: {} },
    });
    expect(events).toEqual([
      `a1TestPK001/dev01 job ${job.jobId} task ${task.taskId} QUEUED (0%)`,
      `a1TestPK001/dev01 job ${job.jobId} task ${task.taskId} SENT (0%)`,
      `a1TestPK001/dev01 updated job ${job.jobId} task ${task.taskId}: IN_PROGRESS (40%)`,
      `a1TestPK001/dev01 updated job ${job.jobId} task ${task.taskId}: SUCCEEDED (100%)`,
    ]);
  });

  it('should refuse statusDetails that is no object with 71012, and a task not its own, a cloud status or an ended task with 460', async () => {
    const emulator = await harness.start();
    const { ask } = await jobDevice(emulator);
    await emulator.createJob({ jobDocument: {}, targetDevices: [DEV01, DEV02] });
    const [mine, theirs] = emulator.listTask();
    const update = (params: Record<string, unknown>) =>
      ask(topics.jobUpdate, { taskId: mine!.taskId, ...params });
    expect(await update({ status: 'IN_PROGRESS', statusDetails: 'text' })).toMatchObject({ code: 71012 });
    expect(await update({ status: 'IN_PROGRESS', progress: 101 })).toMatchObject({ code: 460 });
    expect(await update({ status: 'CANCELLED' })).toMatchObject({ code: 460 });
    expect(await ask(topics.jobUpdate, { taskId: theirs!.taskId, status: 'FAILED' })).toMatchObject({
      code: 460,
    });
    expect((await ask(topics.jobGet, { taskId: theirs!.taskId })).data).toEqual({ taskId: theirs!.taskId });
    expect(emulator.queryTask(mine!.taskId).status).toBe('SENT');
    expect(await update({ status: 'REJECTED', statusDetails: { reason: 'battery low' } })).toMatchObject({
      code: 200,
    });
    expect(await update({ status: 'SUCCEEDED' })).toMatchObject({
      code: 460,
      message: `task ${mine!.taskId} is REJECTED`,
    });
    expect(emulator.queryTask(theirs!.taskId).status).toBe('QUEUED');
  });

  it('should leave a device offline QUEUED, for its $next, and serve the job file with its digest', async () => {
    const emulator = await harness.start();
    await emulator.createJob({
      jobDocument: { run: 'update' },
      targetDevices: [DEV01],
      jobFile: { content: 'firmware bytes', name: 'fw.bin' },
    });
    const [task] = emulator.listTask({ device: DEV01 });
    expect(task?.status).toBe('QUEUED');
    const { ask } = await jobDevice(emulator);
    const reply = await ask(topics.jobGet, { taskId: '$next' });
    const jobFile = (
      reply.data?.['task'] as { jobFile: { fileUrl: string; sign: string; signMethod: string } }
    ).jobFile;
    expect(jobFile).toEqual({
      fileUrl: expect.stringMatching(/^http:/),
      sign: expect.stringMatching(/^[0-9a-f]{32}$/),
      signMethod: 'Md5',
    });
    expect(await (await fetch(jobFile.fileUrl)).text()).toBe('firmware bytes');
    expect(emulator.queryTask(task!.taskId).status).toBe('QUEUED');
  });

  it('should cancel the tasks not yet ended and tell the devices online', async () => {
    const emulator = await harness.start();
    const { ask, notified } = await jobDevice(emulator);
    const job = await emulator.createJob({ jobDocument: {}, targetDevices: [DEV01, DEV02] });
    const [mine, theirs] = emulator.listTask({ jobId: job.jobId });
    await ask(topics.jobUpdate, { taskId: mine!.taskId, status: 'IN_PROGRESS' });
    const cancelled = notified('CANCELLED');
    await emulator.cancelJob(job.jobId);
    expect((await cancelled).json.params).toEqual({
      task: { taskId: mine!.taskId, status: 'CANCELLED', jobDocument: {} },
    });
    expect(emulator.listTask({ jobId: job.jobId }).map((t) => t.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(emulator.queryTask(theirs!.taskId).message).toBe('the job was cancelled');
    expect(emulator.queryJob(job.jobId).status).toBe('CANCELLED');
    expect(await ask(topics.jobUpdate, { taskId: mine!.taskId, status: 'SUCCEEDED' })).toMatchObject({
      code: 460,
    });
    await expect(emulator.cancelJob('job999999')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('should time a task out once IN_PROGRESS past its timeout by the clock', async () => {
    let now = Date.UTC(2026, 11, 4);
    const emulator = await harness.start({ clock: () => now });
    const { ask } = await jobDevice(emulator);
    const job = await emulator.createJob({
      jobDocument: {},
      targetDevices: [DEV01],
      inProgressTimeoutMs: 60_000,
    });
    const [task] = emulator.listTask({ jobId: job.jobId });
    now += 120_000; // queued time does not count
    await ask(topics.jobUpdate, { taskId: task!.taskId, status: 'IN_PROGRESS', progress: 10 });
    now += 59_999;
    expect(emulator.queryTask(task!.taskId).status).toBe('IN_PROGRESS');
    const timedOut = firstValueFrom(jobEvents(emulator).pipe(filter((e) => e.status === 'TIMED_OUT')));
    now += 1;
    expect(emulator.queryTask(task!.taskId)).toMatchObject({ status: 'TIMED_OUT', progress: 10 });
    expect(await timedOut).toMatchObject({ taskId: task!.taskId, jobId: job.jobId });
    expect(await ask(topics.jobUpdate, { taskId: task!.taskId, status: 'SUCCEEDED' })).toMatchObject({
      code: 460,
    });
  });

  it('should report a task timed out by itself, its timer set again while the clock is behind the event loop', async () => {
    // A clock at half the speed of the real one: the first timer fires when the clock says half the timeout.
    const start = Date.now();
    const emulator = await harness.start({ clock: () => start + (Date.now() - start) / 2 });
    const { ask } = await jobDevice(emulator);
    const job = await emulator.createJob({
      jobDocument: {},
      targetDevices: [DEV01],
      inProgressTimeoutMs: 30,
    });
    const [task] = emulator.listTask({ jobId: job.jobId });
    const timedOut = firstValueFrom(jobEvents(emulator).pipe(filter((e) => e.status === 'TIMED_OUT')));
    await ask(topics.jobUpdate, { taskId: task!.taskId, status: 'IN_PROGRESS', progress: 10 });
    // No look at the task meanwhile: only the emulator's own timer can find it.
    expect(await timedOut).toMatchObject({ taskId: task!.taskId, status: 'TIMED_OUT' });
  });

  it('should refuse a job to no device or to an unknown one, and name no job or task it does not have', async () => {
    const emulator = await harness.start();
    await expect(emulator.createJob({ jobDocument: {}, targetDevices: [] })).rejects.toBeInstanceOf(
      TypeError,
    );
    await expect(
      emulator.createJob({
        jobDocument: {},
        targetDevices: [{ productKey: DEV01.productKey, deviceName: 'ghost' }],
      }),
    ).rejects.toBeInstanceOf(DeviceNotFoundError);
    await expect(
      emulator.createJob({ jobDocument: { text: 'x'.repeat(65_536) }, targetDevices: [DEV01] }),
    ).rejects.toThrow('65536 characters');
    expect(emulator.listTask()).toEqual([]);
    expect(() => emulator.queryJob('job1')).toThrow(JobNotFoundError);
    expect(() => emulator.queryTask('t1')).toThrow(JobTaskNotFoundError);
  });

  it('should create, query, list and cancel jobs through the server API', async () => {
    const emulator = await harness.start();
    const api = await startCloudApi(emulator, { products: products! });
    try {
      const { ask } = await jobDevice(emulator);
      const call = async (params: Record<string, string>) => {
        const response = await fetch(api.url, { method: 'POST', body: new URLSearchParams(params) });
        return (await response.json()) as Record<string, unknown>;
      };
      const created = await call({
        Action: 'CreateJob',
        JobName: 'upgrade',
        Type: 'CUSTOM_JOB',
        JobDocument: JSON.stringify({ firmware: '2.0' }),
        TargetConfig: JSON.stringify({ targetType: 'PRODUCT_KEY', targetProduct: DEV01.productKey }),
        TimeoutConfig: JSON.stringify({ inProgressTimeoutInMinutes: 5 }),
      });
      expect(created).toMatchObject({ Success: true, JobId: expect.any(String), JobName: 'upgrade' });
      const JobId = String(created.JobId);
      expect(await call({ Action: 'QueryJob', JobId })).toMatchObject({
        Data: {
          JobId,
          JobName: 'upgrade',
          Type: 'CUSTOM_JOB',
          Status: 'IN_PROGRESS',
          JobDocument: '{"firmware":"2.0"}',
          TimeoutConfig: '{"inProgressTimeoutInMinutes":5}',
        },
      });
      const first = await call({ Action: 'ListTask', JobId, Limit: '1' });
      expect(first).toMatchObject({
        Data: { NextToken: '1', Data: { Task: [{ DeviceName: 'dev01', Status: 'SENT', Progress: '0' }] } },
      });
      const TaskId = (first.Data as { Data: { Task: { TaskId: string }[] } }).Data.Task[0]!.TaskId;
      const second = await call({ Action: 'ListTask', JobId, Limit: '1', NextToken: '1' });
      expect(second).toMatchObject({ Data: { Data: { Task: [{ DeviceName: 'dev02', Status: 'QUEUED' }] } } });
      expect((second.Data as Record<string, unknown>)['NextToken']).toBeUndefined();
      await ask(topics.jobUpdate, {
        taskId: TaskId,
        status: 'IN_PROGRESS',
        progress: 30,
        statusDetails: { a: 1 },
      });
      expect(await call({ Action: 'QueryTask', TaskId })).toMatchObject({
        Data: {
          TaskId,
          JobId,
          Status: 'IN_PROGRESS',
          Progress: '30',
          StatusDetail: '{"a":1}',
          ProductKey: DEV01.productKey,
        },
      });
      expect(await call({ Action: 'CancelJob', JobId })).toMatchObject({ Success: true });
      expect(await call({ Action: 'ListTask', JobId, Status: 'CANCELLED' })).toMatchObject({
        Data: { Data: { Task: [{ Status: 'CANCELLED' }, { Status: 'CANCELLED' }] } },
      });
      expect(await call({ Action: 'QueryTask', TaskId: 'nope' })).toMatchObject({
        Success: false,
        Code: 'iot.job.TaskNotExist',
      });
      expect(await call({ Action: 'CancelJob', JobId: 'nope' })).toMatchObject({
        Success: false,
        Code: 'iot.job.JobNotExist',
      });
      expect(
        await call({
          Action: 'CreateJob',
          JobName: 'x',
          Type: 'INVOKE_SERVICE',
          JobDocument: '{}',
          TargetConfig: '{}',
        }),
      ).toMatchObject({ Success: false, Code: 'iot.common.InvalidFormattedParameter' });
    } finally {
      await api.close();
    }
  });
});
