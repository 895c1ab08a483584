import type { DeviceIdentity } from '../identity';
import type { TslViolation } from '../protocol';

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

/** The device did not reply in time to a request of the cloud (`setDeviceProperty`, an async service call). */
export class ReplyTimeoutError extends Error {
  override readonly name = 'ReplyTimeoutError';
  constructor(
    readonly device: DeviceIdentity,
    readonly topic: string,
    readonly id: string,
    readonly timeoutMs: number,
  ) {
    super(
      `no reply from ${device.productKey}/${device.deviceName} to ${topic} (id ${id}) within ${timeoutMs} ms`,
    );
  }
}

/** A call the product's thing model refuses: an undefined property or service, or a value breaking its spec. */
export class TslViolationError extends Error {
  override readonly name = 'TslViolationError';
  constructor(readonly violations: readonly TslViolation[]) {
    super(`refused by the thing model: ${violations.map((v) => v.message).join('; ')}`);
  }
}

/** `updateDeviceShadow` with a version that is not above the shadow's. */
export class ShadowVersionConflictError extends Error {
  override readonly name = 'ShadowVersionConflictError';
  constructor(
    readonly device: DeviceIdentity,
    readonly version: number,
    readonly currentVersion: number,
  ) {
    super(
      `shadow of ${device.productKey}/${device.deviceName} is at version ${currentVersion}; ${version} is not above it`,
    );
  }
}

/**
 * A call to a pass-through device whose request the product's data-parsing script could not turn into bytes
 * (`protocolToRawData`): `code` 26002 when the script failed, 26007 when it gave no array of bytes.
 */
export class RawDataConversionError extends Error {
  override readonly name = 'RawDataConversionError';
  constructor(
    readonly device: DeviceIdentity,
    readonly topic: string,
    readonly code: number,
    reason: string,
  ) {
    super(`the data-parsing script of ${device.productKey} cannot send ${topic}: ${reason}`);
  }
}

/** A device the emulator does not know: not in its products, not registered since, or deleted. */
export class DeviceNotFoundError extends Error {
  override readonly name = 'DeviceNotFoundError';
  constructor(readonly device: DeviceIdentity) {
    super(`device ${device.productKey}/${device.deviceName} does not exist`);
  }
}

/** No file of the device has this id: never uploaded, or deleted (`queryDeviceFile`, `deleteDeviceFile`). */
export class DeviceFileNotFoundError extends Error {
  override readonly name = 'DeviceFileNotFoundError';
  constructor(
    readonly device: DeviceIdentity,
    readonly fileId: string,
  ) {
    super(`device ${device.productKey}/${device.deviceName} has no file ${fileId}`);
  }
}

/** No job has this id (`queryJob`, `cancelJob`). */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`no job ${jobId}`);
  }
}

/** No task has this id (`queryTask`). */
export class JobTaskNotFoundError extends Error {
  override readonly name = 'JobTaskNotFoundError';
  constructor(readonly taskId: string) {
    super(`no task ${taskId}`);
  }
}
