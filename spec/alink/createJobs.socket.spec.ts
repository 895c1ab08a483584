// Device jobs from both ends: a device's createJobs against the emulator, which keeps the jobs and each
// device's tasks.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, map, NEVER, take, timer, toArray } from 'rxjs';
import { createJobs } from '../../lib/alink/createJobs';
import type { AlinkDevice } from '../../lib/alink/AlinkDevice';
import type { Emulator, EmulatorEvent } from '../../lib/emulator';
import { connected, emulatorDevice, type EmulatorDevice } from '../support/emulatorDevice';
import { gatewayEmulator, SENSOR } from '../support/gatewayEmulator';

const subscribed = (cloud: Emulator, topic: string) =>
  firstValueFrom(cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(topic))));

/** The statuses the cloud reports of a task, in order. */
function statusesOf(cloud: Emulator) {
  const seen: string[] = [];
  cloud.events$
    .pipe(filter((e): e is Extract<EmulatorEvent, { type: 'job' }> => e.type === 'job'))
    .subscribe((e) => seen.push(`${e.status} ${e.progress}`));
  return seen;
}

describe('createJobs against the emulator', () => {
  let rig: EmulatorDevice;
  afterEach(() => rig.close());

  it('should hear a job created, answer the notify, report progress and success, the cloud seeing each state', async () => {
    rig = await emulatorDevice();
    const { cloud, device } = rig;
    const seen = statusesOf(cloud);
    const replies = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === device.topics.jobNotifyReply)),
    );
    const jobs = createJobs(device);
    const pushed = firstValueFrom(jobs.notifications$);
    await subscribed(cloud, device.topics.jobNotify);
    const job = await cloud.createJob({ jobDocument: { firmware: '2.0' }, targetDevices: [device] });
    const task = await pushed;
    if (E.isLeft(task)) throw new Error(task.left.messages.join('; '));
    expect(task.right).toEqual({
      taskId: expect.any(String),
      status: 'SENT',
      jobDocument: { firmware: '2.0' },
    });
    expect(JSON.parse(String((await replies).payload))).toMatchObject({ code: 200, data: {} });
    const { taskId } = task.right;
    expect(await lastValueFrom(jobs.get('$next'))).toEqual(E.right(task.right));
    expect(await lastValueFrom(jobs.list())).toEqual(E.right([{ taskId, status: 'SENT' }]));
    const update = await lastValueFrom(jobs.update(taskId, { status: 'IN_PROGRESS', progress: 50 }));
    expect(E.isRight(update) && update.right.data).toEqual({ taskId });
    expect(cloud.queryTask(taskId)).toMatchObject({ status: 'IN_PROGRESS', progress: 50 });
    await lastValueFrom(
      jobs.update(taskId, { status: 'SUCCEEDED', progress: 100, statusDetails: { took: '3s' } }),
    );
    expect(cloud.queryTask(taskId)).toMatchObject({
      status: 'SUCCEEDED',
      progress: 100,
      statusDetails: { took: '3s' },
    });
    expect(cloud.queryJob(job.jobId).status).toBe('COMPLETED');
    expect(seen).toEqual(['QUEUED 0', 'SENT 0', 'IN_PROGRESS 50', 'SUCCEEDED 100']);
    expect(await lastValueFrom(jobs.get(taskId))).toEqual(
      E.right({ taskId, status: 'SUCCEEDED', jobDocument: {} }),
    );
    expect(await lastValueFrom(jobs.update(taskId, { status: 'FAILED' }))).toEqual(
      E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 460 })),
    );
  });

  it('should run a pushed task, reporting each progress, until it succeeds', async () => {
    rig = await emulatorDevice();
    const { cloud, device } = rig;
    const seen = statusesOf(cloud);
    const outcome = firstValueFrom(
      createJobs(device).run(() =>
        timer(0, 20).pipe(
          map((i) => (i + 1) * 25),
          take(3),
        ),
      ),
    );
    await subscribed(cloud, device.topics.jobNotify);
    await cloud.createJob({ jobDocument: { firmware: '2.0' }, targetDevices: [device] });
    expect(await outcome).toMatchObject({ _tag: 'Succeeded', task: { status: 'SENT' } });
    expect(seen).toEqual([
      'QUEUED 0',
      'SENT 0',
      'IN_PROGRESS 0',
      'IN_PROGRESS 25',
      'IN_PROGRESS 50',
      'IN_PROGRESS 75',
      'SUCCEEDED 100',
    ]);
  });

  it('should stop a running task when the cloud cancels its job', async () => {
    rig = await emulatorDevice();
    const { cloud, device } = rig;
    let started = (): void => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const outcomes = firstValueFrom(
      createJobs(device).run(() => {
        started();
        return NEVER;
      }),
    );
    await subscribed(cloud, device.topics.jobNotify);
    const job = await cloud.createJob({ jobDocument: {}, targetDevices: [device] });
    const inProgress = (await firstValueFrom(
      cloud.events$.pipe(filter((e) => e.type === 'job' && e.status === 'IN_PROGRESS')),
    )) as Extract<EmulatorEvent, { type: 'job' }>;
    await running;
    await cloud.cancelJob(job.jobId);
    expect(await outcomes).toMatchObject({
      _tag: 'Stopped',
      status: 'CANCELLED',
      task: { taskId: inProgress.taskId },
    });
    expect(cloud.queryTask(inProgress.taskId).status).toBe('CANCELLED');
  });

  it('should take a task queued while it was offline with $next once it has reconnected', async () => {
    rig = await emulatorDevice({}, { reconnect: { initialDelayMs: 300, maxDelayMs: 300, jitter: 'none' } });
    const { cloud, device } = rig;
    const outcome = firstValueFrom(createJobs(device).run(() => [50]));
    await subscribed(cloud, device.topics.jobNotify);
    await cloud.disconnect(device);
    const job = await cloud.createJob({ jobDocument: { n: 1 }, targetDevices: [device] });
    const [task] = cloud.listTask({ jobId: job.jobId });
    expect(task?.status).toBe('QUEUED');
    const asked = firstValueFrom(cloud.received$.pipe(filter((m) => m.topic === device.topics.jobGet)));
    await connected(device);
    expect(JSON.parse(String((await asked).payload))).toMatchObject({ params: { taskId: '$next' } });
    expect(await outcome).toEqual({
      _tag: 'Succeeded',
      task: { taskId: task?.taskId, status: 'QUEUED', jobDocument: { n: 1 } },
    });
    expect(cloud.queryTask(task!.taskId)).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
  });
});

describe('createJobs for a sub-device', () => {
  it("should run a sub-device's tasks through its gateway, unchanged", async () => {
    const rig = await gatewayEmulator();
    try {
      const sensor: AlinkDevice = await rig.loggedIn();
      const jobs = createJobs(sensor);
      const outcomes = firstValueFrom(jobs.run(() => [40, 80]).pipe(take(1), toArray()));
      await subscribed(rig.cloud, sensor.topics.jobNotify);
      const job = await rig.cloud.createJob({ jobDocument: { reboot: true }, targetDevices: [SENSOR] });
      expect(await outcomes).toEqual([
        {
          _tag: 'Succeeded',
          task: expect.objectContaining({ status: 'SENT', jobDocument: { reboot: true } }),
        },
      ]);
      const [task] = rig.cloud.listTask({ jobId: job.jobId, device: SENSOR });
      expect(task).toMatchObject({
        productKey: SENSOR.productKey,
        deviceName: SENSOR.deviceName,
        status: 'SUCCEEDED',
      });
      expect(await lastValueFrom(jobs.list())).toEqual(E.right([]));
    } finally {
      await rig.close();
    }
  });
});
