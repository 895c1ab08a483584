import * as E from 'fp-ts/Either';
import {
  HttpsRegistrationForm,
  HttpsRegistrationReply,
  httpsRegistrationReplyPayload,
  RegisteredSecret,
  registeredSecretPayload,
  RegisteredToken,
  registeredTokenPayload,
  REGISTRATION_CODES,
} from '../../lib/protocol/registrationPayloads';

const secret = { productKey: 'a1TestPK001', deviceName: 'dev01', deviceSecret: 's3cr3t' };
const token = { clientId: 'cid', productKey: 'a1TestPK001', deviceName: 'dev01', deviceToken: 't0k3n' };

describe('registration payloads', () => {
  it('should round-trip what the emulator sends through what the device decodes', () => {
    expect(RegisteredSecret.decode(JSON.parse(JSON.stringify(registeredSecretPayload(secret))))).toEqual(
      E.right(secret),
    );
    expect(RegisteredToken.decode(JSON.parse(JSON.stringify(registeredTokenPayload(token))))).toEqual(
      E.right(token),
    );
  });

  it('should keep only the fields of the wire format', () => {
    expect(registeredSecretPayload({ ...secret, extra: 1 } as typeof secret)).toEqual(secret);
  });

  it.each<[string, unknown]>([
    ['an empty secret', { ...secret, deviceSecret: '' }],
    ['a missing deviceName', { productKey: 'pk', deviceSecret: 's' }],
    ['a number', 42],
  ])('should refuse %s as a registered secret', (_, value) => {
    expect(E.isLeft(RegisteredSecret.decode(value))).toBe(true);
  });

  it('should say what it expected of a bad secret, never what it got', () => {
    const decoded = RegisteredSecret.decode({ ...secret, deviceSecret: 42 });
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.message)).toEqual(['must be a non-empty string']);
  });

  it.each<[unknown, boolean]>([
    [{ code: 200, data: secret, message: 'success' }, true],
    [{ code: '6289', message: 'activated' }, true],
    [{ code: 460 }, true],
    [{ message: 'no code' }, false],
  ])('should decode %j as an HTTPS answer: %p', (value, ok) => {
    expect(E.isRight(HttpsRegistrationReply.decode(value))).toBe(ok);
  });

  it('should write the HTTPS answers of success and refusal', () => {
    expect(httpsRegistrationReplyPayload(secret)).toEqual({ code: 200, data: secret, message: 'success' });
    expect(
      httpsRegistrationReplyPayload({ code: REGISTRATION_CODES.ALREADY_ACTIVATED, message: 'm' }),
    ).toEqual({
      code: 6289,
      message: 'm',
    });
  });

  it('should read the HTTPS form', () => {
    const form = { productKey: 'pk', deviceName: 'dev01', random: 'r', sign: 'abc', signMethod: 'hmacsha1' };
    expect(HttpsRegistrationForm.decode(form)).toEqual(E.right(form));
    expect(E.isLeft(HttpsRegistrationForm.decode({ ...form, sign: '' }))).toBe(true);
  });
});
