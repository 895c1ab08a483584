import type { DeviceIdentity } from '../identity';

/** The emulator was closed before, or while, the operation ran. */
export class EmulatorClosedError extends Error {
  override readonly name = 'EmulatorClosedError';
  constructor() {
    super('the emulator is closed');
  }
}

/** An RRPC call went to a device that is not online (the platform answers such a call at once). */
export class DeviceOfflineError extends Error {
  override readonly name = 'DeviceOfflineError';
  constructor(readonly device: DeviceIdentity) {
    super(`device ${device.productKey}/${device.deviceName} is not online`);
  }
}

/** The device did not answer an RRPC request in time. */
export class RrpcTimeoutError extends Error {
  override readonly name = 'RrpcTimeoutError';
  constructor(
    readonly device: DeviceIdentity,
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super(`no RRPC response from ${device.productKey}/${device.deviceName} within ${timeoutMs} ms`);
  }
}

/** A cloud-to-device payload larger than the emulator's `maxPayloadBytes`. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`payload of ${bytes} bytes on ${topic} is over the limit of ${maxBytes}`);
  }
}
