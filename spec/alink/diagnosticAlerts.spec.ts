import { TestScheduler } from 'rxjs/testing';
import { diagnosticAlerts } from '../../lib/alink/diagnosticAlerts';
import type { DiagnosticMeasurement } from '../../lib/alink/watchDiagnostics';
import type { DiagnosticAlert } from '../../lib/protocol';

const measurements: Record<string, DiagnosticMeasurement> = {
  o: { item: 'uplink', level: 'ok', elapsedMs: 10, completed: true, messageId: '1' },
  w: { item: 'uplink', level: 'warning', elapsedMs: 700, completed: true, messageId: '2' },
  f: { item: 'uplink', level: 'fatal', elapsedMs: 1000, completed: false, messageId: '3' },
  c: { item: 'connect', level: 'warning', elapsedMs: 300, completed: true },
  h: { item: 'heartbeat', level: 'fatal', elapsedMs: 1500, completed: false },
};

const alerts: Record<string, DiagnosticAlert> = {
  W: { kind: 'alert', item: 'uplink', level: 'warning', elapsedMs: 700, messageId: '2' },
  F: { kind: 'alert', item: 'uplink', level: 'fatal', elapsedMs: 1000, messageId: '3' },
  C: { kind: 'alert', item: 'connect', level: 'warning', elapsedMs: 300 },
  H: { kind: 'alert', item: 'heartbeat', level: 'fatal', elapsedMs: 1500 },
  2: { kind: 'summary', item: 'uplink', level: 'warning', count: 2, periodMs: 100 },
  1: { kind: 'summary', item: 'connect', level: 'warning', count: 1, periodMs: 100 },
  S: { kind: 'summary', item: 'uplink', level: 'warning', count: 1, periodMs: 30_000 },
};

const every100 = {
  connect: { intervalMs: 100 },
  heartbeat: { intervalMs: 100 },
  uplink: { intervalMs: 100 },
};

describe('diagnosticAlerts', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should let the first alert out at once and sum up the rest of its interval at its end', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-w-o-f 9ms w 89ms -', measurements);
      const expected = '  -W 99ms 2';
      expectObservable(source.pipe(diagnosticAlerts(every100))).toBe(expected, alerts);
    });
  });

  it('should send no summary for an interval with no other alert, and start again with the next alert', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-f 99ms - 9ms w-f 96ms w-', measurements);
      const expected = '  -F 99ms - 9ms W-- 96ms -2';
      expectObservable(source.pipe(diagnosticAlerts(every100))).toBe(expected, alerts);
    });
  });

  it('should limit each item apart, and leave out items that are off and measurements that are ok', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-c-w-h-c-o 94ms -', measurements);
      const expected = '  -C-W-- 95ms 1';
      const options = { ...every100, heartbeat: false } as const;
      expectObservable(source.pipe(diagnosticAlerts(options))).toBe(expected, alerts);
    });
  });

  it('should count on the Link SDK’s 30 s interval by default', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-w 29s f 2s f', measurements);
      const expected = '  -W 29s - 998ms S 1001ms F';
      expectObservable(source.pipe(diagnosticAlerts())).toBe(expected, alerts);
    });
  });

  it('should drop a summary still waiting when the measurements end, and unsubscribe when unsubscribed', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const ending = hot('-w-f-|', measurements);
      expectObservable(ending.pipe(diagnosticAlerts(every100))).toBe('-W---|', alerts);
      const endless = hot('-w-f 200ms f', measurements);
      expectObservable(endless.pipe(diagnosticAlerts(every100)), '^--!').toBe('-W-', alerts);
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });

  it('should refuse a bad interval at the call', () => {
    expect(() => diagnosticAlerts({ uplink: { intervalMs: Number.NaN } })).toThrow(RangeError);
  });
});
