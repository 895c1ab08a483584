import * as E from 'fp-ts/Either';
import { LogConfig, LogPostParams, logConfig, logUtcTime } from '../../lib/protocol';

const entry = {
  utcTime: '2020-03-06T15:15:25.934+0800',
  logLevel: 'ERROR',
  module: 'ota',
  code: '4103',
  traceContext: 'at flash()',
  logContent: 'flash failed',
};

describe('LogPostParams', () => {
  it('should take 1 to 40 entries, the code a string or a number, traceContext optional', () => {
    expect(LogPostParams.decode([entry, { ...entry, code: 7, traceContext: undefined }])).toEqual(
      E.right([entry, { ...entry, code: 7, traceContext: undefined }]),
    );
  });

  it.each<[string, unknown]>([
    ['no entry', []],
    ['41 entries', Array.from({ length: 41 }, () => entry)],
    ['an entry without logContent', [{ ...entry, logContent: undefined }]],
    ['an object', entry],
  ])('should refuse %s', (_, params) => {
    expect(E.isLeft(LogPostParams.decode(params))).toBe(true);
  });
});

describe('LogConfig', () => {
  it('should read the mode as a number or a string, and be what logConfig writes', () => {
    expect(LogConfig.decode({ getType: 'content', content: { mode: '1' } })).toEqual(
      E.right({ getType: 'content', content: { mode: 1 } }),
    );
    expect(LogConfig.decode(logConfig(0))).toEqual(E.right({ getType: 'content', content: { mode: 0 } }));
    expect(E.isLeft(LogConfig.decode({ getType: 'content' }))).toBe(true);
  });
});

describe('logUtcTime', () => {
  it('should write milliseconds and the offset of UTC', () => {
    expect(logUtcTime(Date.UTC(2020, 2, 6, 7, 15, 25, 934))).toBe('2020-03-06T07:15:25.934+0000');
  });
});
