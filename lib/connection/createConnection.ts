import {
  Observable,
  ReplaySubject,
  Subject,
  defer,
  from,
  identity,
  lastValueFrom,
  race,
  switchMap,
  timeout,
  timer,
  throwError,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';
import { isInDeviceNamespace, type DeviceIdentity } from '../identity/deviceNamespace';
import type { BackoffPolicy } from '../operators/backoffDelay';
import { retryBackoff } from '../operators/retryBackoff';
import { timerMs } from '../operators/timerMs';
import { validateFilter } from '../topic/validateFilter';
import { cachedTopicCheck, checkPublish } from './checkPublish';
import type { ConnectionState } from './ConnectionState';
import { DeviceClosedError, OutsideNamespaceError } from './errors';
import type { InboundMessage, OutboundMessage, PublishReceipt } from './messages';
import type { MqttLink, MqttPort } from './MqttPort';
import { publishEach, type PublishResult, type StartPublish } from './publishEach';
import { PublishSink, type OverflowPolicy } from './PublishSink';
import { SubscriptionRegistry } from './SubscriptionRegistry';

export type { PublishResult };

export interface ObserveOptions {
  /** Requested QoS. Default 0. The platform delivers with the publisher's QoS whatever is asked. */
  readonly qos?: 0 | 1 | undefined;
}

/** How `close()` ends the connection. */
export interface CloseOptions {
  /**
   * The longest `close()` waits, in milliseconds, for publishes in flight and for the broker to take the
   * DISCONNECT. After it, publishes still waiting fail with `DeviceClosedError` and the socket is closed, so
   * a half-open broker cannot hold `close()` for `publishTimeoutMs`. `0`: do not wait. Default `10000`.
   */
  readonly timeoutMs?: number | undefined;
}

/** Everything the connection needs besides the port; `createDevice` fills it from `DeviceOptions`. */
export interface ConnectionConfig {
  /** Topics and filters must lie in this device's namespace; `undefined` checks none. */
  readonly identity?: DeviceIdentity;
  /** `false`: the first failure closes the device. */
  readonly reconnect: BackoffPolicy | false;
  readonly queueLimit: number;
  readonly overflow: OverflowPolicy;
  readonly publishTimeoutMs: number;
  readonly maxPayloadBytes: number;
  readonly maxTopicBytes: number;
  /** How long `close()` waits for the broker to take the DISCONNECT before it closes the socket. Default 5000. */
  readonly disconnectGraceMs?: number;
}

/** The connection as observables: the stream part of `AliyunDevice`. */
export interface Connection {
  /** Replays the current state; completes after `close()`. */
  readonly state$: Observable<ConnectionState>;
  /** Every inbound PUBLISH, subscribed or not; completes after `close()`. */
  readonly messages$: Observable<InboundMessage>;
  /** Begins connecting. Idempotent. */
  start(): void;
  /**
   * Graceful: in-flight publishes finish, the client disconnects, every stream completes; within
   * `timeoutMs` (default 10 s), after which whatever still waits fails. Never reconnects. Later calls
   * return the first call's promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Refcounted broker subscription: the first observer subscribes, the last one to leave unsubscribes. */
  observe(filter: string, options?: ObserveOptions): Observable<InboundMessage>;
  /** Cold: one PUBLISH per subscription. Emits the receipt once acknowledged, then completes. */
  publish(message: OutboundMessage): Observable<PublishReceipt>;
  /**
   * The publish sink as an operator: one result per command, failures as values, each carrying its
   * `command` (the object that went in, with any field of the caller's own) to match it by.
   */
  publishAll<M extends OutboundMessage = OutboundMessage>(): OperatorFunction<M, PublishResult<M>>;
}

/** Composes the port, the reconnect policy, the subscription registry and the publish sink. */
export function createConnection(port: MqttPort, config: ConnectionConfig): Connection {
  const state$ = new ReplaySubject<ConnectionState>(1);
  const messages$ = new Subject<InboundMessage>();
  const registry = new SubscriptionRegistry();
  const sink = new PublishSink({
    queueLimit: config.queueLimit,
    overflow: config.overflow,
    publishTimeoutMs: config.publishTimeoutMs,
  });
  let current: ConnectionState = { status: 'idle' };
  let link: MqttLink | undefined;
  let session: Subscription | undefined;
  /** Waits for the SUBACKs of a new link (or `publishTimeoutMs`) before the queue goes out on it. */
  let goingLive: Subscription | undefined;
  /** Set the moment `close()` is called, before anything it does: every guard reads this. */
  let closeRequested = false;
  let closing: Promise<void> | undefined;
  let nextAttempt = 1;
  const rules = { ...config, topicProblem: cachedTopicCheck() };

  const setState = (state: ConnectionState) => {
    current = state;
    state$.next(state);
  };
  setState(current);

  const goOffline = () => {
    link = undefined;
    // A SUBACK still awaited no longer matters, nor does its timer, which could hold the process for weeks.
    goingLive?.unsubscribe();
    goingLive = undefined;
    registry.offline();
    sink.offline();
  };

  const finish = (error?: unknown) => {
    if (current.status === 'closed') return;
    goOffline();
    const failure = error === undefined || closeRequested ? undefined : error;
    sink.close(
      new DeviceClosedError(failure === undefined ? 'close() was called' : 'it gave up reconnecting'),
    );
    registry.close();
    setState(failure === undefined ? { status: 'closed' } : { status: 'closed', error: failure });
    state$.complete();
    messages$.complete();
  };

  const onConnected = (connected: MqttLink) => {
    link = connected;
    nextAttempt = 1;
    setState({ status: 'connected', sessionPresent: connected.sessionPresent });
    // Subscriptions first, then the queue: a reply must not arrive before its filter is back. A SUBACK that
    // fails or never comes must not hold the queue for ever: publishes go out then too, and the filters
    // left unacknowledged are subscribed again on the next connection.
    const goLive = () => {
      if (link === connected && !closeRequested) sink.online(connected);
    };
    goingLive = registry
      .online(connected)
      .pipe(timeout({ first: timerMs(config.publishTimeoutMs) }))
      .subscribe({ complete: goLive, error: goLive });
  };

  // Straight from the port, not through the reconnect operators: every inbound message takes this path.
  const inbound = (message: InboundMessage) => {
    if (current.status === 'closed') return;
    // An RxJS Subject costs something per message even with nobody listening.
    if (messages$.observed) messages$.next(message);
    registry.dispatch(message);
  };

  const policy = config.reconnect;
  const session$ = defer(() => {
    setState({ status: 'connecting', attempt: nextAttempt });
    return port.connect(inbound);
  }).pipe(
    policy === false
      ? identity
      : retryBackoff(
          { ...policy, shouldRetry: (error) => !closeRequested && (policy.shouldRetry?.(error) ?? true) },
          {
            // Stable from the CONNACK, not from the start of a connect attempt that may hang.
            stableFrom: 'first-value',
            onRetry: ({ attempt, delayMs, error }) => {
              goOffline();
              nextAttempt = attempt + 1;
              setState({ status: 'reconnecting', attempt, delayMs, error });
            },
          },
        ),
  );

  const close = ({ timeoutMs = 10_000 }: CloseOptions = {}): Promise<void> => {
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(
        new RangeError(`close(): timeoutMs must be a number >= 0, got ${String(timeoutMs)}`),
      );
    }
    closeRequested = true;
    return (closing ??= (async () => {
      const open = link;
      if (open) {
        // A peer that never closes its side after DISCONNECT must not hold close() for ever: after the
        // grace period the session's teardown destroys the socket.
        const graceful = from(sink.drain()).pipe(
          switchMap(() => race(open.disconnect(), timer(timerMs(config.disconnectGraceMs ?? 5000)))),
        );
        // The caller's deadline bounds both waits: a half-open broker answers neither.
        const bounded = race(graceful, timer(timerMs(timeoutMs)));
        await lastValueFrom(bounded, { defaultValue: undefined }).catch(() => undefined);
      }
      session?.unsubscribe();
      finish();
    })());
  };

  /** Checks and starts one publish for `observer` (an RxJS subscriber: unsubscribing forgets it). */
  const startPublish: StartPublish = (message, observer) => {
    if (closeRequested || current.status === 'closed') {
      return observer.error(new DeviceClosedError('publish after close()'));
    }
    const job = checkPublish(message, rules);
    if (job instanceof Error) return observer.error(job);
    sink.attach(job, observer);
  };

  /**
   * One Observable straight over the sink, not `defer` around `sink.send`: a second Observable and
   * Subscriber per message cost 7–10% of ours/raw on the mosquitto rows of the e2e bench (medians of 3 A/B
   * runs, 2026-12-02).
   */
  const publish = (message: OutboundMessage): Observable<PublishReceipt> =>
    new Observable<PublishReceipt>((subscriber) => startPublish(message, subscriber));

  return {
    state$: state$.asObservable(),
    messages$: messages$.asObservable(),
    start() {
      if (session || closeRequested || current.status === 'closed') return;
      session = session$.subscribe({
        next: onConnected,
        error: finish,
        complete: () => finish(),
      });
    },
    close,
    observe(filter, { qos = 0 } = {}) {
      return defer(() => {
        const invalid = validateFilter(filter);
        if (invalid) return throwError(() => invalid);
        if (config.identity && !isInDeviceNamespace(config.identity, filter)) {
          return throwError(() => new OutsideNamespaceError(filter));
        }
        return registry.observe(filter, qos === 0 ? 0 : 1);
      });
    },
    publish,
    publishAll: <M extends OutboundMessage>() => publishEach<M>(startPublish),
  };
}
