import { NEVER, of, Subject, throwError, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { InboundMessage } from '../../lib/connection/messages';
import { ReplyError } from '../../lib/alink/ReplyError';
import { serveLifecycle, type LifecycleNotice } from '../../lib/alink/serveLifecycle';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const notice = (topic: string, id: string, method: string) =>
  inbound(topic, { id, version: '1.0', params: {}, method });

describe('serveLifecycle', () => {
  it('should subscribe the three topics and answer each notice 200 on its _reply once the handler completes', () => {
    const requests = {
      [topics.disable]: new Subject<InboundMessage>(),
      [topics.enable]: new Subject<InboundMessage>(),
      [topics.delete]: new Subject<InboundMessage>(),
    };
    const { device, calls, sent } = fakeAlinkDevice({
      observed: (filter) => requests[filter] ?? NEVER,
    });
    const notices: LifecycleNotice['command'][] = [];
    const outcomes: ServeOutcome[] = [];
    serveLifecycle(device, ({ command }) => of(notices.push(command))).subscribe((o) => outcomes.push(o));
    requests[topics.disable]!.next(notice(topics.disable, '1', 'thing.disable'));
    requests[topics.enable]!.next(notice(topics.enable, '2', 'thing.enable'));
    requests[topics.delete]!.next(notice(topics.delete, '3', 'thing.delete'));
    expect(calls.slice(0, 3)).toEqual([
      `observe ${topics.disable} qos 1`,
      `observe ${topics.enable} qos 1`,
      `observe ${topics.delete} qos 1`,
    ]);
    expect(notices).toEqual(['disable', 'enable', 'delete']);
    expect(sent.map((m) => [m.topic, JSON.parse(String(m.payload))])).toEqual([
      [topics.disableReply, { id: '1', code: 200, data: {} }],
      [topics.enableReply, { id: '2', code: 200, data: {} }],
      [topics.deleteReply, { id: '3', code: 200, data: {} }],
    ]);
    expect(outcomes.map((o) => [o._tag, o.id])).toEqual([
      ['Answered', '1'],
      ['Answered', '2'],
      ['Answered', '3'],
    ]);
  });

  it("should answer with a failing handler's code, and go on serving", () => {
    const disable = new Subject<InboundMessage>();
    const { device, sent } = fakeAlinkDevice({
      observed: (filter) => (filter === topics.disable ? disable : NEVER),
    });
    const outcomes: ServeOutcome[] = [];
    let calls = 0;
    serveLifecycle(device, () =>
      calls++ === 0 ? throwError(() => new ReplyError(100001, 'still busy')) : of(null),
    ).subscribe((o) => outcomes.push(o));
    disable.next(notice(topics.disable, '5', 'thing.disable'));
    disable.next(notice(topics.disable, '6', 'thing.disable'));
    expect(sent.map((m) => JSON.parse(String(m.payload)))).toEqual([
      { id: '5', code: 100001, data: {}, message: 'still busy' },
      { id: '6', code: 200, data: {} },
    ]);
    expect(outcomes.map((o) => o._tag)).toEqual(['Failed', 'Answered']);
  });

  it('should not answer after the deadline, in virtual time', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const { device } = fakeAlinkDevice({
        observed: (filter): Observable<InboundMessage> =>
          filter === topics.delete ? cold('a', { a: notice(topics.delete, '7', 'thing.delete') }) : NEVER,
      });
      const outcome$ = serveLifecycle(device, () => timer(9000), { deadlineMs: 8000 });
      expectObservable(outcome$, '^ 8001ms !').toBe('8000ms a', {
        a: { _tag: 'Late', topic: topics.delete, id: '7', deadlineMs: 8000 },
      });
    });
  });
});
