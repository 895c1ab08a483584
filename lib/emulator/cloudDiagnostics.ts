import * as E from 'fp-ts/Either';
import { Subscription } from 'rxjs';
import type { DeviceIdentity } from '../identity';
import {
  DiagnosticLogEntry,
  isDiagnosticModule,
  NetworkStatusParams,
  type DiagnosticAlert,
  type LogEntry,
  type NetworkStatusSample,
} from '../protocol';
import { answerAlink } from './answerAlink';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { CloudSide } from './CloudSide';
import type { ReceivedMessage } from './emulatorEvent';

/** A report of the Link SDK's `diag` that a device posted as a log entry, as the emulator read it. */
export type DiagnosticLog = DiagnosticAlert & {
  /** As the device wrote it: a date, or (the Link SDK's) milliseconds. */
  readonly utcTime: string;
  /** When the emulator received it (its `clock`, UTC ms). */
  readonly receivedAt: number;
};

/** A network status a device reported on `_thing/diag/post`. */
export interface NetworkStatusReport {
  readonly kind: 'network-status';
  /** One reading (`model` now), or several (history). */
  readonly samples: readonly NetworkStatusSample[];
  readonly model: string;
  readonly receivedAt: number;
}

/** What a device reported of its diagnostics: a `diag` report, or a network status. */
export type CloudDiagnostic = DiagnosticLog | NetworkStatusReport;

/** The latest of each kind a device reported. */
export interface DeviceDiagnostics {
  readonly connect?: DiagnosticLog | undefined;
  readonly heartbeat?: DiagnosticLog | undefined;
  readonly uplink?: DiagnosticLog | undefined;
  readonly network?: NetworkStatusReport | undefined;
}

/** The console's side of device diagnostics. No server API name is known for it. */
export interface CloudDiagnosticCalls {
  /**
   * The latest `diag` report of each item (connect, heartbeat, uplink) a device posted as a log, and its
   * latest network status (`_thing/diag/post`); empty for a device that reported none.
   */
  queryDeviceDiagnostics(device: DeviceIdentity): DeviceDiagnostics;
}

export interface CloudDiagnostics extends CloudDiagnosticCalls {
  /** Tells the diagnostics of the entries of a log post (`cloudLogs` calls it with each post it kept). */
  logsPosted(message: ReceivedMessage, entries: readonly LogEntry[]): void;
  readonly subscription: Subscription;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/**
 * Reads the log entries of `diag` reports (`module` `DiagMqttConnection`, `DiagMqttHeartbeat`,
 * `DiagAlinkUplink`; `DiagnosticLogEntry`) and answers network status reports with 200 (460 for params that
 * do not decode): each is a `diagnostic` event, and the latest of each kind is kept per device. An entry of a
 * diag module whose content is not the Link SDK's stays a log entry only. What the platform answers to
 * `_thing/diag/post` besides the code is unverified: the reply's `data` is `{}`.
 */
export function cloudDiagnostics(cloud: CloudSide): CloudDiagnostics {
  const latest = new Map<string, DeviceDiagnostics>();
  const keep = (message: ReceivedMessage, diagnostic: CloudDiagnostic) => {
    const slot = diagnostic.kind === 'network-status' ? 'network' : diagnostic.item;
    latest.set(keyOf(message), { ...latest.get(keyOf(message)), [slot]: diagnostic });
    const { productKey, deviceName } = message;
    cloud.emit({ type: 'diagnostic', device: { productKey, deviceName }, diagnostic });
  };
  const subscription = new Subscription();
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.diagPost, NetworkStatusParams, ({ p, model }, _request, message) => {
      const samples = Array.isArray(p) ? p : [p];
      keep(message, { kind: 'network-status', samples, model, receivedAt: cloud.now() });
      return {};
    }),
  );
  return {
    logsPosted(message, entries) {
      const receivedAt = cloud.now();
      for (const entry of entries) {
        if (!isDiagnosticModule(entry.module)) continue;
        const alert = DiagnosticLogEntry.decode(entry);
        if (E.isRight(alert)) keep(message, { ...alert.right, utcTime: entry.utcTime, receivedAt });
      }
    },
    queryDeviceDiagnostics: (device) => ({ ...latest.get(keyOf(device)) }),
    subscription,
  };
}
