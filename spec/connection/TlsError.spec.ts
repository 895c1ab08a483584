// The module object itself (not a namespace of getters), so that a spy on connect is what MQTT.js calls.
import tls from 'node:tls';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { createCertificateAuthority, type KeyPair } from '../../lib/emulator/certificates';
import { ALIYUN_ROOT_CERTIFICATES } from '../../lib/identity/aliyunRootCertificates';
import type { Endpoint } from '../../lib/identity/resolveEndpoint';
import type { TlsOptions } from '../../lib/identity/tlsOptions';
import { tlsClientOptions, TlsError, tlsErrorOf } from '../../lib/connection/TlsError';
import { describeWithMosquitto, Mosquitto } from '../support/mosquitto';
import { testDevice } from '../support/testBrokers';

describe('tlsErrorOf', () => {
  it.each<[string, string]>([
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      "the server's certificate is not signed by a trusted certificate authority",
    ],
    ['SELF_SIGNED_CERT_IN_CHAIN', "the server's certificate chain ends in an untrusted self-signed root"],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', "the server's certificate is self-signed and not trusted"],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "the server's certificate names another host"],
    ['CERT_HAS_EXPIRED', "the server's certificate has expired"],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'the TLS handshake failed: boom'],
  ])('should name the problem of %s', (code, problem) => {
    const error = tlsErrorOf(Object.assign(new Error('boom'), { code }));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({
      name: 'TlsError',
      code,
      problem,
      message: `TLS failed: ${problem} (${code})`,
    });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', undefined, 5])('should leave %p alone', (code) => {
    expect(tlsErrorOf(Object.assign(new Error('x'), { code }))).toBeUndefined();
  });
});

describe('tlsClientOptions', () => {
  it('should set nothing without tls', () => {
    expect(tlsClientOptions(undefined, undefined)).toEqual({});
  });

  it('should pass every field at the top and for websockets, bytes as Buffers', () => {
    const tls: TlsOptions = {
      ca: ['a', new Uint8Array([1])],
      cert: 'c',
      key: new Uint8Array([2]),
      rejectUnauthorized: false,
      servername: 'broker.example',
    };
    const expected = {
      ca: ['a', Buffer.from([1])],
      cert: 'c',
      key: Buffer.from([2]),
      rejectUnauthorized: false,
      servername: 'broker.example',
    };
    expect(tlsClientOptions(tls, { wsOptions: { headers: { x: '1' } } })).toEqual({
      ...expected,
      wsOptions: { headers: { x: '1' }, ...expected },
    });
  });
});

// A real mosquitto with a TLS listener and certificates the test makes.
describeWithMosquitto('createDevice over TLS, against mosquitto', () => {
  const ca = createCertificateAuthority();
  const brokers: Mosquitto[] = [];
  const devices: AliyunDevice[] = [];

  const broker = async (certificate: KeyPair | undefined) => {
    const started = await Mosquitto.start(certificate ? { tls: certificate } : {});
    brokers.push(started);
    return started;
  };

  /** The state a device ends in after one attempt: connected, or closed with the error. */
  const outcome = async (url: string, tls?: TlsOptions) => {
    const device = createDevice({
      ...testDevice,
      endpoint: { url },
      reconnect: false,
      ...(tls ? { tls } : {}),
    });
    devices.push(device);
    const settled = firstValueFrom(
      device.state$.pipe(filter((s) => s.status === 'connected' || s.status === 'closed')),
    );
    device.start();
    return settled;
  };

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  it('should connect when the server is signed by the given ca', async () => {
    const mosquitto = await broker(ca.issue());
    await expect(outcome(mosquitto.url, { ca: ca.cert })).resolves.toEqual({
      status: 'connected',
      sessionPresent: false,
    });
  });

  it.each<[string, () => KeyPair, TlsOptions | undefined, string]>([
    [
      'another ca',
      () => ca.issue(),
      { ca: createCertificateAuthority().cert },
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ],
    ["Node's roots only", () => ca.issue(), undefined, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    [
      'another host name',
      () => ca.issue({ hosts: ['broker.example'] }),
      { ca: ca.cert },
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ],
    [
      'an expired certificate',
      () => ca.issue({ notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }),
      { ca: ca.cert },
      'CERT_HAS_EXPIRED',
    ],
  ])('should close with a TlsError for %s', async (_, certificate, tls, code) => {
    const mosquitto = await broker(certificate());
    const state = await outcome(mosquitto.url, tls);
    expect(state).toEqual({ status: 'closed', error: expect.any(TlsError) });
    expect(state.status === 'closed' && state.error).toMatchObject({ code });
  });

  it('should connect to a server of another name when servername names it', async () => {
    const mosquitto = await broker(ca.issue({ hosts: ['broker.example'] }));
    const state = await outcome(mosquitto.url, { ca: ca.cert, servername: 'broker.example' });
    expect(state.status).toBe('connected');
  });

  it('should connect to any certificate with rejectUnauthorized: false', async () => {
    const mosquitto = await broker(createCertificateAuthority().issue({ hosts: ['broker.example'] }));
    const state = await outcome(mosquitto.url, { rejectUnauthorized: false });
    expect(state.status).toBe('connected');
  });

  it('should keep trying with backoff, showing the TlsError while it does', async () => {
    const mosquitto = await broker(ca.issue());
    const device = createDevice({
      ...testDevice,
      endpoint: { url: mosquitto.url },
      tls: { ca: createCertificateAuthority().cert },
      reconnect: { initialDelayMs: 10, jitter: 'none', maxRetries: 1 },
    });
    devices.push(device);
    const states = lastValueFrom(device.state$.pipe(filter((s) => s.status === 'reconnecting')));
    device.start();
    await expect(states).resolves.toEqual({
      status: 'reconnecting',
      attempt: 1,
      delayMs: 10,
      error: expect.any(TlsError),
    });
  });
});

// The cloud endpoints, pointed at a loopback mosquitto through MQTT.js's own host and port options: TLS with
// verification on, against Node's roots and the platform's roots shipped in the package.
describeWithMosquitto('createDevice on a cloud endpoint, without a tls option', () => {
  const ca = createCertificateAuthority();
  let mosquitto: Mosquitto;
  let device: AliyunDevice | undefined;
  beforeAll(async () => (mosquitto = await Mosquitto.start({ tls: ca.issue() })));
  afterAll(() => mosquitto.close());
  afterEach(async () => {
    await device?.close();
    jest.restoreAllMocks();
  });

  it.each<[string, Endpoint, string]>([
    ['a region', { region: 'cn-shanghai' }, 'mqtts://a1TestPK001.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883'],
    [
      'an instance',
      { instanceId: 'iot-06z00ab12cd34ef' },
      'mqtts://iot-06z00ab12cd34ef.mqtt.iothub.aliyuncs.com:8883',
    ],
  ])(
    'should dial %s over TLS, trusting the platform roots and Node’s, and refuse another CA',
    async (_, endpoint, url) => {
      // Observed, not replaced: every call goes on to Node's own tls.connect.
      const dialed = jest.spyOn(tls, 'connect');
      device = createDevice(
        { ...testDevice, endpoint, reconnect: false },
        { clientOptions: { host: '127.0.0.1', port: mosquitto.port } },
      );
      expect(device.url).toBe(url);
      const settled = firstValueFrom(device.state$.pipe(filter((s) => s.status === 'closed')));
      device.start();
      const state = await settled;
      expect(state.status === 'closed' && state.error).toMatchObject({
        name: 'TlsError',
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
      expect(dialed).toHaveBeenCalledTimes(1);
      const options = dialed.mock.calls[0]![0] as tls.ConnectionOptions;
      expect(options.rejectUnauthorized).toBe(true);
      expect(options.ca).toEqual([...tls.rootCertificates, ...ALIYUN_ROOT_CERTIFICATES]);
    },
  );
});
