/** The largest Alink message id (a string of digits, 0–4294967295). */
export const MAX_MESSAGE_ID = 4_294_967_295;

/**
 * A source of Alink message ids: strings of digits that count up from `start` and wrap to 0 after
 * 4294967295. The default start is the clock in milliseconds (modulo the range), so that a device that
 * restarts does not reuse the ids it sent shortly before, unless it sent more than one per millisecond.
 *
 * ```ts
 * const next = messageIds(4294967294);
 * next(); next(); next(); // '4294967294', '4294967295', '0'
 * ```
 */
export function messageIds(start: number = Date.now()): () => string {
  let next = Math.floor(Math.abs(start)) % (MAX_MESSAGE_ID + 1);
  return () => {
    const id = next;
    next = id === MAX_MESSAGE_ID ? 0 : id + 1;
    return String(id);
  };
}

const perDevice = new WeakMap<object, () => string>();

/**
 * The next message id of one device: every service of the same device object draws from one sequence, so
 * that ids are unique per device whichever service sends.
 */
export function nextMessageId(device: object): string {
  return sequenceOf(device)();
}

function sequenceOf(device: object): () => string {
  let next = perDevice.get(device);
  if (next === undefined) {
    next = messageIds();
    perDevice.set(device, next);
  }
  return next;
}

/**
 * Makes `alias` draw its message ids from the sequence of `device`: a wrapper of a device (one that
 * compresses its payloads, say) that services take in its place, so that ids stay unique per device.
 */
export function shareMessageIds(alias: object, device: object): void {
  perDevice.set(alias, sequenceOf(device));
}
