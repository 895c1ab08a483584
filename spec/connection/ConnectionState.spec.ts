import { aliyunStatusCode, type ConnectionState } from '../../lib/connection/ConnectionState';
import { ConnectionLostError, ConnectionRefusedError } from '../../lib/connection/errors';

describe('aliyunStatusCode', () => {
  it.each<[ConnectionState, number]>([
    [{ status: 'connected', sessionPresent: false }, 0],
    [{ status: 'idle' }, 1],
    [{ status: 'connecting', attempt: 1 }, 1],
    [{ status: 'registering', attempt: 1 }, 1],
    [{ status: 'reconnecting', attempt: 1, delayMs: 10, error: new ConnectionLostError('x') }, 1],
    [{ status: 'reconnecting', attempt: 1, delayMs: 10, error: new ConnectionRefusedError(4, 'x') }, -1],
    [{ status: 'closed' }, 2],
    [{ status: 'closed', error: new ConnectionRefusedError(5, 'x') }, -1],
  ])('should map %j to %i', (state, code) => {
    expect(aliyunStatusCode(state)).toBe(code);
  });
});
