import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import {
  decodeDeviceOptions,
  DeviceOptions,
  DeviceOptionsError,
  type ResolvedDeviceOptions,
} from '../../lib/identity/deviceOptions';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { resolveEndpoint } from '../../lib/identity/resolveEndpoint';

const SECRET = 's3cr3t-d3v1c3';
const minimal = { productKey: 'a1TestPK001', deviceName: 'dev01', deviceSecret: SECRET };

const problemsOf = (input: unknown): readonly string[] =>
  E.match(
    (problems: readonly string[]) => problems,
    () => [],
  )(decodeDeviceOptions(input));

describe('decodeDeviceOptions', () => {
  it('should fill in every default', () => {
    expect(decodeDeviceOptions(minimal)).toEqual(
      E.right<readonly string[], ResolvedDeviceOptions>({
        productKey: 'a1TestPK001',
        deviceName: 'dev01',
        deviceSecret: SECRET,
        endpoint: { region: 'cn-shanghai' },
        clientId: 'a1TestPK001.dev01',
        signMethod: 'hmacsha256',
        extra: {},
        cleanSession: true,
        keepalive: 60,
        reconnect: {},
        connectTimeoutMs: 30000,
        publishTimeoutMs: 30000,
        offlineQueue: { limit: 1000, overflow: 'error' },
        maxPayloadBytes: 256 * 1024,
        maxTopicBytes: 128,
        checkNamespace: true,
      }),
    );
  });

  it('should keep every option given', () => {
    const shouldRetry = () => true;
    const options: DeviceOptions = {
      ...minimal,
      productSecret: 'ProductSecret123',
      endpoint: { url: 'mqtt://localhost:1883' },
      clientId: 'myClient01',
      signMethod: 'hmacsha1',
      timestamp: 1700000000000,
      extra: { ext: '1' },
      cleanSession: false,
      keepalive: 1200,
      reconnect: {
        initialDelayMs: 10,
        maxDelayMs: 100,
        factor: 1,
        jitter: 'none',
        maxRetries: 3,
        shouldRetry,
      },
      connectTimeoutMs: 500,
      publishTimeoutMs: 1000,
      offlineQueue: { limit: 0, overflow: 'drop-oldest' },
      maxPayloadBytes: 1024,
      maxTopicBytes: 64,
      checkNamespace: false,
    };
    expect(decodeDeviceOptions(options)).toEqual(E.right({ ...options, timestamp: '1700000000000' }));
  });

  it.each<[string, object]>([
    ['reconnect: false', { reconnect: false }],
    [
      'an infinite maxRetries and every callback',
      { reconnect: { maxRetries: Infinity, random: Math.random, onRetry: () => undefined } },
    ],
    ['a timestamp as a string', { timestamp: '2524608000000' }],
    ['an instance endpoint', { endpoint: { instanceId: 'iot-06z00ab12cd34ef' } }],
    ['a keepalive of 30', { keepalive: 30 }],
    ['options set to undefined', { clientId: undefined, keepalive: undefined, endpoint: undefined }],
  ])('should take %s', (_, patch) => {
    expect(problemsOf({ ...minimal, ...patch })).toEqual([]);
  });

  it('should keep only the endpoint and the extra parameters it knows', () => {
    const decoded = decodeDeviceOptions({
      ...minimal,
      endpoint: { region: 'cn-beijing', comment: 'x' },
      extra: { ext: '1', dropped: undefined },
    });
    expect(E.map((o: ResolvedDeviceOptions) => [o.endpoint, o.extra])(decoded)).toEqual(
      E.right([{ region: 'cn-beijing' }, { ext: '1' }]),
    );
  });

  it('should give what mqttCredentials and resolveEndpoint need', () => {
    const decoded = decodeDeviceOptions({
      ...minimal,
      clientId: '12345',
      signMethod: 'hmacsha1',
      timestamp: 789,
    });
    const credentials = E.map((o: ResolvedDeviceOptions) =>
      mqttCredentials({ ...o, secureMode: resolveEndpoint(o.endpoint, o.productKey).secureMode }),
    )(decoded);
    expect(E.map((c: { clientId: string }) => c.clientId)(credentials)).toEqual(
      E.right('12345|securemode=2,signmethod=hmacsha1,timestamp=789|'),
    );
  });

  // One bad field at a time: the problem names the field and says what it must be.
  it.each<[string, object, string]>([
    ['no productKey', { productKey: undefined }, 'productKey: required'],
    [
      'a productKey with /',
      { productKey: 'a/b' },
      'productKey: must contain only letters, digits and _ - ., got "a/b" (contains "/")',
    ],
    [
      'a productKey with +',
      { productKey: '+' },
      'productKey: must contain only letters, digits and _ - ., got "+" (contains "+")',
    ],
    [
      'a productKey with #',
      { productKey: '#' },
      'productKey: must contain only letters, digits and _ - ., got "#" (contains "#")',
    ],
    [
      'a productKey with &',
      { productKey: 'a&b' },
      'productKey: must contain only letters, digits and _ - ., got "a&b" (contains "&")',
    ],
    [
      'a productKey with |',
      { productKey: 'a|b' },
      'productKey: must contain only letters, digits and _ - ., got "a|b" (contains "|")',
    ],
    [
      'a productKey with NUL',
      { productKey: 'a\u0000' },
      'productKey: must contain only letters, digits and _ - ., got "a\\u0000" (contains "\\u0000")',
    ],
    [
      'a deviceName with /',
      { deviceName: 'dev/1' },
      'deviceName: must contain only letters, digits and _ - . @ :, got "dev/1" (contains "/")',
    ],
    [
      'a deviceName with +',
      { deviceName: 'dev+' },
      'deviceName: must contain only letters, digits and _ - . @ :, got "dev+" (contains "+")',
    ],
    [
      'a deviceName with #',
      { deviceName: 'dev#' },
      'deviceName: must contain only letters, digits and _ - . @ :, got "dev#" (contains "#")',
    ],
    [
      'a deviceName with &',
      { deviceName: 'de&v' },
      'deviceName: must contain only letters, digits and _ - . @ :, got "de&v" (contains "&")',
    ],
    [
      'a deviceName with |',
      { deviceName: 'de|v' },
      'deviceName: must contain only letters, digits and _ - . @ :, got "de|v" (contains "|")',
    ],
    [
      'a deviceName with NUL',
      { deviceName: 'dev\u0000' },
      'deviceName: must contain only letters, digits and _ - . @ :, got "dev\\u0000" (contains "\\u0000")',
    ],
    ['a short deviceName', { deviceName: 'dn' }, 'deviceName: must be 4 to 32 characters long, got "dn" (2)'],
    [
      'a clientId with |',
      { clientId: 'a|b' },
      'clientId: must contain only characters other than | , = and control characters, got "a|b" (contains "|")',
    ],
    [
      'a clientId with ,',
      { clientId: 'a,b' },
      'clientId: must contain only characters other than | , = and control characters, got "a,b" (contains ",")',
    ],
    [
      'a clientId with =',
      { clientId: 'a=b' },
      'clientId: must contain only characters other than | , = and control characters, got "a=b" (contains "=")',
    ],
    [
      'a clientId with NUL',
      { clientId: 'a\u0000' },
      'clientId: must contain only characters other than | , = and control characters, got "a\\u0000" (contains "\\u0000")',
    ],
    [
      'a long clientId',
      { clientId: 'c'.repeat(65) },
      `clientId: must be 1 to 64 characters long, got "${'c'.repeat(65)}" (65)`,
    ],
    [
      'a default clientId over 64 characters',
      { productKey: 'p'.repeat(40), deviceName: 'd'.repeat(30) },
      `clientId: required, as the default "${'p'.repeat(40)}.${'d'.repeat(30)}" is longer than 64 characters`,
    ],
    [
      'an unknown signMethod',
      { signMethod: 'sha1' },
      'signMethod: must be one of "hmacmd5", "hmacsha1", "hmacsha256", got "sha1"',
    ],
    [
      'a negative timestamp',
      { timestamp: -1 },
      'timestamp: must be milliseconds, a non-negative integer or a string of digits, got -1',
    ],
    [
      'a timestamp with a comma',
      { timestamp: '1,2' },
      'timestamp: must be milliseconds, a non-negative integer or a string of digits, got "1,2"',
    ],
    [
      'extra that is not an object',
      { extra: 'ext=1' },
      `extra: must be an object of strings such as { ext: '1' }, got "ext=1"`,
    ],
    [
      'an extra number',
      { extra: { ext: 1 } },
      'extra.ext: must be a string without | , = or control characters, got 1',
    ],
    [
      'an extra value with ,',
      { extra: { ext: '1,securemode=2' } },
      'extra.ext: must be a string without | , = or control characters, got "1,securemode=2"',
    ],
    [
      'an extra name with |',
      { extra: { 'a|b': '1' } },
      'extra: names must be non-empty, without | , = or control characters, got "a|b"',
    ],
    [
      'an extra securemode',
      { extra: { securemode: '2' } },
      'extra.securemode: is set by the endpoint, signMethod and timestamp options, not by extra',
    ],
    [
      'an extra Timestamp',
      { extra: { Timestamp: '1' } },
      'extra.Timestamp: is set by the endpoint, signMethod and timestamp options, not by extra',
    ],
    ['cleanSession as a string', { cleanSession: 'yes' }, 'cleanSession: must be true or false, got "yes"'],
    ['a keepalive of 10', { keepalive: 10 }, 'keepalive: must be an integer from 30 to 1200 seconds, got 10'],
    [
      'a keepalive of 1201',
      { keepalive: 1201 },
      'keepalive: must be an integer from 30 to 1200 seconds, got 1201',
    ],
    [
      'a fractional keepalive',
      { keepalive: 60.5 },
      'keepalive: must be an integer from 30 to 1200 seconds, got 60.5',
    ],
    [
      'keepalive as a string',
      { keepalive: '60' },
      'keepalive: must be an integer from 30 to 1200 seconds, got "60"',
    ],
    [
      'reconnect: true',
      { reconnect: true },
      'reconnect: must be a backoff policy object ({} for the defaults) or false, got true',
    ],
    [
      'a factor below 1',
      { reconnect: { factor: 0.5 } },
      'reconnect.factor: must be a finite number >= 1, got 0.5',
    ],
    [
      'an infinite factor',
      { reconnect: { factor: Infinity } },
      'reconnect.factor: must be a finite number >= 1, got Infinity',
    ],
    [
      'a negative initialDelayMs',
      { reconnect: { initialDelayMs: -1 } },
      'reconnect.initialDelayMs: must be a finite number of milliseconds >= 0, got -1',
    ],
    [
      'a NaN maxDelayMs',
      { reconnect: { maxDelayMs: NaN } },
      'reconnect.maxDelayMs: must be a finite number of milliseconds >= 0, got NaN',
    ],
    [
      'an infinite resetAfterMs',
      { reconnect: { resetAfterMs: Infinity } },
      'reconnect.resetAfterMs: must be a finite number of milliseconds >= 0, got Infinity',
    ],
    [
      'an unknown jitter',
      { reconnect: { jitter: 'half' } },
      'reconnect.jitter: must be one of "none", "full", "decorrelated", got "half"',
    ],
    [
      'a fractional maxRetries',
      { reconnect: { maxRetries: 1.5 } },
      'reconnect.maxRetries: must be an integer >= 0 or Infinity, got 1.5',
    ],
    [
      'a negative maxRetries',
      { reconnect: { maxRetries: -1 } },
      'reconnect.maxRetries: must be an integer >= 0 or Infinity, got -1',
    ],
    [
      'a shouldRetry that is no function',
      { reconnect: { shouldRetry: true } },
      'reconnect.shouldRetry: must be a function, got true',
    ],
    [
      'a random that is no function',
      { reconnect: { random: 0.5 } },
      'reconnect.random: must be a function, got 0.5',
    ],
    [
      'an onRetry that is no function',
      { reconnect: { onRetry: 'log' } },
      'reconnect.onRetry: must be a function, got "log"',
    ],
    [
      'a zero connectTimeoutMs',
      { connectTimeoutMs: 0 },
      'connectTimeoutMs: must be a finite number of milliseconds > 0, got 0',
    ],
    [
      'an infinite publishTimeoutMs',
      { publishTimeoutMs: Infinity },
      'publishTimeoutMs: must be a finite number of milliseconds > 0, got Infinity',
    ],
    [
      'an offlineQueue that is no object',
      { offlineQueue: 100 },
      'offlineQueue: must be an object { limit?, overflow? }, got 100',
    ],
    [
      'a negative offlineQueue limit',
      { offlineQueue: { limit: -1 } },
      'offlineQueue.limit: must be an integer >= 0, got -1',
    ],
    [
      'an infinite offlineQueue limit',
      { offlineQueue: { limit: Infinity } },
      'offlineQueue.limit: must be an integer >= 0, got Infinity',
    ],
    [
      'an unknown overflow',
      { offlineQueue: { overflow: 'drop' } },
      'offlineQueue.overflow: must be one of "drop-oldest", "drop-newest", "error", got "drop"',
    ],
    [
      'a zero maxPayloadBytes',
      { maxPayloadBytes: 0 },
      'maxPayloadBytes: must be an integer from 1 to 268435455 bytes, got 0',
    ],
    [
      'a fractional maxTopicBytes',
      { maxTopicBytes: 1.5 },
      'maxTopicBytes: must be an integer from 1 to 65535 bytes, got 1.5',
    ],
    [
      'a region with a space',
      { endpoint: { region: 'cn shanghai' } },
      'endpoint.region: must be letters, digits and "-" only, e.g. "cn-shanghai", got "cn shanghai"',
    ],
    [
      'an instanceId with /',
      { endpoint: { instanceId: 'iot/x' } },
      'endpoint.instanceId: must be letters, digits and "-" only, e.g. "iot-06z00ab12cd34ef", got "iot/x"',
    ],
    [
      'an http url',
      { endpoint: { url: 'http://localhost' } },
      'endpoint.url: must be a URL such as "mqtt://localhost:1883" with protocol mqtts:, wss:, mqtt:, ws:, tcp:, got "http://localhost"',
    ],
    [
      'two endpoints',
      { endpoint: { region: 'cn-shanghai', instanceId: 'iot-1' } },
      'endpoint: must be one of { region }, { instanceId }, { url }, got region and instanceId together',
    ],
    [
      'an endpoint as a string',
      { endpoint: 'cn-shanghai' },
      'endpoint: must be one of { region }, { instanceId }, { url }, got "cn-shanghai"',
    ],
    ['keepAlive', { keepAlive: 60 }, 'keepAlive: unknown option; did you mean keepalive?'],
    ['clientID', { clientID: 'c' }, 'clientID: unknown option; did you mean clientId?'],
    ['clean_session', { clean_session: true }, 'clean_session: unknown option; did you mean cleanSession?'],
  ])('should report %s', (_, patch, problem) => {
    expect(problemsOf({ ...minimal, ...patch })).toEqual([problem]);
  });

  it.each<[unknown, string]>([
    [null, 'options: must be an object, got null'],
    [undefined, 'options: must be an object, got undefined'],
    ['pk', 'options: must be an object, got "pk"'],
    [[minimal], 'options: must be an object, got an array'],
  ])('should report %p that is no object', (input, problem) => {
    expect(problemsOf(input)).toEqual([problem]);
  });

  it('should report an empty object field by field', () => {
    expect(problemsOf({})).toEqual([
      'productKey: required',
      'deviceName: required',
      'deviceSecret: required',
    ]);
  });

  it('should point a productSecret without deviceSecret to the missing dynamic registration', () => {
    expect(
      problemsOf({ productKey: 'a1TestPK001', deviceName: 'dev01', productSecret: 'ProductSecret123' }),
    ).toEqual([
      'deviceSecret: required: dynamic registration (productSecret) is not supported yet; pass deviceSecret',
    ]);
  });

  it('should ignore unknown options that resemble none', () => {
    expect(problemsOf({ ...minimal, scheduler: {} })).toEqual([]);
  });

  describe('secrets', () => {
    it.each<[string, unknown, string]>([
      ['a number', 31415926, 'deviceSecret: must be a non-empty string, got a number'],
      ['an empty string', '', 'deviceSecret: must be a non-empty string, got an empty string'],
      ['an object', { value: 's3cr3t-in-object' }, 'deviceSecret: must be a non-empty string, got an object'],
      ['an array', ['s3cr3t-in-array'], 'deviceSecret: must be a non-empty string, got an array'],
    ])('should report a deviceSecret that is %s without its value', (_, deviceSecret, problem) => {
      const problems = problemsOf({ ...minimal, deviceSecret });
      expect(problems).toEqual([problem]);
      expect(problems.join('\n')).not.toMatch(/31415926|s3cr3t/);
    });

    it('should report a productSecret that is a number without its value', () => {
      const problems = problemsOf({ ...minimal, productSecret: 27182818 });
      expect(problems).toEqual(['productSecret: must be a non-empty string, got a number']);
      expect(problems.join('\n')).not.toContain('27182818');
    });

    it('should never show a secret, whatever else is wrong', () => {
      const anything = fc.dictionary(fc.string(), fc.anything());
      fc.assert(
        fc.property(anything, fc.anything(), fc.anything(), (junk, deviceSecret, productSecret) => {
          const problems = problemsOf({ ...junk, deviceSecret: SECRET, productSecret: `${SECRET}-p` });
          expect(problems.join('\n')).not.toContain(SECRET);
          // Whatever the secrets are, their problem is about their kind only.
          for (const problem of problemsOf({ ...junk, deviceSecret, productSecret })) {
            if (/^(device|product)Secret:/.test(problem)) {
              expect(problem).toMatch(
                /^(device|product)Secret: (required.*|must be a non-empty string, got (a|an|null)\b[^"]*)$/,
              );
            }
          }
        }),
      );
    });
  });

  it('should be total', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const decoded = decodeDeviceOptions(input);
        expect(E.isRight(decoded) || decoded.left.length > 0).toBe(true);
      }),
    );
  });
});

describe('DeviceOptionsError', () => {
  const everythingWrong = {
    productKey: 'a/b',
    deviceName: 'd#',
    deviceSecret: '',
    productSecret: 42,
    endpoint: { url: 'http://x' },
    clientId: 'a|b',
    signMethod: 'md5',
    timestamp: 'now',
    extra: { ext: 1 },
    cleanSession: 0,
    keepalive: 10,
    reconnect: { factor: 0 },
    connectTimeoutMs: -1,
    publishTimeoutMs: 'soon',
    offlineQueue: { overflow: 'grow' },
    maxPayloadBytes: -1,
    maxTopicBytes: 0,
    keepAlive: 60,
  };
  const fields = [
    'productKey',
    'deviceName',
    'deviceSecret',
    'productSecret',
    'endpoint.url',
    'clientId',
    'signMethod',
    'timestamp',
    'extra.ext',
    'cleanSession',
    'keepalive',
    'reconnect.factor',
    'connectTimeoutMs',
    'publishTimeoutMs',
    'offlineQueue.overflow',
    'maxPayloadBytes',
    'maxTopicBytes',
    'keepAlive',
  ];

  const error = new DeviceOptionsError(problemsOf(everythingWrong));

  it('should name every bad field in one error', () => {
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual(fields);
    for (const field of fields) expect(error.message).toContain(`\n  - ${field}: `);
  });

  it('should be an Error named DeviceOptionsError', () => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DeviceOptionsError');
    expect(error.message).toMatch(/^Invalid device options:\n {2}- productKey: /);
  });

  it('should keep the secrets out of its message', () => {
    const withSecret = new DeviceOptionsError(problemsOf({ ...everythingWrong, deviceSecret: SECRET }));
    expect(withSecret.problems).toHaveLength(fields.length - 1);
    expect(withSecret.message).not.toContain(SECRET);
    expect(error.message).toContain('productSecret: must be a non-empty string, got a number');
    expect(error.message).not.toContain('42');
  });
});

describe('DeviceOptions', () => {
  it('should require the device triple in its type', () => {
    // @ts-expect-error deviceSecret is missing
    const options: DeviceOptions = { productKey: 'pk', deviceName: 'dev01' };
    expect(DeviceOptions.is(options)).toBe(false);
  });

  it('should accept a valid value as its type', () => {
    const options: DeviceOptions = { ...minimal, reconnect: { jitter: 'full' } };
    expect(DeviceOptions.is(options)).toBe(true);
  });
});
