import { createHmac } from 'node:crypto';
import * as E from 'fp-ts/Either';
import {
  HttpAccessAnswer,
  httpAuthRequest,
  HttpAuthRequest,
  httpMessageIdOf,
  httpTopicOfTarget,
  httpTopicPath,
} from '../../lib/protocol';

describe('httpAccessPayloads', () => {
  it('should sign the authentication over clientId, deviceName, productKey and timestamp, as documented', () => {
    const body = httpAuthRequest({
      productKey: 'a1FHTWxQabc',
      deviceName: 'http_test',
      deviceSecret: 'the-device-secret',
      clientId: '127.0.0.1',
      signMethod: 'hmacmd5',
      timestamp: 1567003778853,
    });
    const content = 'clientId127.0.0.1deviceNamehttp_testproductKeya1FHTWxQabctimestamp1567003778853';
    expect(body).toEqual({
      version: 'default',
      clientId: '127.0.0.1',
      signmethod: 'hmacmd5',
      sign: createHmac('md5', 'the-device-secret').update(content).digest('hex'),
      productKey: 'a1FHTWxQabc',
      deviceName: 'http_test',
      timestamp: '1567003778853',
    });
    expect(E.isRight(HttpAuthRequest.decode(body))).toBe(true);
  });

  it.each<[string, string, string | undefined]>([
    ['a number past 2^53', '{"code":0,"info":{"messageId":892687627916247040}}', '892687627916247040'],
    ['a string of digits', '{"code":0,"info":{"messageId":"12"}}', '12'],
    ['spaces around the colon', '{"info": {"messageId" :  7}}', '7'],
    ['no id', '{"code":0,"message":"success"}', undefined],
  ])('should read the message id exactly from %s', (_name, body, id) => {
    expect(httpMessageIdOf(body)).toBe(id);
  });

  it.each<[unknown, boolean]>([
    [{ code: 0, message: 'success', info: { token: 't' } }, true],
    [{ code: '20001', message: 'token is expired' }, true],
    [{ message: 'no code' }, false],
    [{ code: 'zero' }, false],
  ])('should decode %j as an answer: %s', (json, ok) => {
    expect(E.isRight(HttpAccessAnswer.decode(json))).toBe(ok);
  });

  it.each<[string, E.Either<string, string>]>([
    ['/topic/pk/dn/user/update', E.right('/pk/dn/user/update')],
    ['/topic/pk/dn/user/a%20b%3Fc', E.right('/pk/dn/user/a b?c')],
    ['/topic/pk/dn/user/../x', E.left('a topic in a path has no "." or ".." level')],
    ['/topic/pk/dn/user/%2E', E.left('a topic in a path has no "." or ".." level')],
    ['/topic/pk/dn//x', E.left('a topic in a path has no empty level')],
    ['/topic/pk/dn/x%2F', E.left('a topic in a path has no empty level')],
    ['/topic/pk/dn/%2B', E.left('a topic has no wildcard "+" or "#"')],
    ['/topic/pk/dn/x?y', E.left('a topic path has no query string or fragment')],
    ['/x/../topic/pk/dn/x', E.left('the path is not /topic/ and a topic')],
  ])('should read the topic of the target %s, or why it is none', (target, topic) => {
    expect(httpTopicOfTarget(target)).toEqual(topic);
  });

  it('should give a path whose topic reads back as it was, a space or a ? included', () => {
    const topic = '/pk/dn/user/a b?c#d/%2e';
    expect(httpTopicPath(topic)).toBe('/topic/pk/dn/user/a%20b%3Fc%23d/%252e');
    expect(httpTopicOfTarget(httpTopicPath('/pk/dn/user/a b?c/%2e'))).toEqual(
      E.right('/pk/dn/user/a b?c/%2e'),
    );
  });
});
