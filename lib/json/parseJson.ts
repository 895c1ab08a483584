/** Leaves out every `__proto__` key. */
const withoutProto = (key: string, value: unknown): unknown => (key === '__proto__' ? undefined : value);

/**
 * `JSON.parse` for text from outside (a device, the cloud, an HTTP body), without `__proto__` keys. JSON.parse
 * makes such a key an own property, harmless by itself; but io-ts copies an object it changes with
 * `Object.assign`, which turns that property into the copy's prototype, and the optional fields the text left
 * out are then read from it, unchecked (a device's `{"__proto__":{"method":{}}}` made the emulator's event
 * log throw). The reviver runs only for a text that may hold the key, spelled out or escaped (`\u005f...`):
 * it costs a callback per value.
 */
export function parseJson(text: string): unknown {
  return text.includes('__proto__') || text.includes('\\u')
    ? (JSON.parse(text, withoutProto) as unknown)
    : (JSON.parse(text) as unknown);
}
