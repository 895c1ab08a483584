/** MQTT 3.1.1 §1.5.3: a UTF-8 encoded string is at most 65535 bytes long. */
export const MAX_TOPIC_BYTES = 65535;

/**
 * Why `text` cannot be sent as an MQTT topic string, or `undefined` when it can: it must be 1 to 65535 UTF-8
 * bytes (§4.7.3, §1.5.3), contain no U+0000 and no lone surrogate (which has no UTF-8 encoding, so the
 * bytes on the wire would not be the string the caller wrote).
 *
 * One pass over the UTF-16 code units, no `Buffer`: this runs for every filter compiled into a router.
 */
export function encodingProblem(text: string): string | undefined {
  if (text.length === 0) return 'it is empty (MQTT 3.1.1 §4.7.3 wants at least one character)';
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return `it contains the null character U+0000 at index ${i} (§4.7.3)`;
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return `it contains a lone surrogate at index ${i}, which has no UTF-8 encoding (§1.5.3)`;
      }
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  if (bytes > MAX_TOPIC_BYTES) {
    return `it is ${bytes} UTF-8 bytes long, over the limit of ${MAX_TOPIC_BYTES} (§1.5.3)`;
  }
  return undefined;
}
