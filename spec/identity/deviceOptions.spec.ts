import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import {
  decodeDeviceOptions,
  DeviceOptions,
  DeviceOptionsError,
  timestampNow,
  type ResolvedDeviceOptions,
} from '../../lib/identity/deviceOptions';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { memorySecretStore } from '../../lib/identity/secretStore';
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
        productSecret: undefined,
        secretStore: expect.objectContaining({ load: expect.any(Function), save: expect.any(Function) }),
        registration: { method: 'register', timeoutMs: 10000 },
        endpoint: { region: 'cn-shanghai' },
        tls: { rejectUnauthorized: true },
        timestamp: undefined,
        clientId: 'a1TestPK001.dev01',
        signMethod: 'hmacsha256',
        extra: {},
        cleanSession: true,
        keepalive: 60,
        reconnect: {},
        connectTimeoutMs: 30000,
        publishTimeoutMs: undefined,
        offlineQueue: { limit: 1000, overflow: 'error' },
        maxPayloadBytes: 256 * 1024,
        maxTopicBytes: 128,
        checkNamespace: true,
      }),
    );
  });

  it('should keep every option given', () => {
    const shouldRetry = () => true;
    const secretStore = memorySecretStore();
    const options: DeviceOptions = {
      ...minimal,
      productSecret: 'ProductSecret123',
      secretStore,
      registration: { method: 'https', url: 'https://127.0.0.1:8443', timeoutMs: 500, random: 'abc123' },
      endpoint: { url: 'mqtts://localhost:8883' },
      tls: {
        ca: ['-----BEGIN CERTIFICATE-----'],
        cert: Buffer.from('cert'),
        key: 'key',
        rejectUnauthorized: false,
        servername: 'broker.example',
      },
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
    expect(decodeDeviceOptions(options)).toEqual(E.right(options));
  });

  it('should take a timestamp function as it is, to be called at each attempt', () => {
    const timestamp = () => 1700000000000;
    expect(
      E.map((o: ResolvedDeviceOptions) => o.timestamp)(decodeDeviceOptions({ ...minimal, timestamp })),
    ).toEqual(E.right(timestamp));
  });

  it.each<[string, object]>([
    ['reconnect: false', { reconnect: false }],
    [
      'an infinite maxRetries and every callback',
      { reconnect: { maxRetries: Infinity, random: Math.random, shouldRetry: () => false } },
    ],
    ['a wss endpoint with tls', { endpoint: { url: 'wss://localhost:8084/mqtt' }, tls: { ca: 'pem' } }],
    ['a cloud endpoint with tls', { tls: { rejectUnauthorized: false } }],
    [
      'a productSecret next to deviceSecret',
      { productSecret: 'ProductSecret123', secretStore: memorySecretStore() },
    ],
    ['a timestamp as a string', { timestamp: '2524608000000' }],
    ['an instance endpoint', { endpoint: { instanceId: 'iot-06z00ab12cd34ef' } }],
    ['a keepalive of 30', { keepalive: 30 }],
    ['options set to undefined', { clientId: undefined, keepalive: undefined, endpoint: undefined }],
  ])('should take %s', (_, patch) => {
    expect(problemsOf({ ...minimal, ...patch })).toEqual([]);
  });

  it('should leave out the extra parameters set to undefined', () => {
    const decoded = decodeDeviceOptions({ ...minimal, extra: { ext: '1', dropped: undefined } });
    expect(E.map((o: ResolvedDeviceOptions) => o.extra)(decoded)).toEqual(E.right({ ext: '1' }));
  });

  it('should give what mqttCredentials and resolveEndpoint need', () => {
    const decoded = decodeDeviceOptions({
      ...minimal,
      clientId: '12345',
      signMethod: 'hmacsha1',
      timestamp: 789,
    });
    const credentials = E.map((o: ResolvedDeviceOptions) =>
      mqttCredentials({
        ...o,
        deviceSecret: o.deviceSecret ?? '',
        timestamp: timestampNow(o.timestamp),
        secureMode: resolveEndpoint(o.endpoint, o.productKey).secureMode,
      }),
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
      'timestamp: must be milliseconds (a non-negative integer or a string of digits) or a function that gives them, got -1',
    ],
    [
      'a timestamp with a comma',
      { timestamp: '1,2' },
      'timestamp: must be milliseconds (a non-negative integer or a string of digits) or a function that gives them, got "1,2"',
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
      'an onRetry, which state$ replaces',
      { reconnect: { onRetry: () => undefined } },
      "reconnect.onRetry: removed: state$ shows each retry as { status: 'reconnecting', attempt, delayMs, error }",
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
    ['toString', { toString: 1 }, 'toString: unknown option'],
    ['clientID', { clientID: 'c' }, 'clientID: unknown option; did you mean clientId?'],
    ['clean_session', { clean_session: true }, 'clean_session: unknown option; did you mean cleanSession?'],
    [
      'a tls that is no object',
      { endpoint: { url: 'mqtts://x' }, tls: 'pem' },
      'tls: must be an object { ca?, cert?, key?, rejectUnauthorized?, servername? }, got "pem"',
    ],
    [
      'an empty ca',
      { endpoint: { url: 'mqtts://x' }, tls: { ca: [] } },
      'tls.ca: must be PEM text or bytes, or a non-empty array of them, got an array',
    ],
    [
      'a cert that is a number',
      { endpoint: { url: 'mqtts://x' }, tls: { cert: 1 } },
      'tls.cert: must be PEM text or bytes, or a non-empty array of them, got 1',
    ],
    [
      'rejectUnauthorized as a string',
      { endpoint: { url: 'mqtts://x' }, tls: { rejectUnauthorized: 'no' } },
      'tls.rejectUnauthorized: must be true or false, got "no"',
    ],
    [
      'an empty servername',
      { endpoint: { url: 'mqtts://x' }, tls: { servername: '' } },
      'tls.servername: must be a host name, got ""',
    ],
    [
      'tls for a plain TCP endpoint',
      { endpoint: { url: 'mqtt://localhost:1883' }, tls: { ca: 'pem' } },
      'tls: is unused: the endpoint "mqtt://localhost:1883" is not mqtts: or wss:',
    ],
    [
      'tls for a plain websocket endpoint',
      { endpoint: { url: 'ws://localhost:8083/mqtt' }, tls: {} },
      'tls: is unused: the endpoint "ws://localhost:8083/mqtt" is not mqtts: or wss:',
    ],
    [
      'a secretStore without productSecret',
      { secretStore: memorySecretStore() },
      'secretStore: is only used for dynamic registration, which needs productSecret',
    ],
    [
      'a secretStore that is no store',
      { productSecret: 'ps', secretStore: { get: () => undefined } },
      'secretStore: must be a secret store { load(device), save(device, credential) }, got an object',
    ],
    [
      'a registration without productSecret',
      { registration: { method: 'https' } },
      'registration: is only used for dynamic registration, which needs productSecret',
    ],
    [
      'an unknown registration method',
      { productSecret: 'ps', registration: { method: 'http' } },
      'registration.method: must be one of "register", "regnwl", "https", got "http"',
    ],
    [
      'a plain registration url',
      { productSecret: 'ps', registration: { url: 'mqtt://localhost:1883' } },
      'registration.url: must be an mqtts:, wss: or https: URL (registration needs TLS), got "mqtt://localhost:1883"',
    ],
    [
      'an https registration url for MQTT registration',
      { productSecret: 'ps', registration: { url: 'https://localhost:8443' } },
      "registration.url: is https:, for method 'https'",
    ],
    [
      'an mqtts registration url for HTTPS registration',
      { productSecret: 'ps', registration: { method: 'https', url: 'mqtts://localhost:8883' } },
      "registration.url: must be https: for method 'https'",
    ],
    [
      'HTTPS registration at a url endpoint without its url',
      { productSecret: 'ps', endpoint: { url: 'mqtts://localhost:8883' }, registration: { method: 'https' } },
      "registration.url: required for method 'https' with a url endpoint (the emulator's is urls.https)",
    ],
    [
      'registration at a plain endpoint',
      { deviceSecret: undefined, productSecret: 'ps', endpoint: { url: 'mqtt://localhost:1883' } },
      'registration.url: required: the endpoint "mqtt://localhost:1883" is not TLS, which registration needs (an mqtts: or wss: URL)',
    ],
    [
      'a zero registration timeout',
      { productSecret: 'ps', registration: { timeoutMs: 0 } },
      'registration.timeoutMs: must be a finite number of milliseconds > 0, got 0',
    ],
    [
      'a registration random with a comma',
      { productSecret: 'ps', registration: { random: '1,2' } },
      'registration.random: must be 1 to 64 letters and digits, got "1,2"',
    ],
    [
      'an extra authType',
      { extra: { authType: 'register' } },
      'extra.authType: is set by the endpoint, signMethod and timestamp options, not by extra',
    ],
  ])('should report %s', (_, patch, problem) => {
    expect(problemsOf({ ...minimal, ...patch })).toEqual([problem]);
  });

  // An unknown option names the known one it is closest to: a typo, another case, or a field put at the
  // wrong level.
  it.each<[string, object, string]>([
    ['ca', { ca: 'pem' }, 'ca: unknown option; did you mean tls.ca?'],
    ['cert', { cert: 'pem' }, 'cert: unknown option; did you mean tls.cert?'],
    ['key', { key: 'pem' }, 'key: unknown option; did you mean tls.key?'],
    [
      'rejectUnauthorized',
      { rejectUnauthorized: false },
      'rejectUnauthorized: unknown option; did you mean tls.rejectUnauthorized?',
    ],
    ['servername', { servername: 'x' }, 'servername: unknown option; did you mean tls.servername?'],
    ['serverName', { serverName: 'x' }, 'serverName: unknown option; did you mean tls.servername?'],
    [
      'tls.rejectUnauthorised',
      { endpoint: { url: 'mqtts://x' }, tls: { rejectUnauthorised: false } },
      'tls.rejectUnauthorised: unknown option; did you mean tls.rejectUnauthorized?',
    ],
    [
      'tls.keepalive',
      { endpoint: { url: 'mqtts://x' }, tls: { keepalive: 60 } },
      'tls.keepalive: unknown option; did you mean keepalive?',
    ],
    ['keepAliveSec', { keepAliveSec: 60 }, 'keepAliveSec: unknown option; did you mean keepalive?'],
    ['clean', { clean: true }, 'clean: unknown option'],
    ['devicename', { devicename: 'x' }, 'devicename: unknown option; did you mean deviceName?'],
    ['deviceSecert', { deviceSecert: 'x' }, 'deviceSecert: unknown option; did you mean deviceSecret?'],
    ['productSecrt', { productSecrt: 'x' }, 'productSecrt: unknown option; did you mean productSecret?'],
    ['secretstore', { secretstore: {} }, 'secretstore: unknown option; did you mean secretStore?'],
    ['region', { region: 'cn-shanghai' }, 'region: unknown option; did you mean endpoint.region?'],
    ['url', { url: 'mqtt://x' }, 'url: unknown option; did you mean endpoint.url?'],
    ['instanceID', { instanceID: 'iot-1' }, 'instanceID: unknown option; did you mean endpoint.instanceId?'],
    [
      'endpoint.comment',
      { endpoint: { region: 'cn-beijing', comment: 'x' } },
      'endpoint.comment: unknown option',
    ],
    [
      'endpoint.Region',
      { endpoint: { region: 'cn-beijing', Region: 'cn-beijing' } },
      'endpoint.Region: unknown option; did you mean endpoint.region?',
    ],
    [
      'initialDelayMs',
      { initialDelayMs: 10 },
      'initialDelayMs: unknown option; did you mean reconnect.initialDelayMs?',
    ],
    [
      'reconnect.maxDelay',
      { reconnect: { maxDelay: 10 } },
      'reconnect.maxDelay: unknown option; did you mean reconnect.maxDelayMs?',
    ],
    ['offlineQueue.size', { offlineQueue: { size: 10 } }, 'offlineQueue.size: unknown option'],
    ['overflow', { overflow: 'error' }, 'overflow: unknown option; did you mean offlineQueue.overflow?'],
    [
      'registration.methods',
      { productSecret: 'ps', registration: { methods: 'https' } },
      'registration.methods: unknown option; did you mean registration.method?',
    ],
    ['timeoutMs', { timeoutMs: 10 }, 'timeoutMs: unknown option; did you mean registration.timeoutMs?'],
    [
      'publishTimeout',
      { publishTimeout: 10 },
      'publishTimeout: unknown option; did you mean publishTimeoutMs?',
    ],
  ])('should refuse the unknown option %s with the closest known one', (_, patch, problem) => {
    expect(problemsOf({ ...minimal, ...patch })).toEqual([problem]);
  });

  it('should not show the value of an unknown option', () => {
    const problems = problemsOf({ ...minimal, password: SECRET, secret: SECRET });
    expect(problems).toEqual(['password: unknown option', 'secret: unknown option']);
  });

  it('should take an unknown option set to undefined', () => {
    expect(problemsOf({ ...minimal, ca: undefined, tls: { cafile: undefined } })).toEqual([]);
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
      'deviceSecret: required, or productSecret to register the device',
    ]);
  });

  it('should take a productSecret without deviceSecret, to register the device', () => {
    expect(
      problemsOf({ productKey: 'a1TestPK001', deviceName: 'dev01', productSecret: 'ProductSecret123' }),
    ).toEqual([]);
  });

  it('should refuse an unknown option that resembles none', () => {
    expect(problemsOf({ ...minimal, scheduler: {} })).toEqual(['scheduler: unknown option']);
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
