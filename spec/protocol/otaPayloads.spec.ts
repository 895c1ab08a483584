import * as E from 'fp-ts/Either';
import {
  DigestMethod,
  isMqttFirmware,
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

describe('OtaFirmware over MQTT', () => {
  const md5Sign = '93230c3bde42500000000000000000ab';

  it('should read the push of the OTA doc: dProtocol mqtt, a streamId and a streamFileId, no url', () => {
    const data = {
      size: 432945,
      version: '2.0.0',
      isDiff: 1,
      signMethod: 'MD5',
      dProtocol: 'mqtt',
      streamId: 1397345,
      streamFileId: 1,
      md5: md5Sign,
      digestsign: 'A4WOP***SYHJ6DDDJD9***',
      sign: md5Sign,
      module: 'MCU',
      extData: { key1: 'value1' },
    };
    const decoded = OtaFirmware.decode(data);
    expect(decoded).toEqual(
      E.right({
        version: '2.0.0',
        dProtocol: 'mqtt',
        streamId: 1397345,
        streamFileId: 1,
        size: 432945,
        signMethod: 'MD5',
        sign: md5Sign,
        md5: md5Sign,
        module: 'MCU',
        isDiff: true,
        extData: { key1: 'value1' },
      }),
    );
    expect(E.isRight(decoded) && isMqttFirmware(decoded.right)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, object]>([
    [
      'the captured push: Md5, numbers',
      { dProtocol: 'mqtt', streamId: 14267, streamFileId: 1, signMethod: 'Md5' },
      { streamId: 14267, streamFileId: 1 },
    ],
    [
      'ids as strings, MQTT in capitals',
      { dProtocol: 'MQTT', streamId: '14267', streamFileId: '2' },
      { streamId: 14267, streamFileId: 2 },
    ],
    ['no streamFileId: 1', { dProtocol: 'mqtt', streamId: 5 }, { streamId: 5, streamFileId: 1 }],
    [
      'no dProtocol, a streamId and no url',
      { streamId: 5, streamFileId: 1 },
      { streamId: 5, streamFileId: 1 },
    ],
    [
      'a url beside dProtocol mqtt, which wins',
      { dProtocol: 'mqtt', streamId: 5, url: 'https://x' },
      { streamId: 5, streamFileId: 1 },
    ],
  ])('should read %s', (_, fields, expected) => {
    const decoded = OtaFirmware.decode({ version: '1.0.0', size: 5092, md5: md5Sign, ...fields });
    expect(decoded).toEqual(E.right(expect.objectContaining({ dProtocol: 'mqtt', ...expected })));
    expect(E.isRight(decoded) && 'url' in decoded.right).toBe(false);
  });

  it('should read an announcement with a url and a dProtocol other than mqtt as one over HTTP(S)', () => {
    const decoded = OtaFirmware.decode({ ...base, md5, dProtocol: 'https' });
    expect(decoded).toEqual(E.right({ ...base, signMethod: 'MD5', sign: md5, md5, isDiff: false }));
    expect(E.isRight(decoded) && isMqttFirmware(decoded.right)).toBe(false);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['dProtocol mqtt with no streamId', { dProtocol: 'mqtt' }, /needs a streamId/],
    ['a negative streamId', { dProtocol: 'mqtt', streamId: -1 }, /needs a streamId/],
    ['a fractional streamFileId', { dProtocol: 'mqtt', streamId: 1, streamFileId: 1.5 }, /streamFileId/],
    ['neither a url nor a stream', {}, /no url/],
  ])('should refuse %s, saying why', (_, fields, reason) => {
    const decoded = OtaFirmware.decode({ version: '1', size: 1, md5, ...fields });
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.message).join()).toMatch(reason);
  });

  it('should write what it reads back, and an OTA push over MQTT as the cloud sends it', () => {
    const fields = {
      version: '2.0.0',
      size: 10,
      sign: md5,
      md5,
      dProtocol: 'mqtt' as const,
      streamId: 7,
      streamFileId: 1,
    };
    const data = otaFirmwareData(fields);
    expect(data).toEqual({ ...fields, signMethod: 'MD5' });
    expect('url' in data).toBe(false);
    expect(OtaFirmware.decode(data)).toEqual(E.right({ ...fields, signMethod: 'MD5', isDiff: false }));
    const push = OtaPush.decode(JSON.parse(JSON.stringify(otaPushPayload({ id: '3', ...fields }))));
    expect(E.isRight(push) && push.right.data).toEqual(
      expect.objectContaining({ dProtocol: 'mqtt', streamId: 7 }),
    );
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
