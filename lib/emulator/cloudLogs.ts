import * as t from 'io-ts';
import { Subscription } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import { alinkRequest, LOG_METHODS, logConfig, LogPostParams, type LogEntry } from '../protocol';
import { answerAlink } from './answerAlink';
import type { CloudSide } from './CloudSide';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { ReceivedMessage } from './emulatorEvent';

/** How many log entries the emulator keeps of each device: past it, the oldest go. */
const KEPT_PER_DEVICE = 1000;

/** One log entry a device reported (the fields of `LogEntry`), with the time it arrived. */
export interface DeviceLog {
  /** As the device wrote it, e.g. `2020-03-06T15:15:25.934+0800`. */
  readonly utcTime: string;
  readonly logLevel: string;
  readonly module: string;
  readonly logContent: string;
  readonly code?: string | number | undefined;
  readonly traceContext?: string | undefined;
  /** When the emulator received it (its `clock`, UTC ms). */
  readonly receivedAt: number;
}

/** The entry's own fields only: a device may send others, which are not kept. */
function deviceLog(entry: LogEntry, receivedAt: number): DeviceLog {
  const { utcTime, logLevel, module, logContent, code, traceContext } = entry;
  return {
    utcTime,
    logLevel,
    module,
    logContent,
    ...(code === undefined ? {} : { code }),
    ...(traceContext === undefined ? {} : { traceContext }),
    receivedAt,
  };
}

/**
 * The console's side of device log reporting. No server API name is known for either call: they are the
 * console's "device local log reporting" switch and its log page.
 */
export interface CloudLogCalls {
  /**
   * Switches log reporting of a device on or off: what `thing.config.log.get` answers from now on, pushed
   * to the device (`thing.config.log.push`) when it is online. Off by default, as in the console.
   */
  setDeviceLogReporting(device: DeviceIdentity, on: boolean): Promise<void>;
  /** The entries a device reported (`thing.log.post`), oldest first: the latest 1,000 of each device. */
  queryDeviceLogs(device: DeviceIdentity): readonly DeviceLog[];
}

export interface CloudLogs extends CloudLogCalls {
  readonly subscription: Subscription;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/**
 * Answers `thing.config.log.get` with the device's switch (`mode` 0 or 1) and `thing.log.post` with 200,
 * keeping the entries (460 for params that are not 1 to 40 entries), and telling `posted` of them (device
 * diagnostics read theirs there). The emulator keeps a post's entries whatever the switch says; whether the
 * platform drops them while it is off is unverified.
 */
export function cloudLogs(
  cloud: CloudSide,
  posted: (message: ReceivedMessage, entries: readonly LogEntry[]) => void = () => undefined,
): CloudLogs {
  const reporting = new Set<string>();
  const logs = new Map<string, DeviceLog[]>();
  const subscription = new Subscription();
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.logConfigGet, t.unknown, (_params, _request, message) => ({
      data: logConfig(reporting.has(keyOf(message)) ? 1 : 0),
    })),
  );
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.logPost, LogPostParams, (entries, _request, message) => {
      const key = keyOf(message);
      const kept = logs.get(key) ?? [];
      const receivedAt = cloud.now();
      kept.push(...entries.map((entry) => deviceLog(entry, receivedAt)));
      if (kept.length > KEPT_PER_DEVICE) kept.splice(0, kept.length - KEPT_PER_DEVICE);
      logs.set(key, kept);
      posted(message, entries);
      return {};
    }),
  );
  return {
    async setDeviceLogReporting(device, on) {
      if (on) reporting.add(keyOf(device));
      else reporting.delete(keyOf(device));
      if (!cloud.isOnline(device)) return;
      const payload = alinkRequest({
        id: cloud.nextId(),
        method: LOG_METHODS.configPush,
        params: logConfig(on ? 1 : 0),
      });
      await cloud.publish(deviceTopics(device).logConfigPush, payload, { qos: 1 });
    },
    queryDeviceLogs: (device) => [...(logs.get(keyOf(device)) ?? [])],
    subscription,
  };
}
