// The two checksums of a file upload over MQTT, as the Link SDK for C computes them: CRC-16/ARC over each
// chunk (the platform's docs call it "CRC16/IBM") and CRC-64/XZ over the whole file (`ficMode: crc64`).

/** CRC-16/ARC: polynomial 0x8005 reflected (0xA001), init 0, no final XOR. */
const CRC16_TABLE = Uint16Array.from({ length: 256 }, (_, n) => {
  let crc = n;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  return crc;
});

/** The CRC-16/ARC of `bytes`: `crc16(Buffer.from('123456789'))` is 0xbb3d. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = (crc >>> 8) ^ CRC16_TABLE[(crc ^ byte) & 0xff]!;
  return crc;
}

// CRC-64/XZ: polynomial 0x42F0E1EBA9EA3693 reflected (0xC96C5795D7870F42), init and final XOR all ones. A
// 64-bit value is kept as two unsigned 32-bit halves, so that no BigInt is made per byte.
const POLY_HIGH = 0xc96c5795;
const POLY_LOW = 0xd7870f42;
const CRC64_HIGH = new Uint32Array(256);
const CRC64_LOW = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let high = 0;
  let low = n;
  for (let bit = 0; bit < 8; bit++) {
    const carry = low & 1;
    low = ((low >>> 1) | ((high & 1) << 31)) >>> 0;
    high >>>= 1;
    if (carry) {
      high = (high ^ POLY_HIGH) >>> 0;
      low = (low ^ POLY_LOW) >>> 0;
    }
  }
  CRC64_HIGH[n] = high;
  CRC64_LOW[n] = low;
}

const hex32 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * The CRC-64/XZ of `bytes` as an upload's `ficValue` writes it: 16 lowercase hex digits, most significant
 * first. `crc64(Buffer.from('123456789'))` is `'995dc9bbdf1939fa'`.
 */
export function crc64(bytes: Uint8Array): string {
  let high = 0xffffffff;
  let low = 0xffffffff;
  for (const byte of bytes) {
    const index = (low ^ byte) & 0xff;
    low = (((low >>> 8) | (high << 24)) ^ CRC64_LOW[index]!) >>> 0;
    high = ((high >>> 8) ^ CRC64_HIGH[index]!) >>> 0;
  }
  return hex32((high ^ 0xffffffff) >>> 0) + hex32((low ^ 0xffffffff) >>> 0);
}
