import { Socket } from 'node:net';

export interface SocketTraffic {
  /** Writes handed to the operating system (`_write` and `_writev` calls): one system call each, at least. */
  readonly writes: number;
  /** Chunks read ('data' events). */
  readonly reads: number;
  /** Listeners added for 'drain' (a writer waiting for a full socket to empty). */
  readonly drainWaits: number;
}

type Method = (this: Socket, ...args: unknown[]) => unknown;
type Counted = '_write' | '_writev' | 'emit' | 'on';

/**
 * Counts the writes, reads and 'drain' waits of this process's sockets at one end of the connections to the
 * port of `url` while `during` runs: the devices' ends (connected to it), or the broker's (accepted on it).
 * It wraps `net.Socket`'s own methods and puts them back afterwards.
 */
export async function countSocketTraffic(
  url: string,
  during: () => Promise<void>,
  end: 'device' | 'broker' = 'device',
): Promise<SocketTraffic> {
  const port = Number(new URL(url).port);
  const counted = (socket: Socket) => (end === 'device' ? socket.remotePort : socket.localPort) === port;
  const proto = Socket.prototype as unknown as Record<Counted, Method>;
  const original: Record<Counted, Method> = {
    _write: proto._write,
    _writev: proto._writev,
    emit: proto.emit,
    on: proto.on,
  };
  // `emit` and `on` are inherited: putting them back means deleting the wrapper, not copying it over.
  const own = (['_write', '_writev', 'emit', 'on'] as const).map(
    (name) => [name, Object.getOwnPropertyDescriptor(proto, name)] as const,
  );
  const counts = { writes: 0, reads: 0, drainWaits: 0 };
  const wrap = (name: Counted, count: (args: unknown[]) => void): Method =>
    function (this: Socket, ...args: unknown[]) {
      if (counted(this)) count(args);
      return original[name].apply(this, args);
    };
  proto._write = wrap('_write', () => (counts.writes += 1));
  proto._writev = wrap('_writev', () => (counts.writes += 1));
  proto.emit = wrap('emit', ([event]) => {
    if (event === 'data') counts.reads += 1;
  });
  // `once` adds its listener through `on`.
  proto.on = wrap('on', ([event]) => {
    if (event === 'drain') counts.drainWaits += 1;
  });
  try {
    await during();
  } finally {
    for (const [name, descriptor] of own) {
      if (descriptor) Object.defineProperty(proto, name, descriptor);
      else delete proto[name];
    }
  }
  return counts;
}
