// Errors that end a stream: Error subclasses with a fixed `name` and the data a caller needs.
// None of them carries a secret: the password and the device secret never reach this layer.

/** The broker refused the CONNECT (CONNACK return code 1–5). 4 and 5 mean the credentials were refused. */
export class ConnectionRefusedError extends Error {
  override readonly name = 'ConnectionRefusedError';
  constructor(
    readonly returnCode: number,
    reason: string,
  ) {
    super(`connection refused (CONNACK ${returnCode}): ${reason}`);
  }
}

/** The connection closed or could not be established (network error, broker gone, connect timeout). */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
  constructor(
    reason: string,
    override readonly cause?: unknown,
  ) {
    super(`connection lost: ${reason}`);
  }
}

/** The device was closed by `close()` (or gave up reconnecting) before the operation could finish. */
export class DeviceClosedError extends Error {
  override readonly name = 'DeviceClosedError';
  constructor(what: string) {
    super(`device closed: ${what}`);
  }
}

/** The broker answered a SUBSCRIBE with a failure for this filter (SUBACK 0x80). */
export class SubscribeRefusedError extends Error {
  override readonly name = 'SubscribeRefusedError';
  constructor(
    readonly filter: string,
    readonly returnCode: number,
  ) {
    super(`subscription to "${filter}" refused by the broker (SUBACK ${returnCode})`);
  }
}

/** Why a publish was refused before it was sent. */
export type PublishRefusal =
  | 'qos-not-supported'
  | 'retain-not-supported'
  | 'invalid-topic'
  | 'outside-namespace'
  | 'topic-too-long'
  | 'invalid-payload'
  | 'payload-too-large'
  | 'offline-queue-full';

/** A publish that was refused before it reached the wire; `reason` says why. */
export class PublishRefusedError extends Error {
  override readonly name = 'PublishRefusedError';
  constructor(
    readonly reason: PublishRefusal,
    readonly topic: string,
    detail: string,
  ) {
    super(`publish to "${topic}" refused: ${detail}`);
  }
}

/** A publish that was sent but not acknowledged within `timeoutMs`. */
export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`publish to "${topic}" not acknowledged within ${timeoutMs} ms`);
  }
}

/** A filter outside the device's own namespace: the platform would refuse it. */
export class OutsideNamespaceError extends Error {
  override readonly name = 'OutsideNamespaceError';
  constructor(readonly filter: string) {
    super(`"${filter}" is outside the device's own topic namespace`);
  }
}
