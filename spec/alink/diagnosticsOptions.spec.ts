import { DIAGNOSTIC_DEFAULTS, diagnosticSettings } from '../../lib/alink/diagnosticsOptions';

describe('diagnosticSettings', () => {
  it('should fill in the Link SDK’s defaults, leave out items that are off, and keep what is given', () => {
    expect(diagnosticSettings({})).toEqual({
      connect: { warningMs: 200, fatalMs: 500, intervalMs: 30_000 },
      heartbeat: { warningMs: 800, fatalMs: 1500, intervalMs: 30_000 },
      uplink: { warningMs: 600, fatalMs: 1000, intervalMs: 30_000 },
    });
    expect(
      diagnosticSettings({ connect: false, heartbeat: { fatalMs: 900 }, uplink: { intervalMs: 0 } }),
    ).toEqual({
      heartbeat: { ...DIAGNOSTIC_DEFAULTS.heartbeat, fatalMs: 900 },
      uplink: { ...DIAGNOSTIC_DEFAULTS.uplink, intervalMs: 0 },
    });
  });

  it.each<[string, Parameters<typeof diagnosticSettings>[0], RegExp]>([
    ['a negative threshold', { uplink: { warningMs: -1 } }, /uplink\.warningMs must be a finite number/],
    ['an infinite interval', { connect: { intervalMs: Infinity } }, /connect\.intervalMs/],
    [
      'a threshold that is no number',
      { heartbeat: { fatalMs: '9' as unknown as number } },
      /heartbeat\.fatalMs/,
    ],
    [
      'a warning past the fatal threshold',
      { connect: { warningMs: 600 } },
      /connect\.warningMs \(600\) must not be past/,
    ],
  ])('should refuse %s with a RangeError naming it', (_, options, message) => {
    expect(() => diagnosticSettings(options)).toThrow(RangeError);
    expect(() => diagnosticSettings(options)).toThrow(message);
  });
});
