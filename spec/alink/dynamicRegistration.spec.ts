import { NEVER, of, throwError, EMPTY, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as E from 'fp-ts/Either';
import { dynamicRegistration } from '../../lib/alink/dynamicRegistration';
import { RegistrationFailedError, RegistrationRefusedError } from '../../lib/alink/registrationErrors';
import { ConnectionRefusedError } from '../../lib/connection/errors';
import type {
  ExchangedMessage,
  HttpsAnswer,
  HttpsPostRequest,
  MqttExchangeRequest,
  RegistrationPorts,
} from '../../lib/connection/registrationPorts';
import {
  decodeDeviceOptions,
  type DeviceOptions,
  type ResolvedDeviceOptions,
} from '../../lib/identity/deviceOptions';

// The registration flow on fake ports: what it sends, and what it makes of each answer. The ports themselves
// are tested against the emulator (spec/registerDevice.spec.ts, spec/connection/defaultRegistrationPorts.spec.ts).

const base = {
  productKey: 'a1TestPK001',
  deviceName: 'dev01',
  productSecret: 'ProductSecret123',
  endpoint: { url: 'mqtts://127.0.0.1:8883' },
} as const;

const resolved = (patch: Partial<DeviceOptions> = {}): ResolvedDeviceOptions => {
  const decoded = decodeDeviceOptions({ ...base, ...patch });
  if (E.isLeft(decoded)) throw new Error(decoded.left.join('; '));
  return decoded.right;
};

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function ports(answers: {
  mqtt?: (request: MqttExchangeRequest) => Observable<ExchangedMessage>;
  https?: (request: HttpsPostRequest) => Observable<HttpsAnswer>;
}) {
  const sent: (MqttExchangeRequest | HttpsPostRequest)[] = [];
  const fake: RegistrationPorts = {
    mqtt: (request) => (sent.push(request), answers.mqtt?.(request) ?? NEVER),
    https: (request) => (sent.push(request), answers.https?.(request) ?? NEVER),
    random: () => '8Ygb7ULYh53B6OA',
  };
  return { fake, sent };
}

const outcome = (observable: Observable<unknown>) =>
  new Promise<unknown>((resolve) => observable.subscribe({ next: resolve, error: resolve }));

describe('dynamicRegistration', () => {
  it('should register a pre-registered device over MQTT and give its secret', async () => {
    const { fake, sent } = ports({
      mqtt: () => of({ topic: '/ext/register', payload: json({ ...base, deviceSecret: 'issued' }) }),
    });
    await expect(outcome(dynamicRegistration(fake)(resolved({ signMethod: 'hmacsha1' })))).resolves.toEqual({
      deviceSecret: 'issued',
    });
    expect(sent).toEqual([
      {
        url: 'mqtts://127.0.0.1:8883',
        credentials: {
          clientId:
            'a1TestPK001.dev01|securemode=2,authType=register,random=8Ygb7ULYh53B6OA,signmethod=hmacsha1|',
          username: 'dev01&a1TestPK001',
          password: 'f8cfc9ecd573bbc22db88ec4ca675ae7f3ebbb99',
        },
        tls: { rejectUnauthorized: true },
      },
    ]);
  });

  it('should register with regnwl and give the clientId and token', async () => {
    const { fake, sent } = ports({
      mqtt: () =>
        of({ topic: '/ext/regnwl', payload: json({ ...base, clientId: 'cid', deviceToken: 'tok' }) }),
    });
    const options = resolved({ registration: { method: 'regnwl' }, signMethod: 'hmacmd5' });
    await expect(outcome(dynamicRegistration(fake)(options))).resolves.toEqual({
      clientId: 'cid',
      deviceToken: 'tok',
    });
    expect((sent[0] as MqttExchangeRequest).credentials.clientId).toBe(
      'a1TestPK001.dev01|securemode=-2,authType=regnwl,random=8Ygb7ULYh53B6OA,signmethod=hmacmd5|',
    );
  });

  it('should register over HTTPS with the form and give the secret', async () => {
    const { fake, sent } = ports({
      https: () =>
        of({
          status: 200,
          body: json({ code: 200, data: { ...base, deviceSecret: 'issued' }, message: 'success' }),
        }),
    });
    const options = resolved({ registration: { method: 'https', url: 'https://127.0.0.1:8443/' } });
    await expect(outcome(dynamicRegistration(fake)(options))).resolves.toEqual({ deviceSecret: 'issued' });
    expect(sent[0]).toMatchObject({ url: 'https://127.0.0.1:8443/auth/register/device' });
    expect(Object.fromEntries(new URLSearchParams((sent[0] as HttpsPostRequest).form))).toEqual({
      productKey: 'a1TestPK001',
      deviceName: 'dev01',
      random: '8Ygb7ULYh53B6OA',
      sign: 'e28749118f4405f232e6737e41b3e15be48687ff7f5e6e90534879f73ebbda57',
      signMethod: 'hmacsha256',
    });
  });

  it('should register at the cloud with the platform roots, securemode -2 and the instance on new instances', async () => {
    const { fake, sent } = ports({
      mqtt: () => of({ topic: '/ext/register', payload: json({ ...base, deviceSecret: 'issued' }) }),
    });
    await outcome(dynamicRegistration(fake)(resolved({ endpoint: { instanceId: 'iot-06z00ab12cd34ef' } })));
    const request = sent[0] as MqttExchangeRequest;
    expect(request.url).toBe('mqtts://iot-06z00ab12cd34ef.mqtt.iothub.aliyuncs.com:8883');
    expect(request.credentials.clientId).toContain('securemode=-2,authType=register');
    expect(request.credentials.clientId).toContain(',instanceId=iot-06z00ab12cd34ef|');
    expect(Array.isArray(request.tls?.ca) && request.tls.ca.length).toBeGreaterThan(2);
  });

  it.each<[number, string]>([
    [4, 'bad-signature'],
    [5, 'not-authorized'],
    [2, 'refused'],
  ])('should make CONNACK %i a RegistrationRefusedError (%s)', async (returnCode, reason) => {
    const { fake } = ports({ mqtt: () => throwError(() => new ConnectionRefusedError(returnCode, 'x')) });
    const error = await outcome(dynamicRegistration(fake)(resolved()));
    expect(error).toBeInstanceOf(RegistrationRefusedError);
    expect(error).toMatchObject({ reason, code: returnCode, method: 'register' });
  });

  it('should say that an activated device must be reset in the console', async () => {
    const { fake } = ports({
      https: () => of({ status: 200, body: json({ code: 6289, message: 'device is already activated' }) }),
    });
    const error = await outcome(
      dynamicRegistration(fake)(resolved({ registration: { method: 'https', url: 'https://h' } })),
    );
    expect(error).toMatchObject({
      name: 'RegistrationRefusedError',
      reason: 'already-activated',
      code: 6289,
    });
    expect((error as Error).message).toBe(
      'registration of a1TestPK001/dev01 refused: the device is activated already: reset the device in the console ' +
        'to register it again (the platform says: device is already activated)',
    );
  });

  it.each<[number, string]>([
    [6601, 'bad-signature'],
    [6250, 'not-allowed'],
    [6100, 'not-allowed'],
    [6299, 'refused'],
  ])('should refuse the HTTPS code %i as %s, with the code and the message', async (code, reason) => {
    const { fake } = ports({
      https: () => of({ status: 200, body: json({ code, message: 'sign check failed' }) }),
    });
    const error = await outcome(
      dynamicRegistration(fake)(resolved({ registration: { method: 'https', url: 'https://h' } })),
    );
    expect(error).toMatchObject({
      name: 'RegistrationRefusedError',
      reason,
      code,
      platformMessage: 'sign check failed',
    });
  });

  it.each<[string, ExchangedMessage]>([
    ['another topic', { topic: '/ext/regnwl', payload: json({ ...base, deviceSecret: 's3cr3t-x' }) }],
    ['no JSON', { topic: '/ext/register', payload: Buffer.from('s3cr3t-x') }],
    [
      'another device',
      { topic: '/ext/register', payload: json({ ...base, deviceName: 'dev02', deviceSecret: 's3cr3t-x' }) },
    ],
    ['no secret', { topic: '/ext/register', payload: json(base) }],
  ])('should fail with a bad-answer RegistrationFailedError on %s, never showing it', async (_, message) => {
    const { fake } = ports({ mqtt: () => of(message) });
    const error = await outcome(dynamicRegistration(fake)(resolved()));
    expect(error).toBeInstanceOf(RegistrationFailedError);
    expect(error).toMatchObject({ problem: 'bad-answer' });
    expect((error as Error).message).not.toContain('s3cr3t-x');
  });

  it('should fail with no-answer when the server closes without one', async () => {
    const { fake } = ports({ mqtt: () => EMPTY });
    await expect(outcome(dynamicRegistration(fake)(resolved()))).resolves.toMatchObject({
      name: 'RegistrationFailedError',
      problem: 'no-answer',
    });
  });

  it('should fail with timeout after registration.timeoutMs, in virtual time, and let the connection go', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<ExchangedMessage>('-');
        const fake: RegistrationPorts = { mqtt: () => answer, https: () => NEVER };
        const failure = new RegistrationFailedError(base, 'register', 'timeout', 'no answer within 500 ms');
        expectObservable(dynamicRegistration(fake)(resolved({ registration: { timeoutMs: 500 } }))).toBe(
          '500ms #',
          undefined,
          failure,
        );
        expectSubscriptions(answer.subscriptions).toBe('^ 499ms !');
      },
    );
  });

  it('should pass a network error on as it is, for the device to try again', async () => {
    const lost = new Error('ECONNREFUSED');
    const { fake } = ports({ mqtt: () => throwError(() => lost) });
    await expect(outcome(dynamicRegistration(fake)(resolved()))).resolves.toBe(lost);
  });

  it('should sign a fresh random value for each subscription', async () => {
    let n = 0;
    const sent: string[] = [];
    const fake: RegistrationPorts = {
      mqtt: (request) => (
        sent.push(request.credentials.clientId),
        of({ topic: '/ext/register', payload: json({ ...base, deviceSecret: 's' }) })
      ),
      https: () => NEVER,
      random: () => `r${++n}`,
    };
    const register = dynamicRegistration(fake)(resolved());
    await outcome(register);
    await outcome(register);
    expect(sent.map((id) => /random=(\w+)/.exec(id)?.[1])).toEqual(['r1', 'r2']);
  });
});
