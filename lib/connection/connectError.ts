import { ConnectionLostError, ConnectionRefusedError } from './errors';
import { tlsErrorOf } from './TlsError';

const refusalReasons: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad username or password',
  5: 'not authorized',
};

/** What an MQTT.js error during a connection means: a refused CONNACK, a TLS failure, or a lost connection. */
export function connectErrorOf(error: Error & { code?: unknown }): Error {
  const code = typeof error.code === 'number' ? error.code : undefined;
  if (code !== undefined && code >= 1 && code <= 5) {
    return new ConnectionRefusedError(code, refusalReasons[code] ?? 'refused');
  }
  return tlsErrorOf(error) ?? new ConnectionLostError(error.message, error);
}
