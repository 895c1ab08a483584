import { connectErrorOf } from '../../lib/connection/connectError';
import { ConnectionLostError, ConnectionRefusedError } from '../../lib/connection/errors';
import { TlsError } from '../../lib/connection/TlsError';

describe('connectErrorOf', () => {
  it.each<[unknown, unknown, string]>([
    [4, ConnectionRefusedError, 'connection refused (CONNACK 4): bad username or password'],
    [5, ConnectionRefusedError, 'connection refused (CONNACK 5): not authorized'],
    [2, ConnectionRefusedError, 'connection refused (CONNACK 2): identifier rejected'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', TlsError, expect.stringContaining('TLS failed') as unknown as string],
    ['ECONNREFUSED', ConnectionLostError, 'connection lost: boom'],
    [undefined, ConnectionLostError, 'connection lost: boom'],
  ])('should make code %p a %p', (code, kind, message) => {
    const error = connectErrorOf(Object.assign(new Error('boom'), { code }));
    expect(error).toBeInstanceOf(kind as new () => Error);
    expect(error.message).toEqual(message);
  });
});
