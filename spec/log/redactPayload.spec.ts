import { previewPayload, redactPayload } from '../../lib/log/redactPayload';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (payload: Uint8Array) => new TextDecoder().decode(payload);

describe('redactPayload', () => {
  it.each<[string, string, string]>([
    [
      "a dynamic registration's answer",
      '{"productKey":"a1","deviceName":"d","deviceSecret":"s3cret"}',
      '{"productKey":"a1","deviceName":"d","deviceSecret":"[redacted]"}',
    ],
    [
      'a registration without a whitelist',
      '{"clientId":"c","deviceToken":"t0k"}',
      '{"clientId":"c","deviceToken":"[redacted]"}',
    ],
    [
      'sub-device logins, at any depth',
      '{"id":"1","params":[{"deviceName":"s","sign":"abc","signmethod":"hmacsha1"}]}',
      '{"id":"1","params":[{"deviceName":"s","sign":"[redacted]","signmethod":"hmacsha1"}]}',
    ],
    [
      'any case of the names',
      '{"data":{"ProductSecret":"x","PASSWORD":"y","accessToken":{"v":1}}}',
      '{"data":{"ProductSecret":"[redacted]","PASSWORD":"[redacted]","accessToken":"[redacted]"}}',
    ],
  ])('should redact %s', (_, payload, redacted) => {
    expect(text(redactPayload(bytes(payload)))).toBe(redacted);
  });

  it.each([
    ['JSON without such fields', '{"signal":"s","tokens_left":3}'],
    ['JSON whose values only mention them', '{"note":"the deviceSecret is kept on the device"}'],
    ['text that is not JSON', 'my secret'],
  ])('should give the same bytes for %s', (_, payload) => {
    const given = bytes(payload);
    expect(redactPayload(given)).toBe(given);
  });

  it('should redact a payload nested 10,000 deep whole, without overflowing the stack', () => {
    const deep = `${'['.repeat(10_000)}"s3cret"${']'.repeat(10_000)}`;
    expect(text(redactPayload(bytes(`{"sign":"x","a":${deep}}`)))).toBe('"[redacted]"');
    expect(previewPayload(bytes(`{"sign":"x","a":${deep}}`))).toBe('"\\"[redacted]\\""');
    // Without a name like a secret's, nothing is walked: the bytes are the same.
    const plain = bytes(`{"a":${deep}}`);
    expect(redactPayload(plain)).toBe(plain);
  });

  it('should give the same bytes for a payload that is not UTF-8', () => {
    const given = new Uint8Array([0xff, 0xfe, 0x00]);
    expect(redactPayload(given)).toBe(given);
  });
});

describe('previewPayload', () => {
  it('should show text as a JSON string, redacted', () => {
    expect(previewPayload(bytes('{"deviceSecret":"s3cret"}'))).toBe(
      '"{\\"deviceSecret\\":\\"[redacted]\\"}"',
    );
  });

  it('should cut long text', () => {
    expect(previewPayload(bytes('x'.repeat(200)), 10)).toBe(`"${'x'.repeat(10)}…"`);
  });

  it('should give the size of bytes that are not text', () => {
    expect(previewPayload(new Uint8Array([0xff, 1, 2]))).toBe('<3 bytes, not UTF-8>');
  });
});
