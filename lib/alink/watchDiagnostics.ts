import {
  asyncScheduler,
  connect,
  defer,
  EMPTY,
  filter,
  map,
  merge,
  mergeMap,
  race,
  share,
  skip,
  switchMap,
  take,
  takeUntil,
  takeWhile,
  timer,
  type Observable,
} from 'rxjs';
import type { ConnectionState } from '../connection/ConnectionState';
import type { DevicePacket } from '../connection/DevicePacket';
import { replyTopicOf, type AlertLevel, type DiagnosticItem } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { diagnosticSettings, type DiagnosticSettings, type DiagnosticsOptions } from './diagnosticsOptions';
import type { SubDeviceLoginEvent } from './subDevice';
import { firstSends, replyOf } from './uplinkPackets';

/** One operation of the device, timed: how long it took, and how that compares with the item's thresholds. */
export interface DiagnosticMeasurement {
  readonly item: DiagnosticItem;
  /** `warning` from the item's `warningMs` on, `fatal` from its `fatalMs` on. */
  readonly level: 'ok' | AlertLevel;
  /**
   * From its start to its end; for one that did not end, to when that was known: the fatal threshold, or a
   * connection attempt's failure.
   */
  readonly elapsedMs: number;
  /**
   * `false` for an operation that had not ended by the fatal threshold (no CONNACK, no PINGRESP, no reply),
   * and for a connection attempt that failed: both are fatal.
   */
  readonly completed: boolean;
  /** `uplink`: the request's Alink message id. */
  readonly messageId?: string | undefined;
  /** `uplink`: the topic the request went to. */
  readonly topic?: string | undefined;
}

/**
 * A device whose diagnostics can be watched: an `AlinkDevice`, with its packets for heartbeat and uplink, and
 * for a sub-device its logins (`SubDevice.logins$`), which are its `connect`.
 */
export type DiagnosedDevice = AlinkDevice & {
  readonly packets$?: Observable<DevicePacket> | undefined;
  readonly logins$?: Observable<SubDeviceLoginEvent> | undefined;
};

const now = () => asyncScheduler.now();

function measured(item: DiagnosticItem, settings: DiagnosticSettings, elapsedMs: number, completed: boolean) {
  const { warningMs, fatalMs } = settings;
  const level = !completed || elapsedMs >= fatalMs ? 'fatal' : elapsedMs >= warningMs ? 'warning' : 'ok';
  return { item, level, elapsedMs, completed } as const;
}

/** The operation that started now, timed to the first value of `end` (`true`: it ended; `false`: it failed). */
function timed(
  item: DiagnosticItem,
  settings: DiagnosticSettings,
  end: Observable<boolean>,
): Observable<DiagnosticMeasurement> {
  return defer(() => {
    const startedAt = now();
    return race(
      end.pipe(
        take(1),
        map((ended) => measured(item, settings, now() - startedAt, ended)),
      ),
      timer(settings.fatalMs).pipe(map(() => measured(item, settings, settings.fatalMs, false))),
    );
  });
}

/**
 * How a connection attempt ended: `true` connected, `false` failed (`reconnecting`, or `closed` with the
 * error it gave up on); a `closed` without an error (`close()` during the attempt) gives it up, unmeasured.
 */
const attemptEnds = (states: Observable<ConnectionState>): Observable<boolean> =>
  states.pipe(
    filter((s) => s.status === 'connected' || s.status === 'reconnecting' || s.status === 'closed'),
    take(1),
    filter((s) => s.status !== 'closed' || s.error !== undefined),
    map((s) => s.status === 'connected'),
  );

/**
 * Each connection attempt, from `connecting` to `connected`; `reconnecting` first is a failed attempt, and so
 * is `closed` with an error (the device gave up: the attempt that made it give up is measured, then this
 * completes). A registration is not counted (`connecting` again after it starts the clock again, as the Link
 * SDK starts it once the credential is signed); an attempt under way when the watch starts is not measured.
 */
const connectTimes = (states: Observable<ConnectionState>, settings: DiagnosticSettings) =>
  states.pipe(
    takeWhile((state) => state.status !== 'closed', true),
    connect((shared) =>
      shared.pipe(
        skip(1),
        filter((state) => state.status === 'connecting'),
        switchMap(() => timed('connect', settings, attemptEnds(shared))),
      ),
    ),
  );

/**
 * Each login of a sub-device through its gateway, from `started` to `accepted`; `failed` is a failed
 * attempt, and one `given-up` (its session ended first) is not measured.
 */
const loginTimes = (logins: Observable<SubDeviceLoginEvent>, settings: DiagnosticSettings) =>
  logins.pipe(
    connect((shared) =>
      shared.pipe(
        filter((event) => event === 'started'),
        switchMap(() =>
          timed(
            'connect',
            settings,
            shared.pipe(
              filter((event) => event !== 'started'),
              take(1),
              filter((event) => event !== 'given-up'),
              map((event) => event === 'accepted'),
            ),
          ),
        ),
      ),
    ),
  );

/** Each PINGREQ sent, to the PINGRESP received. A lost heartbeat is fatal at the fatal threshold. */
const heartbeatTimes = (packets: Observable<DevicePacket>, settings: DiagnosticSettings) =>
  packets.pipe(
    connect((shared) =>
      shared.pipe(
        filter((p) => p.direction === 'sent' && p.type === 'pingreq'),
        switchMap(() =>
          timed(
            'heartbeat',
            settings,
            shared.pipe(
              filter((p) => p.direction === 'received' && p.type === 'pingresp'),
              map(() => true),
            ),
          ),
        ),
      ),
    ),
  );

/**
 * Each Alink request sent, to its reply: the one with its id on its reply topic (`${topic}_reply`), as ids
 * of different services may be the same. One that is not answered is fatal at the fatal threshold. A
 * request sent again (the publish sink sends what was unacknowledged again after a reconnect, the same id on
 * the same topic, not a `dup`) is timed once, from its first send.
 */
const uplinkTimes = (packets: Observable<DevicePacket>, settings: DiagnosticSettings) =>
  packets.pipe(
    connect((shared) => {
      // Read once for every request waiting, and only while one is.
      const replies = shared.pipe(
        map(replyOf),
        filter((reply) => reply !== undefined),
        share(),
      );
      return shared.pipe(
        map(firstSends()),
        filter((request) => request !== undefined),
        mergeMap(({ id, topic }) => {
          const replyTopic = replyTopicOf(topic);
          return timed(
            'uplink',
            settings,
            replies.pipe(
              filter((reply) => reply.id === id && reply.topic === replyTopic),
              map(() => true),
            ),
          ).pipe(map((measurement) => ({ ...measurement, messageId: id, topic })));
        }),
      );
    }),
  );

/**
 * Times what the Link SDK's `diag` times: each connection attempt (`connect`), each heartbeat (`heartbeat`,
 * PINGREQ to PINGRESP) and each Alink request to its reply on `${topic}_reply` (`uplink`), and emits one
 * measurement for each, with its level against the item's thresholds (the SDK's defaults:
 * `DiagnosticItemOptions`). An operation that has not ended by its fatal threshold is fatal then. Every timer
 * is an RxJS timer. Hot sources: only what happens while subscribed is measured; completes when the device
 * closes; unsubscribing stops it all.
 *
 * A sub-device's `connect` is each of its logins through its gateway (`logins$`), not its gateway's
 * connection. Heartbeat and uplink are read from the device's packets (`packets$`, an `AliyunDevice`'s): a
 * device without them (a sub-device, whose traffic is its gateway's: watch the gateway) takes
 * `{ heartbeat: false, uplink: false }`, or this throws a `TypeError`. Bad thresholds are a `RangeError`.
 *
 * ```ts
 * watchDiagnostics(device)
 *   .pipe(filter((m) => m.level !== 'ok'))
 *   .subscribe((m) => console.warn(`${m.item} took ${m.elapsedMs} ms (${m.level})`));
 * ```
 */
export function watchDiagnostics(
  device: DiagnosedDevice,
  options: DiagnosticsOptions = {},
): Observable<DiagnosticMeasurement> {
  const { connect: connecting, heartbeat, uplink } = diagnosticSettings(options);
  const { packets$ } = device;
  if (packets$ === undefined && (heartbeat !== undefined || uplink !== undefined)) {
    throw new TypeError(
      'heartbeat and uplink are read from the packets of the device (packets$), which this one does not ' +
        'have: pass { heartbeat: false, uplink: false }, or watch the device whose connection carries it',
    );
  }
  const closed = device.state$.pipe(filter((state) => state.status === 'closed'));
  const { logins$ } = device;
  return merge(
    // Completes by itself at the close, once it has measured the attempt that failed, if one did.
    connecting === undefined || logins$ !== undefined ? EMPTY : connectTimes(device.state$, connecting),
    merge(
      // A sub-device's state$ is its gateway's: its own connect is its login.
      connecting === undefined || logins$ === undefined ? EMPTY : loginTimes(logins$, connecting),
      heartbeat === undefined || packets$ === undefined ? EMPTY : heartbeatTimes(packets$, heartbeat),
      uplink === undefined || packets$ === undefined ? EMPTY : uplinkTimes(packets$, uplink),
    ).pipe(takeUntil(closed)),
  );
}
