import type { DeviceIdentity } from '../identity';
import type { JobStatus, TslViolation } from '../protocol';
import type { CloudDiagnostic } from './cloudDiagnostics';

/** A device that is online at the emulator. */
export interface OnlineDevice extends DeviceIdentity {
  /** The device's own id: the part of its MQTT clientId before `|`. */
  readonly clientId: string;
}

/** A PUBLISH a device sent to the platform. */
export interface ReceivedMessage extends OnlineDevice {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
}

/** Why a CONNECT was refused. Never carries the password or any secret. */
export type RefusalReason =
  | 'malformed-client-id' // no `|…|` part
  | 'bad-username' // not `${deviceName}&${productKey}`
  | 'unknown-device'
  | 'unknown-sign-method' // signmethod missing or not one of SIGN_METHODS
  | 'bad-signature'
  | 'keepalive-out-of-range' // outside 30–1200 s
  | 'client-id-too-long' // the device's own clientId, before `|`, over 64 characters
  | 'device-disabled' // the console disabled it (`disableThing`); CONNACK 5, which code the platform sends is unverified
  | 'secure-mode-mismatch' // securemode not 2 over TLS (mqtts, wss), not 3 over TCP and ws
  | 'registration-not-allowed' // no productSecret or dynamic registration off for the product (CONNACK 5)
  | 'device-already-activated' // a registration of a device that has logged in (CONNACK 5)
  | 'malformed-request'; // an HTTPS registration form that lacks a field

/** Why a connection was closed by the emulator for what the device sent. */
export type ViolationReason =
  | 'qos2-publish'
  | 'retained-publish'
  | 'topic-not-allowed' // outside the device's namespace
  | 'payload-too-large'
  | 'not-publishable' // in the namespace, but not a topic the device may publish on (it only receives it)
  | 'no-session'; // a gateway sent for a sub-device of its topology that is not logged in (error 520)

/** Why a sub-device's session through its gateway ended. */
export type SubDeviceLogoutReason =
  | 'logout' // the gateway logged it out
  | 'gateway-disconnected' // the gateway's connection ended: the platform does not log its sub-devices in again
  | 'topology-removed' // it left the gateway's topology
  | 'kicked' // it logged in through another gateway, or by itself
  | 'dropped' // `Emulator.disconnect()` named it
  | 'disabled' // `disableThing`
  | 'deleted'; // `deleteDevice`

/** Why a subscription was refused (SUBACK 128); `not-subscribable`: it reaches no topic the device may receive. */
export type SubscriptionRefusal = 'invalid-filter' | 'outside-namespace' | 'not-subscribable';

/** Who ended a connection. */
export type DisconnectReason =
  | 'device' // the device sent DISCONNECT, closed its socket, or its keepalive expired
  | 'kicked' // another login of the same device
  | 'violation' // see the `violation` event just before
  | 'dropped' // `Emulator.disconnect()`
  | 'disabled' // `disableThing`
  | 'deleted' // `deleteDevice`
  | 'emulator-closed'; // `Emulator.close()`

/** What happens at the broker, one event per packet or connection change. */
export type EmulatorEvent =
  | { readonly type: 'connect'; readonly device: OnlineDevice }
  | {
      readonly type: 'refused';
      readonly reason: RefusalReason;
      /**
       * CONNACK return code sent: 2 (identifier rejected) for the keepalive, a clientId over 64 characters
       * and a securemode the transport does not have; 5 (not authorized) for a registration the product or the
       * device does not allow; 4 (bad username or password) otherwise.
       */
      readonly returnCode: 2 | 4 | 5;
      /** The MQTT clientId and username as sent (neither is a secret). */
      readonly clientId: string;
      readonly username: string | undefined;
    }
  | { readonly type: 'disconnect'; readonly device: OnlineDevice; readonly reason: DisconnectReason }
  | {
      readonly type: 'subscribe';
      readonly device: OnlineDevice;
      readonly filters: readonly string[];
      /** The SUBACK codes, in the order of `filters`: 0, 1 or 128 (failure). */
      readonly granted: readonly number[];
    }
  | { readonly type: 'unsubscribe'; readonly device: OnlineDevice; readonly filters: readonly string[] }
  | {
      readonly type: 'kicked';
      /** The connection that is closed. */
      readonly device: OnlineDevice;
      /** The own clientId of the new login that replaces it. */
      readonly byClientId: string;
    }
  | {
      /** An HTTPS registration was refused (MQTT ones are `refused` events, with their CONNACK code). */
      readonly type: 'registration-refused';
      readonly method: 'https';
      /** The device the form named, when it named one. */
      readonly device?: DeviceIdentity | undefined;
      readonly reason: RefusalReason;
    }
  | {
      /** A device registered dynamically and was given a secret or a token (never shown here). */
      readonly type: 'registered';
      readonly device: DeviceIdentity;
      readonly method: 'register' | 'regnwl' | 'https';
    }
  | {
      readonly type: 'violation';
      readonly device: OnlineDevice;
      readonly reason: ViolationReason;
      readonly topic: string;
      /** What the emulator did: closed the connection, or (`wrongDirection: 'drop'`) acknowledged and dropped it. */
      readonly action: 'closed' | 'dropped';
    }
  | {
      /** One filter of a SUBSCRIBE got SUBACK 128; the `subscribe` event follows with every filter. */
      readonly type: 'subscription-refused';
      readonly device: OnlineDevice;
      readonly filter: string;
      readonly reason: SubscriptionRefusal;
    }
  | {
      /** A thing-model request of a device that the emulator answered: a post, a desired-property request, a thing model fetched. */
      readonly type: 'thing';
      readonly device: OnlineDevice;
      readonly method: string;
      readonly id: string;
      /** The code answered; none for a post with `sys.ack` 0, which gets no reply. */
      readonly code?: number | undefined;
      /** What the post broke of the product's thing model, when it did. */
      readonly violations?: readonly TslViolation[] | undefined;
    }
  | {
      /** A sub-device logged in through its gateway's connection (`combine/login`). */
      readonly type: 'sub-device-login';
      readonly gateway: OnlineDevice;
      readonly device: OnlineDevice;
    }
  | {
      readonly type: 'sub-device-logout';
      readonly gateway: OnlineDevice;
      readonly device: OnlineDevice;
      readonly reason: SubDeviceLogoutReason;
    }
  | {
      /** Sub-devices joined or left a gateway's topology. */
      readonly type: 'topology';
      readonly gateway: DeviceIdentity;
      readonly change: 'added' | 'removed';
      readonly devices: readonly DeviceIdentity[];
    }
  | {
      /** A gateway reported sub-devices it found (`thing.list.found`), as the platform accepted them. */
      readonly type: 'sub-devices-found';
      readonly gateway: DeviceIdentity;
      readonly devices: readonly DeviceIdentity[];
    }
  | {
      /**
       * HTTPS device access: an authentication (`POST /auth`) or a message (`POST /topic/…`) and its answer's
       * code (`HTTP_ACCESS_CODES`, 0 for success); `device` when the request named one the emulator could read.
       */
      readonly type: 'http-access';
      readonly action: 'auth' | 'publish';
      readonly code: number;
      readonly device?: DeviceIdentity | undefined;
      readonly topic?: string | undefined;
    }
  | {
      /** The console disabled a device, enabled it again, or deleted it (`disableThing`, `enableThing`, `deleteDevice`). */
      readonly type: 'lifecycle';
      readonly device: DeviceIdentity;
      readonly change: 'disabled' | 'enabled' | 'deleted';
    }
  | {
      /**
       * A pass-through product's data-parsing script ran: on the device's bytes (`up_raw`, `down_raw_reply`,
       * an RRPC `down_raw`), or to make the bytes the emulator sent on `topic` (`up_raw_reply`, `down_raw`).
       */
      readonly type: 'raw-data';
      readonly device: DeviceIdentity;
      /** The topic of the bytes. */
      readonly topic: string;
      /** The Alink message: what the script made of the device's bytes, or what it was given. */
      readonly json?: Readonly<Record<string, unknown>> | undefined;
      /** Why nothing was sent on: 26002 the script failed, 26007 it gave the wrong kind of result, 6450 no method. */
      readonly code?: number | undefined;
      readonly message?: string | undefined;
    }
  | {
      /**
       * A file upload over MQTT: opened (`init`, also an `append` that resumes), finished (`complete`),
       * given up (`cancel`), or a request refused (`code` other than 200; chunks taken are not reported).
       */
      readonly type: 'file-upload';
      readonly device: DeviceIdentity;
      readonly step: 'init' | 'send' | 'cancel';
      readonly code: number;
      readonly uploadId?: string | undefined;
      readonly fileName?: string | undefined;
      /** The bytes the upload has, after this step. */
      readonly size?: number | undefined;
      readonly complete?: boolean | undefined;
      readonly message?: string | undefined;
    }
  | {
      /**
       * A task of a job changed (queued, sent, updated by the device, cancelled, timed out), or a device's
       * update of it was answered: then `code` is the answer's (200, or why it was refused).
       */
      readonly type: 'job';
      readonly device: DeviceIdentity;
      readonly jobId: string;
      readonly taskId: string;
      /** The task's status after the change. */
      readonly status: JobStatus;
      readonly progress: number;
      readonly code?: number | undefined;
      readonly message?: string | undefined;
    }
  | {
      /**
       * A block asked for over MQTT (`thing/file/download`) that was refused (`code` other than 200), spoiled
       * by a fault, or the last of the file (`complete`). Blocks given as asked are too many to report.
       */
      readonly type: 'file-download';
      readonly device: DeviceIdentity;
      /** What the request named; absent when it did not decode. */
      readonly streamId?: number | undefined;
      readonly fileId?: number | undefined;
      readonly offset?: number | undefined;
      /** The bytes of the block (0 for a refusal). */
      readonly size: number;
      readonly code: number;
      readonly complete?: boolean | undefined;
      /** A fault of the firmware's `blockFaults`: the reply `dropped`, or sent with a bad CRC-16. */
      readonly fault?: 'dropped' | 'bad-checksum' | undefined;
      readonly message?: string | undefined;
    }
  | {
      /**
       * A device declared which of its topics carry gzip (`codec/topic/update`): `code` 200, the emulator
       * keeps these topics (in place of those it had); otherwise it refused them (`message` says why) and
       * keeps what it had.
       */
      readonly type: 'compression';
      readonly device: DeviceIdentity;
      readonly code: number;
      /** What the device compresses (the platform decompresses). */
      readonly uplink: readonly string[];
      /** What the platform compresses for the device. */
      readonly downlink: readonly string[];
      readonly message?: string | undefined;
    }
  | {
      /** A payload on a topic the device declared compressed that did not gunzip: dropped, not handed on. */
      readonly type: 'decompression-failed';
      readonly device: DeviceIdentity;
      readonly topic: string;
      /** No gzip (or a damaged one), or it would gunzip to more than 1 MiB. */
      readonly reason: 'not-gzip' | 'too-large';
      /** The size of the payload as it came. */
      readonly bytes: number;
    }
  | {
      /**
       * A device reported its diagnostics: a report of the Link SDK's `diag` in a log post (`kind` `alert` or
       * `summary`), or its network status on `_thing/diag/post` (`network-status`).
       */
      readonly type: 'diagnostic';
      readonly device: DeviceIdentity;
      readonly diagnostic: CloudDiagnostic;
    }
  | {
      /** A call of the cloud to a device (`rrpc`, `setDeviceProperty`, `invokeThingService`) and how it ended. */
      readonly type: 'call';
      readonly call: CloudCall;
      readonly device: DeviceIdentity;
      /** The topic the request went to. */
      readonly topic: string;
      readonly outcome: 'answered' | 'timeout' | 'offline' | 'failed';
      /** From the request to its end (the device's answer, the timeout or the failure). */
      readonly durationMs: number;
    };

/** The cloud's calls to devices, named after the platform's server API (OpenAPI). */
export type CloudCall =
  | 'rrpc'
  | 'setDeviceProperty'
  | 'invokeThingService'
  | 'disableThing'
  | 'deleteDevice'
  | 'notifyAddThingTopo';
