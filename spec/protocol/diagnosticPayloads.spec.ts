import * as E from 'fp-ts/Either';
import {
  DIAGNOSTIC_ITEMS,
  DiagnosticAlert,
  diagnosticContent,
  DiagnosticLogEntry,
  isDiagnosticModule,
} from '../../lib/protocol';
import { describeErrors } from '../../lib/protocol/describeErrors';

// What the Link SDK's diag posts (diag_private.h DIAG_REPORT_PAYLOAD_FMT): utcTime in milliseconds, the code
// in decimal, traceContext the report's own id.
const sdkEntry = (module: string, code: string, logLevel: string, logContent: string) => ({
  utcTime: '1700000000123',
  logLevel,
  module,
  code,
  traceContext: '42',
  logContent,
});

describe('DiagnosticLogEntry', () => {
  it.each<[string, ReturnType<typeof sdkEntry>, DiagnosticAlert]>([
    [
      'a slow connection',
      sdkEntry('DiagMqttConnection', '16', 'WARN', 'MQTT connection establish time 321 ms'),
      { kind: 'alert', item: 'connect', level: 'warning', elapsedMs: 321 },
    ],
    [
      'a lost heartbeat',
      sdkEntry('DiagMqttHeartbeat', '32', 'FATAL', 'MQTT lost heartbeat 1 times in 1500 ms'),
      { kind: 'alert', item: 'heartbeat', level: 'fatal', elapsedMs: 1500 },
    ],
    [
      'a slow reply, with the message id',
      sdkEntry(
        'DiagAlinkUplink',
        '48',
        'WARN',
        'Alink message 17 waiting for reply has already exceed 700 ms',
      ),
      { kind: 'alert', item: 'uplink', level: 'warning', elapsedMs: 700, messageId: '17' },
    ],
    [
      'a summary of connections',
      sdkEntry(
        'DiagMqttConnection',
        '16',
        'WARN',
        'MQTT connection has been alert extra 3 times in past 30000 ms',
      ),
      { kind: 'summary', item: 'connect', level: 'warning', count: 3, periodMs: 30000 },
    ],
    [
      'a summary of heartbeats',
      sdkEntry(
        'DiagMqttHeartbeat',
        '32',
        'WARN',
        'MQTT lost heartbeat has been alert extra 1 times in past 31999 ms',
      ),
      { kind: 'summary', item: 'heartbeat', level: 'warning', count: 1, periodMs: 31999 },
    ],
    [
      'a summary of replies, whatever level it says',
      sdkEntry(
        'DiagAlinkUplink',
        '48',
        'FATAL',
        'Alink message reply too slow has been alert extra 20 times in past 30002 ms',
      ),
      { kind: 'summary', item: 'uplink', level: 'warning', count: 20, periodMs: 30002 },
    ],
    [
      'a level in lower case, and a date as utcTime',
      {
        ...sdkEntry('DiagMqttConnection', '16', 'fatal', 'MQTT connection establish time 500 ms'),
        utcTime: '2026-12-03T00:00:00.000+0000',
      },
      { kind: 'alert', item: 'connect', level: 'fatal', elapsedMs: 500 },
    ],
  ])('should read the Link SDK’s report of %s', (_, entry, alert) => {
    expect(DiagnosticLogEntry.decode(entry)).toEqual(E.right(alert));
  });

  it.each<[string, unknown, RegExp]>([
    ['another module', sdkEntry('ota', '16', 'WARN', 'MQTT connection establish time 1 ms'), /module/],
    [
      'an INFO level',
      sdkEntry('DiagMqttConnection', '16', 'INFO', 'MQTT connection establish time 1 ms'),
      /logLevel/,
    ],
    [
      "another item's description",
      sdkEntry('DiagMqttConnection', '16', 'WARN', 'MQTT lost heartbeat 1 times in 9 ms'),
      /not a connect report/,
    ],
    ['no logContent', { utcTime: 't', logLevel: 'WARN', module: 'DiagAlinkUplink' }, /logContent/],
  ])('should refuse %s with a reason', (_, entry, reason) => {
    const decoded = DiagnosticLogEntry.decode(entry);
    expect(E.isLeft(decoded) && describeErrors(decoded.left).join('; ')).toMatch(reason);
  });

  it.each<[DiagnosticAlert, ReturnType<typeof DiagnosticLogEntry.encode>]>([
    [
      { kind: 'alert', item: 'connect', level: 'fatal', elapsedMs: 512.4 },
      {
        logLevel: 'FATAL',
        module: 'DiagMqttConnection',
        code: '16',
        logContent: 'MQTT connection establish time 512 ms',
      },
    ],
    [
      { kind: 'alert', item: 'uplink', level: 'warning', elapsedMs: 650, messageId: '9' },
      {
        logLevel: 'WARN',
        module: 'DiagAlinkUplink',
        code: '48',
        logContent: 'Alink message 9 waiting for reply has already exceed 650 ms',
        traceContext: '9',
      },
    ],
    [
      { kind: 'summary', item: 'heartbeat', level: 'warning', count: 2, periodMs: 30000 },
      {
        logLevel: 'WARN',
        module: 'DiagMqttHeartbeat',
        code: '32',
        logContent: 'MQTT lost heartbeat has been alert extra 2 times in past 30000 ms',
      },
    ],
  ])('should write %j as the Link SDK does, and read it back', (alert, fields) => {
    expect(DiagnosticLogEntry.encode(alert)).toEqual(fields);
    const read = DiagnosticLogEntry.decode({ ...fields, utcTime: 'now' });
    expect(read).toEqual(
      E.right(alert.kind === 'alert' ? { ...alert, elapsedMs: Math.round(alert.elapsedMs) } : alert),
    );
  });

  it('should tell whether a module is one of diag’s, and name each item’s code as the SDK does', () => {
    expect(Object.values(DIAGNOSTIC_ITEMS).map(({ module }) => isDiagnosticModule(module))).toEqual([
      true,
      true,
      true,
    ]);
    expect(isDiagnosticModule('app')).toBe(false);
    expect(Object.values(DIAGNOSTIC_ITEMS).map(({ code }) => code)).toEqual([0x10, 0x20, 0x30]);
  });
});

describe('diagnosticContent', () => {
  it('should write a connection summary word for word', () => {
    expect(
      diagnosticContent({ kind: 'summary', item: 'connect', level: 'warning', count: 4, periodMs: 30000 }),
    ).toBe('MQTT connection has been alert extra 4 times in past 30000 ms');
  });
});
