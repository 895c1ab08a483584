/** Where the connection is. `state$` replays the current one. */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  /** Dynamic registration, within a connection attempt: the device gets its credential first. */
  | { readonly status: 'registering'; readonly attempt: number }
  | { readonly status: 'connected'; readonly sessionPresent: boolean }
  | {
      readonly status: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly error?: unknown;
    }
  | { readonly status: 'closed'; readonly error?: unknown };

/**
 * The seed's `getAliyunSta()`, for porting: 0 connected, 1 connecting (also idle and a reconnect after a lost
 * connection), 2 closed (by `close()` or the server), -1 a connection error (credentials refused, or closed on
 * an error).
 */
export function aliyunStatusCode(state: ConnectionState): 0 | 1 | 2 | -1 {
  switch (state.status) {
    case 'connected':
      return 0;
    case 'idle':
    case 'connecting':
    case 'registering':
      return 1;
    case 'reconnecting':
      return isRefusal(state.error) ? -1 : 1;
    case 'closed':
      return state.error === undefined ? 2 : -1;
  }
}

function isRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConnectionRefusedError';
}
