import * as E from 'fp-ts/Either';
import {
  describeErrors,
  isEndedJobStatus,
  JOB_STATUSES,
  JobListData,
  JobNotifyParams,
  jobRequest,
  JobStatus,
  JobTask,
  JobTaskData,
  jobTaskPayload,
  JobUpdateParams,
  jobUpdateParams,
  taskOf,
  tasksOf,
} from '../../lib/protocol';

const file = { fileUrl: 'https://oss.example/job.zip', sign: 'wssxff56dhdsd', signMethod: 'Md5' };

/** The reason a decode gave, or `undefined` when it decoded. */
const reasonOf = (decoded: E.Either<import('io-ts').Errors, unknown>) =>
  E.isLeft(decoded) ? describeErrors(decoded.left).join('; ') : undefined;

describe('JobNotifyParams', () => {
  it("should read the platform's example, the file's signMethod as MD5", () => {
    const params = {
      task: { taskId: 'i5Ks6pF010101', status: 'SENT', jobDocument: {}, jobFile: file },
    };
    expect(JobNotifyParams.decode(params)).toEqual(
      E.right({
        task: {
          taskId: 'i5Ks6pF010101',
          status: 'SENT',
          jobDocument: {},
          jobFile: { ...file, signMethod: 'MD5' },
        },
      }),
    );
  });

  it.each<[string, unknown]>([
    ['absent', undefined],
    ['empty', {}],
    ['null', null],
  ])('should read a job file that is %s as none (a CANCELLED or REMOVED task)', (_, jobFile) => {
    const decoded = JobNotifyParams.decode({ task: { taskId: 't1', status: 'CANCELLED', jobFile } });
    expect(E.isRight(decoded) && decoded.right.task.jobFile).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['an unknown status', { taskId: 't1', status: 'CANCELED' }, 'must be one of QUEUED'],
    ['no taskId', { status: 'SENT' }, 'taskId'],
    ['a document that is an array', { taskId: 't1', status: 'SENT', jobDocument: [] }, 'JSON object'],
    [
      'a file without its URL',
      { taskId: 't1', status: 'SENT', jobFile: { sign: 'x', signMethod: 'Md5' } },
      'fileUrl',
    ],
    [
      'a file signed otherwise',
      { taskId: 't1', status: 'SENT', jobFile: { ...file, signMethod: 'crc' } },
      'MD5',
    ],
  ])('should refuse a task with %s, saying why', (_, task, reason) => {
    expect(reasonOf(JobNotifyParams.decode({ task }))).toContain(reason);
  });
});

describe('JobStatus', () => {
  it.each(JOB_STATUSES)('should take %s', (status) => {
    expect(JobStatus.decode(status)).toEqual(E.right(status));
  });

  it.each<[string, boolean]>([
    ['QUEUED', false],
    ['SENT', false],
    ['IN_PROGRESS', false],
    ['SUCCEEDED', true],
    ['FAILED', true],
    ['REJECTED', true],
    ['CANCELLED', true],
    ['REMOVED', true],
    ['TIMED_OUT', true],
  ])('should count %s as ended: %s', (status, ended) => {
    expect(isEndedJobStatus(status as JobStatus)).toBe(ended);
  });
});

describe('the data of a get_reply', () => {
  const task = { taskId: 't1', status: 'IN_PROGRESS', jobDocument: { firmware: '2.0' } };

  it.each<[string, unknown, JobTask | undefined]>([
    ['a task', { task }, task as JobTask],
    ['none for $next', { taskId: '$next' }, undefined],
    ['none for an id', { taskId: 't9' }, undefined],
  ])('should read %s', (_, data, expected) => {
    const decoded = JobTaskData.decode(data);
    expect(E.map(taskOf)(decoded)).toEqual(E.right(expected));
  });

  it.each<[string, unknown, readonly unknown[]]>([
    [
      'a list',
      {
        tasks: [
          { taskId: 't1', status: 'QUEUED' },
          { taskId: 't2', status: 'SENT' },
        ],
      },
      [
        { taskId: 't1', status: 'QUEUED' },
        { taskId: 't2', status: 'SENT' },
      ],
    ],
    ['an empty list', { taskId: '$list' }, []],
  ])('should read %s of $list', (_, data, expected) => {
    expect(E.map(tasksOf)(JobListData.decode(data))).toEqual(E.right(expected));
  });

  it('should refuse a list whose task has no status', () => {
    expect(reasonOf(JobListData.decode({ tasks: [{ taskId: 't1' }] }))).toContain('must be one of QUEUED');
  });
});

describe('JobUpdateParams', () => {
  it('should take a progress as a number or a string, and statusDetails as an object', () => {
    expect(
      JobUpdateParams.decode({
        taskId: 't1',
        status: 'IN_PROGRESS',
        progress: '88',
        statusDetails: { step: 'flash' },
      }),
    ).toEqual(
      E.right({ taskId: 't1', status: 'IN_PROGRESS', progress: 88, statusDetails: { step: 'flash' } }),
    );
    expect(JobUpdateParams.decode({ taskId: 't1', status: 'SUCCEEDED' })).toEqual(
      E.right({ taskId: 't1', status: 'SUCCEEDED' }),
    );
  });

  it.each<[string, unknown, string]>([
    ['101', 101, 'from 0 to 100'],
    ['-1', -1, 'from 0 to 100'],
    ['a fraction', 2.5, 'whole number'],
    ['text', 'half', 'number'],
  ])('should refuse a progress of %s', (_, progress, reason) => {
    expect(reasonOf(JobUpdateParams.decode({ taskId: 't1', status: 'IN_PROGRESS', progress }))).toContain(
      reason,
    );
  });

  it.each<[string, unknown]>([
    ['a string', ''],
    ['an array', ['x']],
    ['null', null],
  ])('should refuse statusDetails that is %s', (_, statusDetails) => {
    expect(reasonOf(JobUpdateParams.decode({ taskId: 't1', status: 'FAILED', statusDetails }))).toContain(
      'JSON object',
    );
  });

  it('should be what jobUpdateParams writes, with only the fields given', () => {
    expect(jobUpdateParams('t1', 'IN_PROGRESS')).toEqual({ taskId: 't1', status: 'IN_PROGRESS' });
    const params = jobUpdateParams('t1', 'FAILED', 40, { reason: 'disk full' });
    expect(JobUpdateParams.decode(params)).toEqual(E.right(params));
  });
});

describe('jobRequest', () => {
  it('should write {id, version, params} with no method and no sys, version 1.0 unless given', () => {
    expect(jobRequest({ id: '7', params: { taskId: '$next' } })).toEqual({
      id: '7',
      version: '1.0',
      params: { taskId: '$next' },
    });
    expect(jobRequest({ id: '8', params: {}, version: '1.0.0' }).version).toBe('1.0.0');
  });
});

describe('jobTaskPayload', () => {
  it('should write a task that JobTask reads back, the digest method as the platform spells it', () => {
    const task = {
      taskId: 't1',
      status: 'SENT',
      jobDocument: { a: 1 },
      jobFile: { ...file, signMethod: 'MD5' },
    } as const;
    const payload = jobTaskPayload(task);
    expect(payload).toEqual({ ...task, jobFile: file });
    expect(JobTask.decode(payload)).toEqual(E.right(task));
  });

  it('should write an empty document and no file for a task without them', () => {
    expect(jobTaskPayload({ taskId: 't1', status: 'CANCELLED' })).toEqual({
      taskId: 't1',
      status: 'CANCELLED',
      jobDocument: {},
    });
  });
});
