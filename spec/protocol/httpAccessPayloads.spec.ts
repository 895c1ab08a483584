import { createHmac } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { HttpAccessAnswer, httpAuthRequest, HttpAuthRequest, httpMessageIdOf } from '../../lib/protocol';

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
});
