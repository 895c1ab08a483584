import { timer, type Subscription } from 'rxjs';

/** What the broker writes a device's packets to: a socket or a websocket's stream. */
interface Writable {
  write(chunk: unknown, ...rest: unknown[]): boolean;
  readonly destroyed: boolean;
  readonly writable: boolean;
}

/**
 * Follows the packet boundaries in the bytes written to a connection, and tells a write that is one whole
 * PINGRESP (`d0 00`). The bytes alone do not say it: mqtt-packet writes a packet in pieces (its header, its
 * remaining length, its topic, its packet id, its payload each apart), so a write of `d0 00` can also be
 * packet id 53248 or a 2-byte payload, in the middle of another packet.
 */
function pingResponses(): (chunk: unknown, encoding: unknown) => boolean {
  // Where the next byte falls: a fixed header's first byte, its remaining length, or the rest of the packet.
  let stage: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let remaining = 0;
  const follow = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length) {
      if (stage === 'body') {
        const taken = Math.min(remaining, bytes.length - i);
        i += taken;
        remaining -= taken;
        if (remaining === 0) stage = 'type';
      } else if (stage === 'type') {
        i += 1;
        stage = 'length';
        length = 0;
        multiplier = 1;
      } else {
        const byte = bytes[i++] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) !== 0) continue;
        remaining = length;
        stage = remaining === 0 ? 'type' : 'body';
      }
    }
  };
  return (chunk, encoding) => {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : chunk instanceof Uint8Array
          ? chunk
          : undefined;
    if (bytes === undefined) return false;
    const atPacketStart = stage === 'type';
    follow(bytes);
    return atPacketStart && bytes.length === 2 && bytes[0] === 0xd0 && bytes[1] === 0;
  };
}

/**
 * Holds each PINGRESP written to `connection` for `delayOf()` ms (read at each write, so that it can change or
 * go back to 0), then writes it if the connection is still open; every other write goes through as it was.
 * Held between two packets, a PINGRESP is written between two packets later: a broker writes each packet in
 * one go, and a timer cannot fire in the middle of it. Call it between two packets (not from inside a
 * write), as every write from then on is followed. The timers are RxJS timers, kept in `timers` until they
 * fire, so that closing it drops those waiting.
 */
export function delayPingResponses(connection: Writable, delayOf: () => number, timers: Subscription): void {
  const write = connection.write.bind(connection);
  const isPingResponse = pingResponses();
  connection.write = (chunk, ...rest) => {
    // Every write is followed, held or not, to keep the packet boundaries.
    if (!isPingResponse(chunk, rest[0])) return write(chunk, ...rest);
    const delayMs = delayOf();
    if (delayMs <= 0) return write(chunk, ...rest);
    const held = timer(delayMs).subscribe(() => {
      timers.remove(held);
      if (!connection.destroyed && connection.writable) write(chunk, ...rest);
    });
    timers.add(held);
    return true;
  };
}
