// Just enough DER (ITU-T X.690) to write an X.509 certificate: each function returns one encoded value.

function lengthOf(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A value with its tag and length. */
export const tagged = (tag: number, ...contents: readonly Buffer[]): Buffer => {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), lengthOf(body.length), body]);
};

export const sequence = (...items: readonly Buffer[]): Buffer => tagged(0x30, ...items);
export const set = (...items: readonly Buffer[]): Buffer => tagged(0x31, ...items);
/** `[n] EXPLICIT`: a constructed context-specific tag around a whole value. */
export const explicit = (n: number, value: Buffer): Buffer => tagged(0xa0 | n, value);
export const boolean = (value: boolean): Buffer => tagged(0x01, Buffer.from([value ? 0xff : 0]));
export const octetString = (bytes: Buffer): Buffer => tagged(0x04, bytes);
export const utf8String = (text: string): Buffer => tagged(0x0c, Buffer.from(text, 'utf8'));
/** A BIT STRING of whole bytes. */
export const bitString = (bytes: Buffer): Buffer => tagged(0x03, Buffer.from([0]), bytes);

/** A non-negative INTEGER from its big-endian bytes (a leading 0 keeps it positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const positive = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return tagged(0x02, positive);
}

export const smallInteger = (n: number): Buffer => unsignedInteger(Buffer.from([n]));

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const sevens: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      sevens.unshift((n % 128) | (sevens.length > 0 ? 0x80 : 0));
      if (n < 128) break;
    }
    bytes.push(...sevens);
  }
  return tagged(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return date.getUTCFullYear() < 2050
    ? tagged(0x17, Buffer.from(iso.slice(2), 'ascii'))
    : tagged(0x18, Buffer.from(iso, 'ascii'));
}
