/** Takes every own `__proto__` key out of a parsed value, walking it without recursion (it may be deep). */
function dropProtoKeys(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    // An own data property of that name shadows Object.prototype's accessor: `delete` takes the property.
    if (Object.hasOwn(value, '__proto__')) delete (value as Record<string, unknown>)['__proto__'];
    for (const field of Object.values(value)) pending.push(field);
  }
}

/**
 * `JSON.parse` for text from outside (a device, the cloud, an HTTP body), without `__proto__` keys. JSON.parse
 * makes such a key an own property, harmless by itself; but io-ts copies an object it changes with
 * `Object.assign`, which turns that property into the copy's prototype, and the optional fields the text left
 * out are then read from it, unchecked (a device's `{"__proto__":{"method":{}}}` made the emulator's event
 * log throw). The keys are looked for only in a text that may hold one, spelled out or escaped (`\u005f...`).
 */
export function parseJson(text: string): unknown {
  const json = JSON.parse(text) as unknown;
  if (text.includes('__proto__') || text.includes('\\u')) dropProtoKeys(json);
  return json;
}

/**
 * Whether a parsed value nests objects and arrays more than `levels` deep. Recursive, but never more than
 * `levels` calls deep, whatever the value's depth.
 */
export function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels <= 0) return true;
  for (const item of Array.isArray(value) ? value : Object.values(value))
    if (nestedDeeperThan(item, levels - 1)) return true;
  return false;
}
