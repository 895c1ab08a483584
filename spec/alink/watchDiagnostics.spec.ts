import { startWith, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { watchDiagnostics, type DiagnosticMeasurement } from '../../lib/alink/watchDiagnostics';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import type { DevicePacket } from '../../lib/connection/DevicePacket';
import type { SubDeviceLoginEvent } from '../../lib/alink/subDevice';
import { fakeAlinkDevice, topics } from '../support/fakeAlinkDevice';

const idle: ConnectionState = { status: 'idle' };
const refused = new Error('connection refused: not authorized');
const states: Record<string, ConnectionState> = {
  c: { status: 'connecting', attempt: 1 },
  g: { status: 'registering', attempt: 1 },
  C: { status: 'connected', sessionPresent: false },
  r: { status: 'reconnecting', attempt: 2, delayMs: 10 },
  x: { status: 'closed' },
  X: { status: 'closed', error: refused },
};

const bytes = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));
const publish = (
  direction: 'sent' | 'received',
  topic: string,
  json: unknown,
  dup = false,
): DevicePacket => ({
  direction,
  type: 'publish',
  topic,
  qos: 1,
  retain: false,
  dup,
  packetId: 1,
  payload: bytes(json),
  bytes: 1,
});
const request = (id: string, extra: object = {}) =>
  publish('sent', topics.propertyPost, {
    id,
    version: '1.0',
    method: 'thing.event.property.post',
    params: {},
    ...extra,
  });
const reply = (id: string | number) =>
  publish('received', topics.propertyPostReply, { id, code: 200, data: {} });

const packets: Record<string, DevicePacket> = {
  p: { direction: 'sent', type: 'pingreq' },
  P: { direction: 'received', type: 'pingresp' },
  a: request('1'),
  A: reply('1'),
  b: request('2'),
  B: reply(2),
  n: request('3', { sys: { ack: 0 } }),
  l: publish('sent', topics.logPost, { id: '4', version: '1.0', method: 'thing.log.post', params: [] }),
  d: publish('sent', topics.propertyPost, { id: '1', method: 'thing.event.property.post', params: {} }, true),
  u: publish('sent', topics.userTopic('update'), 'not an object'),
  c: request('5'),
  C: reply('5'),
  k: { direction: 'sent', type: 'connect', clientId: 'c', keepalive: 60, clean: true },
  q: { direction: 'received', type: 'puback', packetId: 1 },
  e: publish('sent', topics.eventPost('alarm'), {
    id: '1',
    version: '1.0',
    method: 'thing.event.alarm.post',
    params: {},
  }),
};

const m = (
  item: DiagnosticMeasurement['item'],
  level: DiagnosticMeasurement['level'],
  elapsedMs: number,
  extra: Partial<DiagnosticMeasurement> = {},
): DiagnosticMeasurement => ({
  item,
  level,
  elapsedMs,
  completed: level !== 'fatal' || extra.completed === true,
  ...extra,
});

/** A device whose state$ replays `idle` first, as a device's does, then what the marble says. */
function device(state: Observable<ConnectionState>, packets$?: Observable<DevicePacket>) {
  const fake = fakeAlinkDevice({ state: state.pipe(startWith(idle)) });
  return packets$ === undefined ? fake.device : { ...fake.device, packets$ };
}

const thresholds = { warningMs: 20, fatalMs: 50 };

describe('watchDiagnostics', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should time each connection attempt to its CONNACK, rated by the thresholds', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const state = hot('  -c 9ms C 9ms c 29ms C 9ms c 49ms --', states);
      const expected = '   -- 9ms a 9ms - 29ms b 9ms - 49ms c-';
      const watched = watchDiagnostics(device(state), {
        connect: thresholds,
        heartbeat: false,
        uplink: false,
      });
      expectObservable(watched).toBe(expected, {
        a: m('connect', 'ok', 10),
        b: m('connect', 'warning', 30),
        c: m('connect', 'fatal', 50, { completed: false }),
      });
    });
  });

  it('should rate a failed attempt fatal at once, and time an attempt from connecting again after registering', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const state = hot('  -c 4ms r 9ms g 9ms c 4ms C', states);
      const expected = '   -- 4ms a 9ms - 9ms - 4ms b';
      const watched = watchDiagnostics(device(state), {
        connect: thresholds,
        heartbeat: false,
        uplink: false,
      });
      expectObservable(watched).toBe(expected, {
        a: m('connect', 'fatal', 5, { completed: false }),
        b: m('connect', 'ok', 5),
      });
    });
  });

  it('should rate an attempt that made the device give up fatal, timed to its failure, then complete', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const state = hot('  -c 4ms X', states);
      const expected = '   - 5ms (a|)';
      const watched = watchDiagnostics(device(state), {
        connect: thresholds,
        heartbeat: false,
        uplink: false,
      });
      expectObservable(watched).toBe(expected, { a: m('connect', 'fatal', 5, { completed: false }) });
    });
  });

  it('should time a sub-device’s logins as its connect, not its gateway’s connection', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // s a login started; a accepted, f failed, g given up (its session ended first).
      const logins$ = hot<SubDeviceLoginEvent>('-s 9ms a 9ms s 4ms f 9ms s-g', {
        s: 'started',
        a: 'accepted',
        f: 'failed',
        g: 'given-up',
      });
      const gateway = hot('-c 4ms C', states);
      const expected = '   - 10ms a 14ms b';
      const subDevice = { ...device(gateway), logins$ };
      expectObservable(
        watchDiagnostics(subDevice, { connect: thresholds, heartbeat: false, uplink: false }),
      ).toBe(expected, { a: m('connect', 'ok', 10), b: m('connect', 'fatal', 5, { completed: false }) });
    });
  });

  it('should not time the attempt under way when it starts: its start is not known', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const state = hot('  -- 9ms C', states);
      const under = fakeAlinkDevice({ state: state.pipe(startWith(states['c'] as ConnectionState)) }).device;
      expectObservable(watchDiagnostics(under, { heartbeat: false, uplink: false })).toBe('-');
    });
  });

  it('should time each PINGREQ to its PINGRESP, and a lost heartbeat as fatal at the fatal threshold', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const packets$ = hot('-p 24ms P 9ms p 49ms --', packets);
      const expected = '    -- 24ms a 9ms - 49ms b-';
      const watched = watchDiagnostics(device(hot('-'), packets$), {
        connect: false,
        heartbeat: thresholds,
        uplink: false,
      });
      expectObservable(watched).toBe(expected, {
        a: m('heartbeat', 'warning', 25),
        b: m('heartbeat', 'fatal', 50, { completed: false }),
      });
    });
  });

  it('should time each Alink request to the reply with its id, concurrently, and leave out what asks no reply', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // b is answered first; n (sys.ack 0), l (a log post), d (a dup) and u (no JSON object) are not timed.
      const packets$ = hot('-a-b-n-l-d-u 9ms B 49ms -', packets);
      const expected = '    ------------ 9ms B 29ms A';
      const watched = watchDiagnostics(device(hot('-'), packets$), {
        connect: false,
        heartbeat: false,
        uplink: { warningMs: 5, fatalMs: 50 },
      });
      const uplink = { topic: topics.propertyPost };
      expectObservable(watched).toBe(expected, {
        B: m('uplink', 'warning', 18, { messageId: '2', ...uplink }),
        A: m('uplink', 'fatal', 50, { messageId: '1', completed: false, ...uplink }),
      });
    });
  });

  it('should end a request only at the reply with its id on its reply topic, not at another request’s reply', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // a (a property post) and e (an event post) have the same id; A replies to a on its _reply topic.
      const packets$ = hot('-a-e 9ms A 49ms -', packets);
      const expected = '    ---- 9ms a 39ms e';
      const watched = watchDiagnostics(device(hot('-'), packets$), {
        connect: false,
        heartbeat: false,
        uplink: thresholds,
      });
      expectObservable(watched).toBe(expected, {
        a: m('uplink', 'ok', 12, { messageId: '1', topic: topics.propertyPost }),
        e: m('uplink', 'fatal', 50, { messageId: '1', topic: topics.eventPost('alarm'), completed: false }),
      });
    });
  });

  it('should time a request sent again on the next connection once, from its first send', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // a is sent again on a new connection (k) before its reply, b after it was found fatal: neither is timed
      // again. c, its id used again after its PUBACK (q), is a new request.
      const packets$ = hot('-a-k 7ms a 9ms A 9ms b-k 57ms b 4ms B 9ms c-q-c 9ms C', packets);
      const expected = '    - 20ms a 59ms b 38ms (cd)';
      const watched = watchDiagnostics(device(hot('-'), packets$), {
        connect: false,
        heartbeat: false,
        uplink: thresholds,
      });
      const uplink = { topic: topics.propertyPost };
      expectObservable(watched).toBe(expected, {
        a: m('uplink', 'warning', 20, { messageId: '1', ...uplink }),
        b: m('uplink', 'fatal', 50, { messageId: '2', completed: false, ...uplink }),
        c: m('uplink', 'ok', 14, { messageId: '5', ...uplink }),
        d: m('uplink', 'ok', 10, { messageId: '5', ...uplink }),
      });
    });
  });

  it('should use the Link SDK’s thresholds by default', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const packets$ = hot('-a 599ms A -b 999ms -', packets);
      const expected = '    -- 599ms a -- 999ms b';
      expectObservable(
        watchDiagnostics(device(hot('-'), packets$), { connect: false, heartbeat: false }),
      ).toBe(expected, {
        a: m('uplink', 'warning', 600, { messageId: '1', topic: topics.propertyPost }),
        b: m('uplink', 'fatal', 1000, { messageId: '2', topic: topics.propertyPost, completed: false }),
      });
    });
  });

  it('should complete when the device closes, dropping what was being timed', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const state = hot('  -c 9ms x', states);
      const packets$ = hot('-a', packets);
      expectObservable(watchDiagnostics(device(state, packets$))).toBe('- 10ms |');
      expectSubscriptions(packets$.subscriptions).toBe(['^ 10ms !', '^ 10ms !']);
    });
  });

  it('should stop timing when unsubscribed', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const state = hot('  -c 9ms C', states);
      const packets$ = hot('-a-p 9ms A-P', packets);
      const unsubscribe = '^--!';
      expectObservable(watchDiagnostics(device(state, packets$)), unsubscribe).toBe('-');
      expectSubscriptions(packets$.subscriptions).toBe(['^--!', '^--!']);
      expectSubscriptions(state.subscriptions).toBe(['^--!', '^--!']);
    });
  });

  it('should refuse heartbeat and uplink for a device without packets, and bad thresholds', () => {
    const { device: withoutPackets } = fakeAlinkDevice();
    expect(() => watchDiagnostics(withoutPackets)).toThrow(TypeError);
    expect(() => watchDiagnostics(withoutPackets, { heartbeat: false, uplink: false })).not.toThrow();
    expect(() =>
      watchDiagnostics(withoutPackets, { connect: { warningMs: -1 }, heartbeat: false, uplink: false }),
    ).toThrow(RangeError);
  });
});
