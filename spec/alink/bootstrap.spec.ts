// Marble specs of bootstrap with a fake HTTPS port: its timeout in virtual time, and the answers it reads.
import * as E from 'fp-ts/Either';
import { EMPTY, NEVER, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { bootstrap } from '../../lib/alink/bootstrap';
import type { HttpsPostRequest } from '../../lib/connection/registrationPorts';

const device = { productKey: 'a1BootPK001', deviceName: 'boot01' };
const answering =
  (body: unknown, status = 200) =>
  () =>
    of({ status, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) });

describe('bootstrap', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should end with a timeout failure when no answer comes in time', () => {
    scheduler.run(({ expectObservable }) => {
      expectObservable(bootstrap(device, { https: () => NEVER, timeoutMs: 500 })).toBe('500ms (a|)', {
        a: E.left({ _tag: 'BootstrapFailure', reason: 'timeout', message: 'no answer within 500 ms' }),
      });
    });
  });

  it('should post the documented form to the global endpoint by default', () => {
    const posted: HttpsPostRequest[] = [];
    scheduler.run(({ expectObservable }) => {
      const https = (request: HttpsPostRequest) => {
        posted.push(request);
        return answering({ code: 200, data: { resources: { mqtt: { host: 'h.example', port: '1883' } } } })();
      };
      expectObservable(bootstrap(device, { https })).toBe('(a|)', {
        a: E.right({ host: 'h.example', port: 1883, endpoint: { url: 'mqtts://h.example:1883' } }),
      });
    });
    expect(posted).toEqual([
      {
        url: 'https://iot-auth-global.aliyuncs.com/auth/bootstrap',
        form: 'productKey=a1BootPK001&deviceName=boot01&clientId=a1BootPK001.boot01&resources=mqtt',
      },
    ]);
  });

  it('should read one answer: a port that ends without one is unreachable, one that gives two is read once', () => {
    const twice = () =>
      of(
        { status: 200, body: Buffer.from(JSON.stringify({ code: 6100 })) },
        { status: 500, body: Buffer.from('') },
      );
    scheduler.run(({ expectObservable }) => {
      expectObservable(bootstrap(device, { https: () => EMPTY })).toBe('(a|)', {
        a: E.left({
          _tag: 'BootstrapFailure',
          reason: 'unreachable',
          message: 'the request ended without an answer',
        }),
      });
      expectObservable(bootstrap(device, { https: twice })).toBe('(a|)', {
        a: E.left(expect.objectContaining({ reason: 'refused', code: 6100 })),
      });
    });
  });

  it('should put an IPv6 host in brackets in the endpoint', () => {
    const answer = answering({ code: 200, data: { resources: { mqtt: { host: '::1', port: 8883 } } } });
    scheduler.run(({ expectObservable }) => {
      expectObservable(bootstrap(device, { https: answer })).toBe('(a|)', {
        a: E.right({ host: '::1', port: 8883, endpoint: { url: 'mqtts://[::1]:8883' } }),
      });
    });
  });

  it.each<[string, unknown, string]>([
    ['a refusal without a message', { code: 6100 }, 'refused with code 6100'],
    ['no host and port', { code: 200 }, 'the answer has no host and port'],
    [
      'a port out of range',
      { code: 200, data: { resources: { mqtt: { host: 'h', port: 70000 } } } },
      'the answer has no valid host and port',
    ],
    ['another shape', { status: 'ok' }, 'HTTP 200, and the body is not a bootstrap answer'],
    ['text', 'not json', 'HTTP 200, and the body is not JSON'],
  ])('should give %s as a failure value', (_, body, message) => {
    scheduler.run(({ expectObservable }) => {
      expectObservable(bootstrap(device, { https: answering(body) })).toBe('(a|)', {
        a: E.left(expect.objectContaining({ _tag: 'BootstrapFailure', message })),
      });
    });
  });
});
