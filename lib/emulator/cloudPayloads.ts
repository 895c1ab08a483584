/** What the cloud side can publish: bytes, text (UTF-8) or any other value (JSON-encoded). */
export type CloudPayload = string | Uint8Array | object;

/** The bytes of a payload: Uint8Array as is, a string as UTF-8, anything else as JSON. */
export function encodePayload(payload: CloudPayload): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.from(JSON.stringify(payload), 'utf8');
}
