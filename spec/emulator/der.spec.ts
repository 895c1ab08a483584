import * as der from '../../lib/emulator/der';

const hex = (bytes: Buffer) => bytes.toString('hex');

describe('der', () => {
  it.each<[string, Buffer, string]>([
    ['a short sequence', der.sequence(der.boolean(true)), '30030101ff'],
    ['an empty sequence', der.sequence(), '3000'],
    ['a long octet string', der.octetString(Buffer.alloc(200)), '0481c8' + '00'.repeat(200)],
    ['a longer one', der.octetString(Buffer.alloc(300)), '0482012c' + '00'.repeat(300)],
    ['a small integer', der.smallInteger(2), '020102'],
    ['an integer with its high bit set', der.unsignedInteger(Buffer.from([0x80])), '02020080'],
    ['an integer with leading zeros', der.unsignedInteger(Buffer.from([0, 0, 1])), '020101'],
    ['the commonName OID', der.oid('2.5.4.3'), '0603550403'],
    ['the ecdsa-with-SHA256 OID', der.oid('1.2.840.10045.4.3.2'), '06082a8648ce3d040302'],
    ['a UTF-8 string', der.utf8String('é'), '0c02c3a9'],
    ['a bit string', der.bitString(Buffer.from([0xab])), '030200ab'],
    ['[3] EXPLICIT', der.explicit(3, der.sequence()), 'a3023000'],
    ['a UTCTime', der.time(new Date('2026-01-02T03:04:05Z')), '170d3236303130323033303430355a'],
    [
      'a GeneralizedTime from 2050',
      der.time(new Date('2053-07-04T06:36:58Z')),
      '180f32303533303730343036333635385a',
    ],
  ])('should encode %s', (_, encoded, expected) => {
    expect(hex(encoded)).toBe(expected);
  });
});
