// runJobs with a fake device in virtual time: what makes it take a task again, and what stops one.
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createJobs } from '../../lib/alink/createJobs';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import { topics } from '../support/fakeAlinkDevice';
import { fakeCloud, task } from '../support/fakeJobsCloud';

const connected = of<ConnectionState>({ status: 'connected', sessionPresent: false });

describe('runJobs', () => {
  let scheduler: TestScheduler;
  beforeEach(() => (scheduler = new TestScheduler((a, e) => expect(a).toEqual(e))));

  it('should not take again from $next a task whose report the cloud refused, though $next still gives it', () => {
    scheduler.run(({ flush }) => {
      const cloud = fakeCloud(
        scheduler,
        (topic, params) =>
          topic === topics.jobGet
            ? { data: { task } }
            : params['status'] === 'SUCCEEDED'
              ? { code: 400 }
              : {},
        connected,
      );
      let runs = 0;
      const outcomes: string[] = [];
      const running = createJobs(cloud.device)
        .run(() => ((runs += 1), [50]))
        .subscribe((o) => outcomes.push(o._tag));
      scheduler.schedule(() => running.unsubscribe(), 1000);
      flush();
      expect(runs).toBe(1);
      expect(outcomes).toEqual(['UpdateFailed']);
    });
  });

  it('should take a task again after a report that got no answer, once $next gives it', () => {
    scheduler.run(({ flush }) => {
      let silent = true;
      const cloud = fakeCloud(
        scheduler,
        (topic, params) => {
          if (topic === topics.jobGet) return { data: { task } };
          // The first SUCCEEDED report goes unanswered; the next one is taken.
          if (params['status'] === 'SUCCEEDED' && silent) return ((silent = false), undefined);
          return {};
        },
        connected,
      );
      let runs = 0;
      const outcomes: string[] = [];
      const running = createJobs(cloud.device, { timeoutMs: 10 })
        .run(() => ((runs += 1), [50]))
        .subscribe((o) => outcomes.push(o._tag));
      scheduler.schedule(() => running.unsubscribe(), 100);
      flush();
      expect(runs).toBe(2);
      expect(outcomes.slice(0, 2)).toEqual(['UpdateFailed', 'Succeeded']);
    });
  });

  it.each<[string, unknown]>([
    ['""', ''],
    ['null', null],
  ])('should stop the running task on a CANCELLED push whose jobDocument is %s', (_, empty) => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const cloud = fakeCloud(scheduler, (topic) =>
        topic === topics.jobGet ? { data: { taskId: '$next' } } : {},
      );
      const jobs = createJobs(cloud.device);
      scheduler.schedule(
        () => cloud.push(topics.jobNotify, { id: '1', version: '1.0', params: { task } }),
        1,
      );
      const cancelled = { taskId: 't1', status: 'CANCELLED', jobDocument: empty, jobFile: empty };
      scheduler.schedule(
        () => cloud.push(topics.jobNotify, { id: '2', version: '1.0', params: { task: cancelled } }),
        5,
      );
      const work = cold<number>('-');
      expectObservable(
        jobs.run(() => work),
        '^ 20ms !',
      ).toBe('-----a', {
        a: expect.objectContaining({ _tag: 'Stopped', status: 'CANCELLED' }),
      });
      expectSubscriptions(work.subscriptions).toBe('--^--!');
      flush();
      const replies = cloud.requests
        .filter((r) => r.topic === topics.jobNotifyReply)
        .map((r) => r.json['code']);
      expect(replies).toEqual([200, 200]);
    });
  });
});
