import { crc16, crc64 } from '../../lib/protocol';

// Check values of the catalogue of parametrised CRC algorithms (reveng), for the ASCII bytes "123456789".
describe('crc16', () => {
  it.each<[string, Uint8Array, number]>([
    ['the check string', Buffer.from('123456789'), 0xbb3d],
    ['no bytes', new Uint8Array(0), 0],
    ['one zero byte', new Uint8Array([0]), 0],
    ['one 0xff byte', new Uint8Array([0xff]), 0x4040],
  ])('should give CRC-16/ARC of %s', (_, bytes, expected) => {
    expect(crc16(bytes)).toBe(expected);
  });

  it('should not be CRC-16/MODBUS or X-25, which the platform does not take', () => {
    expect([0x4b37, 0x906e]).not.toContain(crc16(Buffer.from('123456789')));
  });
});

describe('crc64', () => {
  it.each<[string, Uint8Array, string]>([
    ['the check string', Buffer.from('123456789'), '995dc9bbdf1939fa'],
    ['no bytes', new Uint8Array(0), '0000000000000000'],
    // Leading zeros are kept: 16 hex digits whatever the value.
    ['one zero byte', new Uint8Array([0]), '1fada17364673f59'],
  ])('should give CRC-64/XZ of %s, as 16 lowercase hex digits', (_, bytes, expected) => {
    expect(crc64(bytes)).toBe(expected);
  });

  it('should read a view into a larger buffer as its own bytes only', () => {
    const whole = Buffer.from('xx123456789yy');
    expect(crc64(whole.subarray(2, 11))).toBe('995dc9bbdf1939fa');
    expect(crc16(whole.subarray(2, 11))).toBe(0xbb3d);
  });
});
