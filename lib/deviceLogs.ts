import * as E from 'fp-ts/Either';
import { Observable, Subject, tap } from 'rxjs';
import type { ConnectionState } from './connection/ConnectionState';
import type { Connection } from './connection/createConnection';
import { describePacket, type DevicePacket } from './connection/DevicePacket';
import type { PacketTap } from './connection/mqttJsPort';
import { logger } from './log/logger';

const connectionLog = logger('connection');
const publishLog = logger('publish');
const packetLog = logger('packet');

/** What a device shows of itself: its packets as a stream, and lines in the library's debug logs. */
export interface DeviceLogs {
  /** For the port: each packet goes to `packets$` when observed, and to `rx-aliyun-iot:packet` when on. */
  readonly tap: PacketTap;
  /** Hot: the packets of every connection, from now on; completes with `state$`. */
  readonly packets$: Observable<DevicePacket>;
  /** The connection with its states and publishes logged (`rx-aliyun-iot:connection`, `:publish`). */
  logged<C extends Connection>(connection: C, url: string): C;
}

/** The logs of the device `name` (`productKey/deviceName`). */
export function deviceLogs(name: string): DeviceLogs {
  const packets = new Subject<DevicePacket>();
  /** The ports' `changed`: told when `packets$` gains or loses an observer. */
  const watchers = new Set<() => void>();
  const observersChanged = () => {
    for (const changed of [...watchers]) changed();
  };
  const packets$ = new Observable<DevicePacket>((subscriber) => {
    const observing = packets.subscribe(subscriber);
    observersChanged();
    return () => {
      observing.unsubscribe();
      observersChanged();
    };
  });
  const tapPackets: PacketTap = {
    // The packet log is asked when a connection starts and when `packets$` gains or loses an observer.
    get active() {
      return packets.observed || packetLog.enabled;
    },
    next(packet) {
      if (packetLog.enabled) packetLog('%s %s', name, describePacket(packet));
      packets.next(packet);
    },
    watch(changed) {
      watchers.add(changed);
      return () => watchers.delete(changed);
    },
  };
  const failed = (topic: string, error: unknown) =>
    publishLog('%s publish on %s failed: %s', name, topic, describeError(error));
  const published = (receipt: { topic: string; qos: number; bytes: number }) =>
    publishLog('%s published on %s (qos %d, %d bytes)', name, receipt.topic, receipt.qos, receipt.bytes);

  return {
    tap: tapPackets,
    packets$,
    logged(connection, url) {
      const shown = shownUrl(url);
      connection.state$.subscribe({
        next: (state) => connectionLog.enabled && connectionLog('%s %s', name, describeState(state, shown)),
        complete: () => packets.complete(),
      });
      return {
        ...connection,
        // Checked once per call: a publish pays nothing for logs that are off.
        publish: (message) =>
          publishLog.enabled
            ? connection
                .publish(message)
                .pipe(tap({ next: published, error: (error) => failed(message.topic, error) }))
            : connection.publish(message),
        publishAll: () =>
          publishLog.enabled
            ? (commands) =>
                commands.pipe(
                  connection.publishAll(),
                  tap((result) =>
                    E.isLeft(result) ? failed(result.left.topic, result.left.error) : published(result.right),
                  ),
                )
            : connection.publishAll(),
      };
    },
  };
}

/** One line per state: `connecting to mqtt://127.0.0.1:1883 (attempt 1)`. */
export function describeState(state: ConnectionState, url: string): string {
  switch (state.status) {
    case 'connecting':
      return `connecting to ${url} (attempt ${state.attempt})`;
    case 'registering':
      return `registering with the product secret (attempt ${state.attempt})`;
    case 'connected':
      return `connected (session present: ${state.sessionPresent})`;
    case 'reconnecting':
      return `reconnecting in ${state.delayMs} ms (attempt ${state.attempt})${because(state.error)}`;
    case 'closed':
      return `closed${because(state.error)}`;
    default:
      return state.status;
  }
}

const because = (error: unknown) => (error === undefined ? '' : `: ${describeError(error)}`);

/** The library's errors never carry a secret: name and message say what happened. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A URL's password, if it has one, is not for a log. */
const shownUrl = (url: string) => url.replace(/^([^:/]*:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
