import * as E from 'fp-ts/Either';
import {
  defer,
  distinctUntilChanged,
  EMPTY,
  endWith,
  filter,
  finalize,
  ignoreElements,
  map,
  merge,
  Observable,
  of,
  switchMap,
  takeUntil,
  tap,
  throwError,
} from 'rxjs';
import { OutsideNamespaceError, PublishRefusedError } from '../connection/errors';
import type { OutboundMessage } from '../connection/messages';
import { isInDeviceNamespace, type DeviceIdentity } from '../identity/deviceNamespace';
import { deviceTopics } from '../identity/deviceTopics';
import type { AlinkDevice } from './AlinkDevice';
import { publishResult } from './publishResult';
import type { RequestFailure } from './RequestFailure';

/** The cloud logged the sub-device out: it was taken out of the gateway's topology, or disabled. */
export interface LoggedOutFailure extends DeviceIdentity {
  readonly _tag: 'LoggedOutFailure';
  /** What the cloud's `thing.topo.change` said. */
  readonly change: 'deleted' | 'disabled';
}

/** Why a sub-device is not logged in: its login failed, or the cloud logged it out. */
export type SessionFailure = RequestFailure | LoggedOutFailure;

/** What the cloud's `thing.topo.change` said of one sub-device. */
export type SubDeviceChange = 'created' | 'deleted' | 'enabled' | 'disabled';

/**
 * A gateway's sub-device: an `AlinkDevice` that speaks through the gateway's connection, so that every
 * service (`createThing`, `createShadow`, `serveRrpc`, …) works for it unchanged. Its topics are its own
 * (`/sys/subPk/subDn/…`); a topic or filter outside them is refused before anything is sent. `state$` is the
 * gateway's connection: the platform carries the sub-device's traffic only while it is logged in (`session()`).
 */
export interface SubDevice extends AlinkDevice {
  /**
   * Keeps the sub-device logged in while subscribed: a login at every connect of the gateway (the current
   * one included), since the platform forgets sub-device logins when the gateway's connection ends; a
   * logout when the last subscriber leaves while connected (a login still waiting for its reply included).
   * Emits each login's result (the last one replayed to a later subscriber); a failed login is not retried
   * by itself. Shared: every `SubDevice` of one gateway for the same sub-device has the same session.
   *
   * It hears the cloud's `thing.topo.change` (and subscribes its topic while subscribed; answering it is
   * `serveTopologyChanges`'s; a refused SUBSCRIBE leaves the session without them): the sub-device deleted
   * from the topology or disabled emits a `LoggedOutFailure` (a login on its way is given up), and created
   * or enabled while not logged in logs it in again. The next connect of the gateway tries a login in any
   * case: a change missed while offline cannot leave the sub-device out for good. Completes when the
   * gateway's device closes.
   */
  session(): Observable<E.Either<SessionFailure, DeviceIdentity>>;
  /**
   * Each login of the sub-device as it goes (`combine/login`, the one `session()` makes): `started` as it
   * is sent, then `accepted`, `failed` (refused, or not answered in time) or `given-up` (its session ended
   * or went on without it). Hot: only the logins made while subscribed; completes when the gateway's device
   * closes. What `watchDiagnostics` times as the sub-device's `connect`, since its `state$` is its gateway's.
   */
  readonly logins$: Observable<SubDeviceLoginEvent>;
}

/** What a login of a sub-device went through, as `SubDevice.logins$` tells it. */
export type SubDeviceLoginEvent = 'started' | 'accepted' | 'failed' | 'given-up';

/**
 * `login`, told to `tell` as it goes: `started`, then `accepted` or `failed` (a refusal, or an error), or
 * `given-up` when it ends unanswered.
 */
export function toldLogin<A>(
  login: Observable<E.Either<RequestFailure, A>>,
  tell: (event: SubDeviceLoginEvent) => void,
): Observable<E.Either<RequestFailure, A>> {
  return defer(() => {
    let answered = false;
    tell('started');
    return login.pipe(
      tap({
        next: (result) => {
          answered = true;
          tell(E.isRight(result) ? 'accepted' : 'failed');
        },
        error: () => {
          answered = true;
          tell('failed');
        },
      }),
      finalize(() => answered || tell('given-up')),
    );
  });
}

/**
 * The session of one sub-device, not shared: `login` at each connect of `device`, and when `changes` says
 * the cloud created or enabled it while it is not logged in; a `LoggedOutFailure` when `changes` says it
 * was deleted or disabled while it may be logged in; `logout` (sent, not waited for) when the session ends
 * while the sub-device may be logged in. Completes with `device.state$`.
 */
export function subDeviceSession(
  device: Pick<AlinkDevice, 'state$' | 'publish'>,
  identity: DeviceIdentity,
  login: () => Observable<E.Either<RequestFailure, DeviceIdentity>>,
  logout: () => OutboundMessage,
  changes: Observable<SubDeviceChange> = EMPTY,
): Observable<E.Either<SessionFailure, DeviceIdentity>> {
  return new Observable<E.Either<SessionFailure, DeviceIdentity>>((subscriber) => {
    // Logged in, or a login on its way: its reply may be in flight when the session ends.
    let mayBeLoggedIn = false;
    let connected = false;
    const connects = device.state$.pipe(
      map((state) => state.status === 'connected'),
      distinctUntilChanged(),
      tap((now) => (connected = now)),
      map((now) => (now ? 'connected' : 'offline')),
    );
    const deviceEnded = device.state$.pipe(ignoreElements(), endWith(true));
    const loggedOut = (change: 'deleted' | 'disabled'): LoggedOutFailure => {
      const { productKey, deviceName } = identity;
      return { _tag: 'LoggedOutFailure', productKey, deviceName, change };
    };
    // One switch for both: a connect or the cloud's change each replaces what the one before started.
    const logins = merge(connects, changes.pipe(takeUntil(deviceEnded)))
      .pipe(
        // What changes nothing is passed over: created while logged in, deleted while not (a delete the
        // gateway made itself and the cloud announces too is heard twice).
        filter((event) =>
          event === 'created' || event === 'enabled'
            ? !mayBeLoggedIn
            : event === 'deleted' || event === 'disabled'
              ? mayBeLoggedIn
              : true,
        ),
        switchMap((event): Observable<E.Either<SessionFailure, DeviceIdentity>> => {
          if (event === 'deleted' || event === 'disabled') {
            mayBeLoggedIn = false;
            return of(E.left(loggedOut(event)));
          }
          mayBeLoggedIn = connected && event !== 'offline';
          return mayBeLoggedIn ? login() : EMPTY;
        }),
        tap((result) => (mayBeLoggedIn = E.isRight(result))),
      )
      .subscribe(subscriber);
    return () => {
      logins.unsubscribe();
      // Told, not asked: nothing waits for the reply of a session that has ended.
      if (mayBeLoggedIn) publishResult(device, logout()).subscribe();
    };
  });
}

/** The sub-device `identity` as a device of its own over `device`, with `session` for its logins. */
export function subDeviceOf(
  device: AlinkDevice,
  identity: DeviceIdentity,
  session: () => Observable<E.Either<SessionFailure, DeviceIdentity>>,
  logins$: Observable<SubDeviceLoginEvent> = EMPTY,
): SubDevice {
  const own = (topic: string) => isInDeviceNamespace(identity, topic);
  const name = `${identity.productKey}/${identity.deviceName}`;
  return {
    productKey: identity.productKey,
    deviceName: identity.deviceName,
    topics: deviceTopics(identity),
    state$: device.state$,
    messages$: device.messages$.pipe(filter((message) => own(message.topic))),
    observe: (topicFilter, options) =>
      own(topicFilter)
        ? device.observe(topicFilter, options)
        : throwError(() => new OutsideNamespaceError(topicFilter)),
    publish: (message) =>
      own(message.topic)
        ? device.publish(message)
        : throwError(
            () =>
              new PublishRefusedError(
                'outside-namespace',
                message.topic,
                `the topic is outside the namespace of sub-device ${name}`,
              ),
          ),
    session,
    logins$,
  };
}
