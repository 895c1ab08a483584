import * as E from 'fp-ts/Either';
import { from, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createJobs } from '../../lib/alink/createJobs';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import { topics } from '../support/fakeAlinkDevice';
import { fakeCloud, task } from '../support/fakeJobsCloud';

describe('createJobs', () => {
  let scheduler: TestScheduler;
  beforeEach(() => (scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))));

  const connected = of<ConnectionState>({ status: 'connected', sessionPresent: false });
  const updates = (cloud: ReturnType<typeof fakeCloud>) =>
    cloud.requests.filter((r) => r.topic === topics.jobUpdate).map((r) => r.json['params']);

  it('should ask for $next as {id, version, params} with no method and no sys, and read the task', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const cloud = fakeCloud(scheduler, () => ({ data: { task } }));
      expectObservable(createJobs(cloud.device).get('$next')).toBe('-(a|)', { a: E.right(task) });
      flush();
      expect(cloud.requests).toEqual([
        {
          topic: topics.jobGet,
          json: { id: expect.stringMatching(/^\d+$/), version: '1.0', params: { taskId: '$next' } },
        },
      ]);
      expect(cloud.calls).toEqual([`observe ${topics.jobGetReply} qos 1`, `publish ${topics.jobGet}`]);
    });
  });

  it('should read {taskId} alone as no task, and send the version it is given', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const cloud = fakeCloud(scheduler, (_topic, params) => ({ data: { taskId: params['taskId'] } }));
      expectObservable(createJobs(cloud.device, { version: '1.0.0' }).get('t9')).toBe('-(a|)', {
        a: E.right(undefined),
      });
      flush();
      expect(cloud.requests[0]?.json).toMatchObject({ version: '1.0.0', params: { taskId: 't9' } });
    });
  });

  it.each<[string, unknown, unknown]>([
    [
      'a list',
      { tasks: [{ taskId: 't1', status: 'QUEUED' }] },
      E.right([{ taskId: 't1', status: 'QUEUED' }]),
    ],
    ['an empty list', { taskId: '$list' }, E.right([])],
    [
      'data that does not fit',
      { tasks: [{ taskId: 't1' }] },
      E.left(expect.objectContaining({ _tag: 'DecodeError' })),
    ],
  ])('should list the tasks ($list) from %s', (_, data, expected) => {
    scheduler.run(({ expectObservable, flush }) => {
      const cloud = fakeCloud(scheduler, () => ({ data }));
      expectObservable(createJobs(cloud.device).list()).toBe('-(a|)', { a: expected });
      flush();
      expect(cloud.requests[0]?.json['params']).toEqual({ taskId: '$list' });
    });
  });

  it('should give a TimeoutFailure when no reply comes in time', () => {
    scheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(scheduler, () => undefined);
      const failure = E.left(expect.objectContaining({ _tag: 'TimeoutFailure' }));
      expectObservable(createJobs(cloud.device).get('t1')).toBe('10000ms (a|)', { a: failure });
      expectObservable(createJobs(cloud.device, { timeoutMs: 500 }).list()).toBe('500ms (a|)', {
        a: failure,
      });
    });
  });

  it('should update a task with the fields given, and give a refusal such as 71012 as a ReplyFailure', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const cloud = fakeCloud(scheduler, (_topic, params) =>
        params['statusDetails'] === undefined ? { data: { taskId: params['taskId'] } } : { code: 71012 },
      );
      const jobs = createJobs(cloud.device);
      expectObservable(jobs.update('t1', { status: 'IN_PROGRESS', progress: 40 })).toBe('-(a|)', {
        a: E.right(expect.objectContaining({ code: 200, data: { taskId: 't1' } })),
      });
      expectObservable(jobs.update('t1', { status: 'FAILED', statusDetails: { reason: 'disk' } })).toBe(
        '-(a|)',
        {
          a: E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 71012, topic: topics.jobUpdate })),
        },
      );
      flush();
      expect(updates(cloud)).toEqual([
        { taskId: 't1', status: 'IN_PROGRESS', progress: 40 },
        { taskId: 't1', status: 'FAILED', statusDetails: { reason: 'disk' } },
      ]);
    });
  });

  it.each([101, -1, 2.5])(
    'should refuse a progress of %p with a RangeError before anything is sent',
    (progress) => {
      const cloud = fakeCloud(scheduler, () => ({}));
      expect(() => createJobs(cloud.device).update('t1', { status: 'IN_PROGRESS', progress })).toThrow(
        RangeError,
      );
      expect(cloud.requests).toEqual([]);
    },
  );

  it('should read each pushed task and answer it 200, or 460 when it does not decode, once for every observer', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const cloud = fakeCloud(scheduler, () => undefined);
      const jobs = createJobs(cloud.device);
      scheduler.schedule(
        () => cloud.push(topics.jobNotify, { id: '7', version: '1.0', params: { task } }),
        1,
      );
      scheduler.schedule(
        () => cloud.push(topics.jobNotify, { id: '8', params: { task: { taskId: 't2' } } }),
        2,
      );
      const expected = {
        a: E.right(task),
        b: E.left(expect.objectContaining({ _tag: 'DecodeError', topic: topics.jobNotify })),
      };
      expectObservable(jobs.notifications$, '^ 4ms !').toBe('-ab', expected);
      expectObservable(jobs.notifications$, '^ 4ms !').toBe('-ab', expected);
      flush();
      expect(cloud.calls.filter((c) => c.startsWith('observe'))).toEqual([
        `observe ${topics.jobNotify} qos 1`,
      ]);
      expect(cloud.requests).toEqual([
        { topic: topics.jobNotifyReply, json: { id: '7', code: 200, data: {} } },
        { topic: topics.jobNotifyReply, json: expect.objectContaining({ id: '8', code: 460 }) },
      ]);
    });
  });

  describe('run', () => {
    it('should take $next, report it IN_PROGRESS, each progress, then SUCCEEDED, and ask for the next', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
        let next: unknown = { task };
        const cloud = fakeCloud(
          scheduler,
          (topic) => {
            if (topic !== topics.jobGet) return {};
            const data = next;
            next = { taskId: '$next' };
            return { data };
          },
          connected,
        );
        const work = cold('-a-b|', { a: 30, b: { progress: 60, statusDetails: { step: 'flash' } } });
        const seen: unknown[] = [];
        const handler = (given: unknown) => (seen.push(given), work);
        expectObservable(createJobs(cloud.device).run(handler)).toBe('7ms a', {
          a: { _tag: 'Succeeded', task },
        });
        expectSubscriptions(work.subscriptions).toBe('--^---!');
        flush();
        expect(seen).toEqual([task]);
        expect(updates(cloud)).toEqual([
          { taskId: 't1', status: 'IN_PROGRESS', progress: 0 },
          { taskId: 't1', status: 'IN_PROGRESS', progress: 30 },
          { taskId: 't1', status: 'IN_PROGRESS', progress: 60, statusDetails: { step: 'flash' } },
          { taskId: 't1', status: 'SUCCEEDED', progress: 100 },
        ]);
        expect(cloud.requests.filter((r) => r.topic === topics.jobGet)).toHaveLength(2);
      });
    });

    it('should ask $next again at a reconnect, in place of an ask still waiting for its reply', () => {
      scheduler.run(({ cold, expectObservable, flush }) => {
        let asks = 0;
        const cloud = fakeCloud(
          scheduler,
          (topic) => (topic !== topics.jobGet ? {} : (asks += 1) === 1 ? undefined : { data: { task } }),
          cold<ConnectionState>('a---a', { a: { status: 'connected', sessionPresent: false } }),
        );
        expectObservable(createJobs(cloud.device).run(() => [])).toBe('-------a', {
          a: { _tag: 'Succeeded', task },
        });
        flush();
        expect(asks).toBe(3);
      });
    });

    it('should report FAILED with the message of a handler that errors', () => {
      scheduler.run(({ cold, expectObservable, flush }) => {
        const cloud = fakeCloud(scheduler, (topic) =>
          topic === topics.jobGet ? { data: { taskId: '$next' } } : {},
        );
        const jobs = createJobs(cloud.device);
        scheduler.schedule(() => cloud.push(topics.jobNotify, { id: '7', params: { task } }), 1);
        const error = new Error('flash failed');
        expectObservable(jobs.run(() => cold('-#', {}, error))).toBe('----a', {
          a: { _tag: 'Failed', task, error },
        });
        flush();
        expect(updates(cloud)).toEqual([
          { taskId: 't1', status: 'IN_PROGRESS', progress: 0 },
          { taskId: 't1', status: 'FAILED', statusDetails: { message: 'flash failed' } },
        ]);
      });
    });

    it('should stop a task the cloud cancels, unsubscribing its handler, and not start one cancelled before its turn', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
        const cloud = fakeCloud(scheduler, () => ({}));
        const jobs = createJobs(cloud.device);
        const t2 = { ...task, taskId: 't2' };
        const notify = (at: number, id: string, pushed: object) =>
          scheduler.schedule(() => cloud.push(topics.jobNotify, { id, params: { task: pushed } }), at);
        notify(1, '1', task);
        notify(2, '2', t2);
        notify(5, '3', { taskId: 't2', status: 'CANCELLED' });
        notify(6, '4', { taskId: 't1', status: 'CANCELLED' });
        const work = cold('-a--------|', { a: 10 });
        expectObservable(jobs.run(() => work)).toBe('------(ab)', {
          a: { _tag: 'Stopped', task, status: 'CANCELLED' },
          b: { _tag: 'Stopped', task: t2, status: 'CANCELLED' },
        });
        expectSubscriptions(work.subscriptions).toBe('--^---!');
        flush();
        expect(updates(cloud).map((u) => (u as { taskId: string }).taskId)).toEqual(['t1', 't1']);
      });
    });

    it('should leave a task whose report is refused, and take it again when it is pushed again', () => {
      scheduler.run(({ expectObservable, flush }) => {
        let refuse = true;
        const cloud = fakeCloud(scheduler, () => (refuse ? { code: 460 } : {}));
        const jobs = createJobs(cloud.device);
        scheduler.schedule(() => cloud.push(topics.jobNotify, { id: '1', params: { task } }), 1);
        scheduler.schedule(
          () => ((refuse = false), cloud.push(topics.jobNotify, { id: '2', params: { task } })),
          5,
        );
        expectObservable(jobs.run(() => from([50]))).toBe('--a-----b', {
          a: {
            _tag: 'UpdateFailed',
            task,
            failure: expect.objectContaining({ _tag: 'ReplyFailure', code: 460 }),
          },
          b: { _tag: 'Succeeded', task },
        });
        flush();
        expect(updates(cloud)).toHaveLength(4);
      });
    });
  });
});
