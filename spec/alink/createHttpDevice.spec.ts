// The device side of HTTPS access over a fake HTTPS port, in virtual time: one authentication shared by every
// publish, a new token when the platform says the old one is no good (once), and every failure a value.
import { createHmac } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { merge, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createHttpDevice, type HttpDeviceOptions } from '../../lib/alink/createHttpDevice';
import type { HttpsAnswer, HttpsSendRequest } from '../../lib/connection/registrationPorts';
import { DeviceOptionsError } from '../../lib/identity';

const DEVICE = { productKey: 'a1HttpPK001', deviceName: 'meter01', deviceSecret: 'meter-secret' };
const TOPIC = '/a1HttpPK001/meter01/user/update';
const POST_PATH = `/topic${TOPIC}`;
const answer = (body: string, status = 200): HttpsAnswer => ({ status, body: Buffer.from(body) });
const AUTH_OK = (token: string) => answer(`{"code":0,"message":"success","info":{"token":"${token}"}}`);
const POSTED = answer('{"code":0,"message":"success","info":{"messageId":892687627916247040}}');
const EXPIRED = answer('{"code":20001,"message":"token is expired"}');

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** A device whose HTTPS port answers with `reply(request, index)`; `requests` lists what it was asked. */
function deviceWith(
  reply: (request: HttpsSendRequest, index: number) => Observable<HttpsAnswer>,
  options: Partial<HttpDeviceOptions> = {},
) {
  const requests: HttpsSendRequest[] = [];
  const device = createHttpDevice({
    ...DEVICE,
    url: 'https://iot.example/',
    clock: () => 1_700_000_000_000,
    https: (request) => {
      requests.push(request);
      return reply(request, requests.length - 1);
    },
    ...options,
  });
  return { device, requests };
}

const pathOf = (request: HttpsSendRequest) => new URL(request.url).pathname;
const text = (request: HttpsSendRequest) => new TextDecoder().decode(request.body);

describe('createHttpDevice', () => {
  it('should authenticate once for publishes made together, then post each with the token', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, requests } = deviceWith((request) =>
        pathOf(request) === '/auth' ? cold('--a|', { a: AUTH_OK('t1') }) : cold('-p|', { p: POSTED }),
      );
      const one = device.publish({ topic: TOPIC, payload: 'one' });
      const two = device.publish({ topic: TOPIC, payload: new Uint8Array([1, 2]) });
      const receipt = E.right({ topic: TOPIC, messageId: '892687627916247040' });
      expectObservable(merge(one, two)).toBe('---(ab|)', { a: receipt, b: receipt });
      scheduler.flush();
      expect(requests.map(pathOf)).toEqual(['/auth', POST_PATH, POST_PATH]);
      expect(requests.slice(1).map((r) => [r.contentType, r.headers])).toEqual([
        ['application/octet-stream', { password: 't1' }],
        ['application/octet-stream', { password: 't1' }],
      ]);
    });
  });

  it('should sign the authentication as documented, with the device secret nowhere in it', () => {
    scheduler.run(({ cold }) => {
      const { device, requests } = deviceWith(() => cold('a|', { a: AUTH_OK('t') }), {
        clientId: 'sn-0001',
        signMethod: 'hmacmd5',
      });
      device.publish({ topic: TOPIC, payload: 'x' }).subscribe();
      scheduler.flush();
      const auth = requests[0]!;
      expect(auth.contentType).toBe('application/json');
      const content = 'clientIdsn-0001deviceNamemeter01productKeya1HttpPK001timestamp1700000000000';
      expect(JSON.parse(text(auth))).toEqual({
        version: 'default',
        clientId: 'sn-0001',
        signmethod: 'hmacmd5',
        sign: expect.stringMatching(/^[0-9a-f]{32}$/),
        productKey: DEVICE.productKey,
        deviceName: DEVICE.deviceName,
        timestamp: '1700000000000',
      });
      const expected = createHmac('md5', DEVICE.deviceSecret).update(content).digest('hex');
      expect(JSON.parse(text(auth)).sign).toBe(expected);
      expect(text(auth)).not.toContain(DEVICE.deviceSecret);
    });
  });

  it('should build each authentication when it is made: one given up on is not sent again with its old timestamp', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device, requests } = deviceWith(
        (request) =>
          pathOf(request) === '/auth' ? cold('----a|', { a: AUTH_OK('t') }) : cold('p|', { p: POSTED }),
        { clock: () => 1_700_000_000_000 + scheduler.now() },
      );
      expectObservable(device.publish({ topic: TOPIC, payload: '1' }), '^ 1ms !').toBe('');
      expectObservable(device.publish({ topic: TOPIC, payload: '2' }), '10ms ^').toBe('14ms (a|)', {
        a: E.right({ topic: TOPIC, messageId: '892687627916247040' }),
      });
      scheduler.flush();
      const auths = requests.filter((r) => pathOf(r) === '/auth').map((r) => JSON.parse(text(r)) as object);
      expect(auths).toEqual([
        expect.objectContaining({ timestamp: '1700000000000' }),
        expect.objectContaining({ timestamp: '1700000000010' }),
      ]);
    });
  });

  it('should sign an integer of milliseconds, whatever fraction the clock gives', () => {
    scheduler.run(({ cold }) => {
      const { device, requests } = deviceWith(() => cold('a|', { a: AUTH_OK('t') }), {
        clientId: 'sn-0001',
        clock: () => 1_700_000_000_000.75,
      });
      device.publish({ topic: TOPIC, payload: 'x' }).subscribe();
      scheduler.flush();
      const content = 'clientIdsn-0001deviceNamemeter01productKeya1HttpPK001timestamp1700000000000';
      expect(JSON.parse(text(requests[0]!))).toMatchObject({
        timestamp: '1700000000000',
        sign: createHmac('sha1', DEVICE.deviceSecret).update(content).digest('hex'),
      });
    });
  });

  it('should keep the token for later publishes, and ask again once when the platform says it expired', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [AUTH_OK('t1'), POSTED, EXPIRED, AUTH_OK('t2'), POSTED];
      const { device, requests } = deviceWith((_, i) => cold('-a|', { a: answers[i]! }));
      const receipt = E.right({ topic: TOPIC, messageId: '892687627916247040' });
      expectObservable(device.publish({ topic: TOPIC, payload: '1' })).toBe('--(a|)', { a: receipt });
      expectObservable(device.publish({ topic: TOPIC, payload: '2' }), '^ 10ms !').toBe('----(a|)', {
        a: receipt,
      });
      scheduler.flush();
      expect(requests.map(pathOf)).toEqual(['/auth', POST_PATH, POST_PATH, '/auth', POST_PATH]);
      expect(requests.map((r) => r.headers?.['password'])).toEqual([undefined, 't1', 't1', undefined, 't2']);
    });
  });

  it('should not loop when a fresh token is refused too: the second refusal is the result', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [AUTH_OK('t1'), EXPIRED, AUTH_OK('t2'), EXPIRED];
      const { device, requests } = deviceWith((_, i) => cold('a|', { a: answers[i]! }));
      expectObservable(device.publish({ topic: TOPIC, payload: 'x' })).toBe('(a|)', {
        a: E.left(
          expect.objectContaining({
            _tag: 'HttpPublishFailure',
            reason: 'refused',
            code: 20001,
            topic: TOPIC,
          }),
        ),
      });
      scheduler.flush();
      expect(requests).toHaveLength(4);
    });
  });

  it('should give a refused authentication as a value, and authenticate afresh at the next publish', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const answers = [answer('{"code":20000,"message":"auth check error"}'), AUTH_OK('t'), POSTED];
      const { device, requests } = deviceWith((_, i) => cold('a|', { a: answers[i]! }));
      expectObservable(device.publish({ topic: TOPIC, payload: 'x' })).toBe('(a|)', {
        a: E.left(
          expect.objectContaining({ reason: 'auth-refused', code: 20000, message: 'auth check error' }),
        ),
      });
      expectObservable(device.publish({ topic: TOPIC, payload: 'x' }), '-^').toBe('-(a|)', {
        a: E.right({ topic: TOPIC, messageId: '892687627916247040' }),
      });
      scheduler.flush();
      expect(requests.map(pathOf)).toEqual(['/auth', '/auth', POST_PATH]);
    });
  });

  it.each<[string, string, HttpsAnswer]>([
    ['a body that is not JSON', 'bad-answer', answer('<html>')],
    ['an answer without a code', 'bad-answer', answer('{"message":"?"}')],
    ['a success without a token', 'bad-answer', answer('{"code":0}')],
  ])('should give %s to the authentication as a %s failure', (_name, reason, reply) => {
    scheduler.run(({ cold, expectObservable }) => {
      const { device } = deviceWith(() => cold('a|', { a: reply }));
      expectObservable(device.publish({ topic: TOPIC, payload: 'x' })).toBe('(a|)', {
        a: E.left(expect.objectContaining({ reason })),
      });
    });
  });

  it('should time out a request that gets no answer, and give a network error as unreachable', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const silent = deviceWith(() => cold('-'), { timeoutMs: 100 }).device;
      expectObservable(silent.publish({ topic: TOPIC, payload: 'x' })).toBe('100ms (a|)', {
        a: E.left(expect.objectContaining({ reason: 'timeout', message: 'no answer within 100 ms' })),
      });
      const broken = deviceWith(() => cold('#', {}, new Error('ECONNREFUSED'))).device;
      expectObservable(broken.publish({ topic: TOPIC, payload: 'x' })).toBe('(a|)', {
        a: E.left(expect.objectContaining({ reason: 'unreachable', message: 'ECONNREFUSED' })),
      });
    });
  });

  it.each<[string, string, string | Uint8Array]>([
    ['invalid-topic', '/a1HttpPK001/meter01/user/+', 'x'],
    ['invalid-topic', '/a1HttpPK001/meter01/user/..', 'x'],
    ['invalid-topic', '/a1HttpPK001/meter01/./user/update', 'x'],
    ['invalid-topic', '/a1HttpPK001/meter01/user//update', 'x'],
    ['outside-namespace', '/a1OtherPK01/meter01/user/update', 'x'],
    ['payload-too-large', TOPIC, new Uint8Array(128 * 1024 + 1)],
  ])('should refuse a publish as %s (%s) before anything is sent', (reason, topic, payload) => {
    scheduler.run(({ expectObservable }) => {
      const { device, requests } = deviceWith(() => {
        throw new Error('nothing is to be sent');
      });
      expectObservable(device.publish({ topic, payload })).toBe('(a|)', {
        a: E.left(expect.objectContaining({ _tag: 'HttpPublishFailure', reason, topic })),
      });
      scheduler.flush();
      expect(requests).toEqual([]);
    });
  });

  it('should percent-encode each level of the topic in the path, and abort a request when unsubscribed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const post = cold('----p|', { p: POSTED });
      const { device, requests } = deviceWith((request) =>
        pathOf(request) === '/auth' ? cold('a|', { a: AUTH_OK('t') }) : post,
      );
      expectObservable(
        device.publish({ topic: '/a1HttpPK001/meter01/user/a b?c', payload: 'x' }),
        '^ 2ms !',
      ).toBe('');
      expectSubscriptions(post.subscriptions).toBe('^ 2ms !');
      scheduler.flush();
      expect(requests[1]!.url).toBe('https://iot.example/topic/a1HttpPK001/meter01/user/a%20b%3Fc');
    });
  });

  it.each<[string, Partial<HttpDeviceOptions>, string]>([
    ['a timeout of 0', { timeoutMs: 0 }, 'timeoutMs: must be a positive number of milliseconds, got 0'],
    ['an endless timeout', { timeoutMs: Infinity }, 'timeoutMs: must be a positive number'],
    ['a timeout that is no number', { timeoutMs: '10' as never }, 'timeoutMs: must be a positive number'],
    ['an empty url', { url: '' }, 'url: must be an https:// URL'],
    ['a url that is no URL', { url: 'iot.example' }, 'url: must be an https:// URL'],
    ['a url of another protocol', { url: 'mqtt://iot.example' }, 'url: must be an https:// URL'],
    ['a url with a query', { url: 'https://iot.example/?a=1' }, 'url: must be an https:// URL'],
    ['an empty productKey', { productKey: '' }, 'productKey: must be 1 to 64 characters'],
    ['a productKey with a slash', { productKey: 'a1/PK' }, 'productKey: must contain only'],
    ['a deviceName too short', { deviceName: 'abc' }, 'deviceName: must be 4 to 32 characters'],
    ['a deviceName with a "+"', { deviceName: 'meter+1' }, 'deviceName: must contain only'],
    [
      'no deviceSecret',
      { deviceSecret: '' },
      'deviceSecret: must be a non-empty string, got an empty string',
    ],
    ['a clientId with a "|"', { clientId: 'a|b' }, 'clientId: must contain only'],
    [
      'a sign method the platform does not take',
      { signMethod: 'hmacsha256' as never },
      'signMethod: must be one of',
    ],
    ['a clock that is no function', { clock: 5 as never }, 'clock: must be a function'],
  ])('should refuse %s at the call with a DeviceOptionsError naming the field', (_name, bad, problem) => {
    const create = () => createHttpDevice({ ...DEVICE, ...bad });
    expect(create).toThrow(DeviceOptionsError);
    expect(create).toThrow(problem);
  });

  it('should list every bad field at once, and never show the secret', () => {
    const secret = 'the-secret-itself';
    try {
      createHttpDevice({ ...DEVICE, deviceSecret: secret, deviceName: 'x', timeoutMs: -1, url: 'http://a' });
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DeviceOptionsError);
      expect((error as DeviceOptionsError).problems.map((p) => p.split(':')[0])).toEqual([
        'deviceName',
        'url',
        'timeoutMs',
      ]);
      expect(String(error)).not.toContain(secret);
    }
  });

  it('should take the options of an instance of its own and of the emulator', () => {
    expect(() =>
      createHttpDevice({
        ...DEVICE,
        url: 'https://127.0.0.1:8443/',
        clientId: 'sn-0001',
        signMethod: 'hmacmd5',
      }),
    ).not.toThrow();
  });
});
