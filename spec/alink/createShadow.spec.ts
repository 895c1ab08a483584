// Marble specs of the shadow on a fake device: the desired stream across a reconnect, and the request queue.
import * as E from 'fp-ts/Either';
import { TestScheduler } from 'rxjs/testing';
import { createShadow } from '../../lib/alink/createShadow';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const states: Record<string, ConnectionState> = {
  c: { status: 'connected', sessionPresent: false },
  r: { status: 'reconnecting', attempt: 1, delayMs: 10 },
};

const got = (desired: Record<string, unknown>, version: number) =>
  inbound(topics.shadowGet, {
    method: 'reply',
    payload: { status: 'success', state: { desired, reported: { a: 0 } }, metadata: {} },
    version,
    timestamp: 1,
  });
const control = (desired: Record<string, unknown>, version: number) =>
  inbound(topics.shadowGet, {
    method: 'control',
    payload: { status: 'success', state: { desired } },
    version,
    timestamp: 1,
  });

describe('createShadow', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should emit the desired state of the shadow fetched at each connect, and each push between', () => {
    scheduler.run(({ hot, expectObservable }) => {
      // prettier-ignore
      const state =   hot('c-------r-c----', states);
      // prettier-ignore
      const replies = hot('--a--b------d--', { a: got({ a: 1 }, 3), b: control({ a: 2 }, 4), d: got({ a: 3 }, 6) });
      const { device, calls, sent } = fakeAlinkDevice({ state, observed: () => replies });
      const shadow = createShadow(device);
      // prettier-ignore
      expectObservable(shadow.desired$).toBe('--a--b------d--', {
        a: E.right({ desired: { a: 1 }, reported: { a: 0 }, version: 3, source: 'get' }),
        b: E.right({ desired: { a: 2 }, version: 4, source: 'control' }),
        d: E.right({ desired: { a: 3 }, reported: { a: 0 }, version: 6, source: 'get' }),
      });
      scheduler.flush();
      // One get at each connect, none while reconnecting.
      expect(calls.filter((c) => c.startsWith('publish'))).toEqual([
        `publish ${topics.shadowUpdate}`,
        `publish ${topics.shadowUpdate}`,
      ]);
      expect(sent.map((m) => JSON.parse(String(m.payload)))).toEqual([{ method: 'get' }, { method: 'get' }]);
      expect(shadow.version).toBe(6);
    });
  });

  it('should emit nothing for a shadow without a desired state, and a failure for a fetch that timed out', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const empty = inbound(topics.shadowGet, {
        method: 'reply',
        payload: { status: 'success', state: {} },
        version: 1,
      });
      // prettier-ignore
      const state =   hot('c---r-c', states);
      const replies = hot('-a-----', { a: empty });
      const { device } = fakeAlinkDevice({ state, observed: () => replies });
      const shadow = createShadow(device, { timeoutMs: 5 });
      expectObservable(shadow.desired$, '^ 20ms !').toBe('----------- a', {
        a: E.left({ _tag: 'TimeoutFailure', topic: topics.shadowUpdate, timeoutMs: 5 }),
      });
    });
  });

  it('should send one request at a time and take the next reply for each, with the versions it saw', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const replies = hot('--a--b', {
        a: inbound(topics.shadowGet, {
          method: 'reply',
          payload: { status: 'success', version: 8 },
          timestamp: 1,
        }),
        b: inbound(topics.shadowGet, {
          method: 'reply',
          payload: { status: 'error', content: { errorcode: 409, errormessage: 'version conflict' } },
        }),
      });
      const { device, sent } = fakeAlinkDevice({ observed: () => replies });
      const shadow = createShadow(device);
      expectObservable(shadow.update({ temp: 21 }, { version: 8 })).toBe('--(a|)', { a: E.right(8) });
      expectObservable(shadow.update({ temp: 22 })).toBe('-----(b|)', {
        b: E.left({
          _tag: 'ShadowReplyFailure',
          topic: topics.shadowUpdate,
          code: 409,
          message: 'version conflict',
        }),
      });
      scheduler.flush();
      // The second went after the first's reply, with the version after the one it saw.
      expect(sent.map((m) => JSON.parse(String(m.payload)))).toEqual([
        { method: 'update', state: { reported: { temp: 21 } }, version: 8 },
        { method: 'update', state: { reported: { temp: 22 } }, version: 9 },
      ]);
    });
  });

  it('should write clears and deletes as the platform has them', () => {
    scheduler.run(({ hot }) => {
      const ok = (version: number) =>
        inbound(topics.shadowGet, { method: 'reply', payload: { status: 'success', version } });
      const replies = hot('-a-b-c-d', { a: ok(1), b: ok(2), c: ok(3), d: ok(0) });
      const { device, sent } = fakeAlinkDevice({ observed: () => replies });
      const shadow = createShadow(device);
      shadow.clearDesired().subscribe();
      shadow.clearDesired(['color']).subscribe();
      shadow.delete(['temp', 'mode']).subscribe();
      shadow.clear().subscribe();
      scheduler.flush();
      expect(sent.map((m) => JSON.parse(String(m.payload)))).toEqual([
        { method: 'update', state: { desired: 'null' }, version: 1 },
        { method: 'update', state: { desired: { color: 'null' } }, version: 2 },
        { method: 'delete', state: { reported: { temp: 'null', mode: 'null' } }, version: 3 },
        { method: 'update', state: { reported: 'null' }, version: -1 },
      ]);
      expect(shadow.version).toBe(0);
    });
  });
});
