import * as E from 'fp-ts/Either';
import {
  DigestMethod,
  OtaFirmware,
  otaFirmwareData,
  OtaInform,
  otaInform,
  otaProgress,
  OtaProgressReport,
  OtaPullData,
  OtaPush,
  otaPushPayload,
} from '../../lib/protocol';

const md5 = '0123456789abcdef0123456789abcdef';
const sha256 = 'ab'.repeat(32);
const base = { version: '2.0.0', url: 'https://x/fw.bin', size: 432945 };

describe('DigestMethod', () => {
  it.each([
    ['MD5', 'MD5'],
    ['Md5', 'MD5'],
    ['md5', 'MD5'],
    ['SHA256', 'SHA256'],
    ['Sha256', 'SHA256'],
    ['sha-256', 'SHA256'],
  ])('should read %p as %p', (input, expected) => {
    expect(DigestMethod.decode(input)).toEqual(E.right(expected));
  });

  it.each<unknown>(['SHA1', '', 5, null])('should refuse %p', (input) => {
    expect(E.isLeft(DigestMethod.decode(input))).toBe(true);
  });
});

describe('OtaFirmware', () => {
  it('should read a firmware in one shape: digest in lowercase, isDiff as a boolean', () => {
    const data = {
      ...base,
      size: '432945',
      sign: md5.toUpperCase(),
      signMethod: 'Md5',
      md5: md5.toUpperCase(),
      module: 'MCU',
      isDiff: '1',
      extData: { k: 1 },
    };
    expect(OtaFirmware.decode(data)).toEqual(
      E.right({ ...base, signMethod: 'MD5', sign: md5, md5, module: 'MCU', isDiff: true, extData: { k: 1 } }),
    );
  });

  it('should take the md5 as the sign when there is no sign, MD5 being the default method', () => {
    expect(OtaFirmware.decode({ ...base, md5 })).toEqual(
      E.right({ ...base, signMethod: 'MD5', sign: md5, md5, isDiff: false }),
    );
  });

  it('should take a SHA256 sign beside an md5', () => {
    expect(OtaFirmware.decode({ ...base, md5, sign: sha256, signMethod: 'SHA256' })).toEqual(
      E.right({ ...base, signMethod: 'SHA256', sign: sha256, md5, isDiff: false }),
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['no digest at all', base, /no sign/],
    ['a SHA256 method with an MD5-long sign', { ...base, sign: md5, signMethod: 'SHA256' }, /64 hex digits/],
    ['a sign that is not hex', { ...base, sign: 'z'.repeat(32) }, /32 hex digits/],
    ['a fractional size', { ...base, size: 1.5, md5 }, /whole number/],
    ['a method it does not know', { ...base, sign: md5, signMethod: 'CRC32' }, /MD5 or SHA256/],
  ])('should refuse %s, saying why', (_, data, reason) => {
    const decoded = OtaFirmware.decode(data);
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.message).join()).toMatch(reason);
  });

  it('should write what it reads back', () => {
    const firmware = { ...base, sign: md5, signMethod: 'MD5' as const, md5, isDiff: true };
    expect(OtaFirmware.decode(otaFirmwareData(firmware))).toEqual(E.right({ ...firmware }));
  });
});

describe('OtaPush', () => {
  it.each([
    ['a string code and id', { code: '1000', id: '123', message: 'success', data: { ...base, md5 } }],
    ['a number code and id', { code: 1000, id: 123, data: { ...base, md5 } }],
    ['no code', { id: '123', data: { ...base, md5 } }],
  ])('should decode a push with %s', (_, payload) => {
    const decoded = OtaPush.decode(payload);
    expect(E.isRight(decoded) && decoded.right.id).toBe('123');
    expect(E.isRight(decoded) && decoded.right.data.sign).toBe(md5);
  });

  it('should decode what the cloud sends', () => {
    const payload = otaPushPayload({ id: '9', ...base, sign: sha256, signMethod: 'SHA256', module: 'MCU' });
    expect(payload.code).toBe('1000');
    expect(OtaPush.decode(JSON.parse(JSON.stringify(payload)))).toEqual(
      E.right({
        code: 1000,
        id: '9',
        message: 'success',
        data: { ...base, sign: sha256, signMethod: 'SHA256', module: 'MCU', isDiff: false },
      }),
    );
  });

  it('should refuse a push whose code is no number', () => {
    expect(E.isLeft(OtaPush.decode({ code: 'ok', id: '1', data: { ...base, md5 } }))).toBe(true);
  });
});

describe('OtaPullData', () => {
  it.each<unknown>([{}, undefined, null])('should read %p as no firmware', (data) => {
    expect(OtaPullData.decode(data)).toEqual(E.right(undefined));
  });

  it('should read a firmware like a push', () => {
    expect(E.isRight(OtaPullData.decode({ ...base, md5 }))).toBe(true);
    expect(E.isLeft(OtaPullData.decode({ version: '1' }))).toBe(true);
  });
});

describe('inform and progress payloads', () => {
  it('should write a version report and read it back', () => {
    expect(otaInform('5', '1.0.1', 'MCU')).toEqual({ id: '5', params: { version: '1.0.1', module: 'MCU' } });
    expect(otaInform('5', '1.0.1')).toEqual({ id: '5', params: { version: '1.0.1' } });
    expect(OtaInform.decode(otaInform('5', '1.0.1'))).toEqual(
      E.right({ id: '5', params: { version: '1.0.1' } }),
    );
  });

  it('should write a progress report with its step as a string, and read the step as a number', () => {
    const report = otaProgress('6', '-3', 'verification failed');
    expect(report).toEqual({ id: '6', params: { step: '-3', desc: 'verification failed' } });
    expect(OtaProgressReport.decode(report)).toEqual(
      E.right({ id: '6', params: { step: -3, desc: 'verification failed' } }),
    );
    expect(OtaProgressReport.decode({ id: 6, params: { step: 42 } })).toEqual(
      E.right({ id: '6', params: { step: 42 } }),
    );
  });
});
