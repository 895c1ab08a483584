import * as E from 'fp-ts/Either';
import { NEVER, of } from 'rxjs';
import { createLogReport } from '../../lib/alink/createLogReport';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const line = { level: 'ERROR', module: 'ota', content: 'flash failed' } as const;

describe('createLogReport', () => {
  it('should send each line in the wire form, its time from the clock unless it has one', () => {
    const { device, sent } = fakeAlinkDevice({ observed: () => NEVER });
    const logs = createLogReport(device, { now: () => Date.UTC(2026, 11, 3, 8, 0, 0, 5) });
    const posting = logs
      .post([
        { ...line, code: 4103, traceContext: 'at flash()' },
        { level: 'INFO', module: 'app', content: 'up', time: new Date(Date.UTC(2026, 0, 1)) },
      ])
      .subscribe();
    posting.unsubscribe();
    expect(sent.map((m) => m.topic)).toEqual([topics.logPost]);
    expect(JSON.parse(String(sent[0]?.payload))).toMatchObject({
      method: 'thing.log.post',
      params: [
        {
          utcTime: '2026-12-03T08:00:00.005+0000',
          logLevel: 'ERROR',
          module: 'ota',
          logContent: 'flash failed',
          code: 4103,
          traceContext: 'at flash()',
        },
        { utcTime: '2026-01-01T00:00:00.000+0000', logLevel: 'INFO', module: 'app', logContent: 'up' },
      ],
    });
  });

  it.each([0, 41])('should refuse %i lines with a RangeError before anything is sent', (count) => {
    const { device, sent } = fakeAlinkDevice();
    const lines = Array.from({ length: count }, () => line);
    expect(() => createLogReport(device).post(lines)).toThrow(`post takes 1 to 40 log lines, not ${count}`);
    expect(sent).toEqual([]);
  });

  it('should read each push of the switch, and a push that does not decode as a DecodeError', () => {
    const push = (params: unknown) =>
      inbound(topics.logConfigPush, { id: '1', version: '1.0', method: 'thing.config.log.push', params });
    const { device, calls } = fakeAlinkDevice({
      observed: () =>
        of(
          push({ getType: 'content', content: { mode: 1 } }),
          push({ content: { mode: '0' } }),
          push({ content: {} }),
        ),
    });
    const seen: unknown[] = [];
    createLogReport(device).pushes$.subscribe((p) => seen.push(p));
    expect(calls).toEqual([`observe ${topics.logConfigPush} qos 1`]);
    expect(seen).toEqual([
      E.right(true),
      E.right(false),
      E.left(expect.objectContaining({ _tag: 'DecodeError', topic: topics.logConfigPush })),
    ]);
  });
});
