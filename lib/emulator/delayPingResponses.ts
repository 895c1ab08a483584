import { timer, type Subscription } from 'rxjs';

/** What the broker writes a device's packets to: a socket or a websocket's stream. */
interface Writable {
  write(chunk: unknown, ...rest: unknown[]): boolean;
  readonly destroyed: boolean;
  readonly writable: boolean;
}

/** The bytes of a PINGRESP, as mqtt-packet writes it: one write of its own. */
const isPingResponse = (chunk: unknown): boolean =>
  chunk instanceof Uint8Array && chunk.length === 2 && chunk[0] === 0xd0 && chunk[1] === 0;

/**
 * Holds each PINGRESP written to `connection` for `delayOf()` ms (read at each write, so that it can change or
 * go back to 0), then writes it if the connection is still open; every other write goes through as it was.
 * The timers are RxJS timers, kept in `timers` until they fire, so that closing it drops those waiting.
 */
export function delayPingResponses(connection: Writable, delayOf: () => number, timers: Subscription): void {
  const write = connection.write.bind(connection);
  connection.write = (chunk, ...rest) => {
    const delayMs = delayOf();
    if (delayMs <= 0 || !isPingResponse(chunk)) return write(chunk, ...rest);
    const held = timer(delayMs).subscribe(() => {
      timers.remove(held);
      if (!connection.destroyed && connection.writable) write(chunk, ...rest);
    });
    timers.add(held);
    return true;
  };
}
