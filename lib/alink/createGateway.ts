import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  catchError,
  concatMap,
  defer,
  EMPTY,
  endWith,
  filter,
  finalize,
  ignoreElements,
  map,
  merge,
  Observable,
  of,
  share,
  shareReplay,
  Subject,
  takeUntil,
  tap,
  type ObservableInput,
} from 'rxjs';
import { decodePayload } from '../operators/decodeJson';
import type { DeviceIdentity } from '../identity/deviceNamespace';
import type { SignMethod } from '../identity/signContent';
import {
  combineBatchLoginParams,
  combineLoginParams,
  combinePayload,
  GATEWAY_LIMITS,
  GATEWAY_METHODS,
  identitiesOf,
  identityOf,
  nextMessageId,
  ProductRegisterData,
  proxiedEntry,
  replyTopicOf,
  SubDeviceList,
  SubRegisterData,
  topoAddEntry,
  TopoChangeParams,
  topoChangeStatusName,
  type SubDeviceProductSecret,
  type SubDeviceSecret,
  type TopoChangeStatus,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { freshRandom } from './freshRandom';
import { alinkReplyTo, alinkRequest, alinkRequestData, DEFAULT_REQUEST_TIMEOUT_MS, request } from './request';
import type { RequestFailure } from './RequestFailure';
import { emptyReplyWhenDone, serveAlink, type ServeOptions } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';
import {
  subDeviceOf,
  subDeviceSession,
  toldLogin,
  type LoggedOutFailure,
  type SessionFailure,
  type SubDevice,
  type SubDeviceChange,
  type SubDeviceLoginEvent,
} from './subDevice';

export type {
  LoggedOutFailure,
  SessionFailure,
  SubDevice,
  SubDeviceChange,
  SubDeviceLoginEvent,
  SubDeviceProductSecret,
  SubDeviceSecret,
};

const TopoChangeRequest = t.type({ params: TopoChangeParams });

/** What happened to sub-devices of the topology, as a session hears it. */
interface TopologyEvent {
  readonly change: SubDeviceChange;
  readonly subDevices: readonly DeviceIdentity[];
}

export interface GatewayOptions {
  /** How long a request waits for the cloud's reply, from the subscription (offline time included). Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** How sub-devices sign to be added to the topology and to log in. Default: `'hmacsha256'`. */
  readonly signMethod?: SignMethod | undefined;
  /** Where the signed timestamps come from, in ms since the epoch. Default: `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

export interface SubDeviceLoginOptions {
  /** Whether the platform forgets the sub-device's session (its QoS 1 messages) at login. Default: `true`. */
  readonly cleanSession?: boolean | undefined;
}

/** What the cloud's `thing.topo.change` said. */
export interface TopologyChange {
  /** The status as sent: 0 created, 1 deleted, 2 enabled, 8 disabled (`TOPO_CHANGE_STATUS`). */
  readonly status: number;
  /** Its name; `undefined` for a status the platform has not documented. */
  readonly change: TopoChangeStatus | undefined;
  readonly subDevices: readonly DeviceIdentity[];
}

/** A sub-device registered by its gateway, with the secret it signs with from now on. */
export interface RegisteredSubDevice extends DeviceIdentity {
  readonly deviceSecret: string;
}

/** A sub-device the cloud would not register, and why, as it said. */
export interface RefusedSubDevice extends DeviceIdentity {
  readonly code?: number | undefined;
  readonly message?: string | undefined;
}

/** What `provisionSubDevices` got: the secrets of those registered, and those refused. */
export interface SubDeviceProvisioning {
  readonly registered: readonly RegisteredSubDevice[];
  readonly refused: readonly RefusedSubDevice[];
}

/** A gateway: the topology of its sub-devices in the cloud, their logins, and each sub-device as a device. */
export interface Gateway {
  /**
   * `thing.topo.add`: lets the gateway speak for these sub-devices (at most 30), each signed with its own
   * secret. Emits the sub-devices added, or why not.
   */
  addTopology(
    subDevices: readonly SubDeviceSecret[],
  ): Observable<E.Either<RequestFailure, readonly DeviceIdentity[]>>;
  /**
   * `thing.topo.delete` (at most 30): the cloud also logs them out (their sessions emit a
   * `LoggedOutFailure`). Emits the sub-devices removed.
   */
  deleteTopology(
    subDevices: readonly DeviceIdentity[],
  ): Observable<E.Either<RequestFailure, readonly DeviceIdentity[]>>;
  /** `thing.topo.get`: the sub-devices of the gateway's topology. */
  getTopology(): Observable<E.Either<RequestFailure, readonly DeviceIdentity[]>>;
  /**
   * `thing.sub.register` (at most 30): registers sub-devices created in the cloud without a secret given to
   * them, and emits their secrets. Keep them: the cloud does not send a secret twice.
   */
  registerSubDevices(
    subDevices: readonly DeviceIdentity[],
  ): Observable<E.Either<RequestFailure, readonly RegisteredSubDevice[]>>;
  /**
   * `thing.proxy.provisioning.product_register` (at most 30): registers sub-devices of products with "one
   * secret per product", each signed with its productSecret, and emits the secrets of those registered and
   * the refusals of the others. Keep the secrets: a registered sub-device cannot register again.
   */
  provisionSubDevices(
    subDevices: readonly SubDeviceProductSecret[],
  ): Observable<E.Either<RequestFailure, SubDeviceProvisioning>>;
  /** `combine/login` (QoS 0): the sub-device may use its topics over the gateway's connection. */
  login(
    subDevice: SubDeviceSecret,
    options?: SubDeviceLoginOptions,
  ): Observable<E.Either<RequestFailure, DeviceIdentity>>;
  /** `combine/batch_login` (at most 50, all or nothing). */
  loginAll(
    subDevices: readonly SubDeviceSecret[],
    options?: SubDeviceLoginOptions,
  ): Observable<E.Either<RequestFailure, readonly DeviceIdentity[]>>;
  /** `combine/logout` (QoS 0). */
  logout(subDevice: DeviceIdentity): Observable<E.Either<RequestFailure, DeviceIdentity>>;
  /** `combine/batch_logout`. */
  logoutAll(
    subDevices: readonly DeviceIdentity[],
  ): Observable<E.Either<RequestFailure, readonly DeviceIdentity[]>>;
  /**
   * Serves the cloud's `thing.topo.change`: replies 200 once `handler`'s `ObservableInput` has completed
   * (its error is replied as the failure), and emits one outcome per change.
   */
  serveTopologyChanges(
    handler: (change: TopologyChange) => ObservableInput<unknown>,
    options?: ServeOptions,
  ): Observable<ServeOutcome>;
  /**
   * `thing.list.found`: tells the cloud which sub-devices the gateway found (on its bus, by pairing), for an
   * application to choose which the gateway is to add (it asks with `thing.topo.add.notify`). Emits the
   * sub-devices reported. The platform documents no limit per request, and its `params` may be empty: an
   * empty list is sent as it is.
   */
  reportFoundSubDevices(
    subDevices: readonly DeviceIdentity[],
  ): Observable<E.Either<RequestFailure, readonly DeviceIdentity[]>>;
  /**
   * Serves the cloud's `thing.topo.add.notify` (OpenAPI `NotifyAddThingTopo`): the cloud asks the gateway to add
   * these sub-devices to its topology. `handler` is given them, typically finds their secrets and calls
   * `addTopology`; the reply is 200 once its `ObservableInput` has completed (its error is replied as the
   * failure). Emits one outcome per request.
   */
  serveTopologyAddNotify(
    handler: (subDevices: readonly DeviceIdentity[]) => ObservableInput<unknown>,
    options?: ServeOptions,
  ): Observable<ServeOutcome>;
  /** The sub-device as a device of its own, speaking through this gateway. */
  subDevice(subDevice: SubDeviceSecret, options?: SubDeviceLoginOptions): SubDevice;
}

function checkCount(what: string, count: number, limit: number): void {
  if (count < 1 || count > limit) {
    throw new RangeError(`${what} takes 1 to ${limit} sub-devices, not ${count}`);
  }
}

/**
 * The gateway services of a device (the Link SDK's `subdev`). Create the device with `checkNamespace: false`: a
 * gateway publishes on its sub-devices' topics, which the device's own namespace check would refuse (each
 * `SubDevice` checks its own instead).
 *
 * ```ts
 * const gateway = createGateway(device);
 * const credentials = { productKey: 'a1Sub', deviceName: 'sensor1', deviceSecret };
 * const sensor = gateway.subDevice(credentials);
 * gateway.addTopology([credentials]).pipe(
 *   filter(E.isRight),
 *   switchMap(() => sensor.session()),
 *   filter(E.isRight),
 *   concatMap(() => createThing(sensor).postProperties({ temp: 21 })),
 * ).subscribe(console.log);
 * ```
 */
export function createGateway(device: AlinkDevice, options: GatewayOptions = {}): Gateway {
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, signMethod = 'hmacsha256', clock = Date.now } = options;
  const topics = device.topics;
  const signing = () => ({ signMethod, timestamp: clock() });

  /** A login or logout: `{id, params}` at QoS 0, answered on `${topic}_reply` with the same id. */
  function combine<P, A>(topic: string, params: () => P, result: A): Observable<E.Either<RequestFailure, A>> {
    return defer(() => {
      const id = nextMessageId(device);
      const accepted = alinkReplyTo(id, topic);
      return request(device, {
        message: { topic, payload: JSON.stringify(combinePayload(id, params())), qos: 0 },
        replyFilter: replyTopicOf(topic),
        reply: (message, json) => {
          const reply = accepted(message, json);
          return reply === undefined ? undefined : E.map(() => result)(reply);
        },
        timeoutMs,
        id,
      });
    });
  }

  const login = (sub: SubDeviceSecret, { cleanSession = true }: SubDeviceLoginOptions = {}) =>
    combine(topics.combineLogin, () => combineLoginParams(sub, signing(), cleanSession), identityOf(sub));

  const logout = (sub: DeviceIdentity) =>
    combine(topics.combineLogout, () => identityOf(sub), identityOf(sub));

  /**
   * What the cloud's `thing.topo.change` says, and the gateway's own deletes: one subscription of the topic
   * for every session. A change that does not decode, or has a status the platform has not documented, is
   * passed over (`serveTopologyChanges` answers it).
   */
  const cloudChanges = device.observe(topics.topoChange, { qos: 1 }).pipe(
    concatMap((message) => {
      const decoded = decodePayload(TopoChangeRequest, message);
      if (E.isLeft(decoded)) return EMPTY;
      const { status, subList } = decoded.right.value.params;
      const change = topoChangeStatusName(status);
      return change === undefined ? EMPTY : of({ change, subDevices: identitiesOf(subList) });
    }),
    // Refused (an ACL, a device that is no gateway): the sessions go on without the cloud's changes.
    catchError(() => EMPTY),
  );
  /** The gateway's own `deleteTopology`, once the cloud has accepted it. */
  const ownChanges = new Subject<TopologyEvent>();
  const topologyChanges = merge(cloudChanges, ownChanges).pipe(share());
  const changesOf = ({ productKey, deviceName }: DeviceIdentity): Observable<SubDeviceChange> =>
    topologyChanges.pipe(
      filter(({ subDevices }) =>
        subDevices.some((d) => d.productKey === productKey && d.deviceName === deviceName),
      ),
      map(({ change }) => change),
    );

  /** The session of each sub-device subscribed now, shared by every `SubDevice` of it. */
  const sessions = new Map<string, Observable<E.Either<SessionFailure, DeviceIdentity>>>();
  /**
   * Every sub-device's logins as they go, by key; each `SubDevice.logins$` reads its own. One for all, so
   * that nothing is kept per sub-device: a gateway may make `subDevice()`s for sub-devices that come and go.
   */
  const logins = new Subject<{ readonly key: string; readonly event: SubDeviceLoginEvent }>();

  function subDevice(sub: SubDeviceSecret, loginOptions: SubDeviceLoginOptions = {}): SubDevice {
    const identity = identityOf(sub);
    const key = `${identity.productKey}/${identity.deviceName}`;
    const logoutMessage = () => ({
      topic: topics.combineLogout,
      payload: JSON.stringify(combinePayload(nextMessageId(device), identity)),
      qos: 0 as const,
    });
    // A late subscriber gets the last login's result; once the last leaves, the next one starts afresh.
    const started = () => {
      const session$ = subDeviceSession(
        device,
        identity,
        () => toldLogin(login(sub, loginOptions), (event) => logins.next({ key, event })),
        logoutMessage,
        changesOf(identity),
      ).pipe(
        finalize(() => sessions.get(key) === session$ && sessions.delete(key)),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      sessions.set(key, session$);
      return session$;
    };
    const logins$ = logins.pipe(
      filter((told) => told.key === key),
      map((told) => told.event),
      takeUntil(device.state$.pipe(ignoreElements(), endWith(true))),
    );
    return subDeviceOf(device, identity, () => defer(() => sessions.get(key) ?? started()), logins$);
  }

  return {
    addTopology(subs) {
      checkCount('addTopology', subs.length, GATEWAY_LIMITS.topologyPerRequest);
      const added = identitiesOf(subs);
      return defer(() => {
        const now = signing();
        const params = subs.map((sub) => topoAddEntry(sub, now));
        return alinkRequest(
          device,
          { topic: topics.topoAdd, method: GATEWAY_METHODS.topoAdd, params },
          { timeoutMs },
        );
      }).pipe(map(E.map(() => added)));
    },

    deleteTopology(subs) {
      checkCount('deleteTopology', subs.length, GATEWAY_LIMITS.topologyPerRequest);
      const params = identitiesOf(subs);
      return alinkRequest(
        device,
        { topic: topics.topoDelete, method: GATEWAY_METHODS.topoDelete, params },
        { timeoutMs },
      ).pipe(
        map(E.map(() => params)),
        // The cloud logs them out, and may not say so on `thing.topo.change`: their sessions hear it here.
        tap((deleted) => E.isRight(deleted) && ownChanges.next({ change: 'deleted', subDevices: params })),
      );
    },

    getTopology: () =>
      alinkRequestData(
        device,
        { topic: topics.topoGet, method: GATEWAY_METHODS.topoGet, params: {} },
        SubDeviceList,
        { timeoutMs },
      ).pipe(map(E.map(identitiesOf))),

    registerSubDevices(subs) {
      checkCount('registerSubDevices', subs.length, GATEWAY_LIMITS.topologyPerRequest);
      return alinkRequestData(
        device,
        { topic: topics.subRegister, method: GATEWAY_METHODS.subRegister, params: identitiesOf(subs) },
        SubRegisterData,
        { timeoutMs },
      ).pipe(
        map(
          E.map((list) =>
            list.map(({ productKey, deviceName, deviceSecret }) => ({
              productKey,
              deviceName,
              deviceSecret,
            })),
          ),
        ),
      );
    },

    provisionSubDevices(subs) {
      checkCount('provisionSubDevices', subs.length, GATEWAY_LIMITS.topologyPerRequest);
      return defer(() =>
        alinkRequestData(
          device,
          {
            topic: topics.productRegister,
            method: GATEWAY_METHODS.productRegister,
            params: { proxieds: subs.map((sub) => proxiedEntry(sub, signMethod, freshRandom())) },
          },
          ProductRegisterData,
          { timeoutMs },
        ),
      ).pipe(map(E.map(provisioningOf)));
    },

    login,

    loginAll(subs, { cleanSession = true } = {}) {
      checkCount('loginAll', subs.length, GATEWAY_LIMITS.batchLogin);
      return combine(
        topics.combineBatchLogin,
        () => combineBatchLoginParams(subs, signing(), cleanSession),
        identitiesOf(subs),
      );
    },

    logout,

    logoutAll(subs) {
      checkCount('logoutAll', subs.length, GATEWAY_LIMITS.batchLogin);
      const list = identitiesOf(subs);
      return combine(topics.combineBatchLogout, () => list, list);
    },

    serveTopologyChanges: (handler, serveOptions = {}) =>
      serveAlink(device, {
        requests: device.observe(topics.topoChange, { qos: 1 }),
        params: TopoChangeParams,
        replyTopic: () => topics.topoChangeReply,
        handler: ({ params }) =>
          emptyReplyWhenDone(
            handler({
              status: params.status,
              change: topoChangeStatusName(params.status),
              subDevices: identitiesOf(params.subList),
            }),
          ),
        ...serving(serveOptions),
      }),

    reportFoundSubDevices(subs) {
      const params = identitiesOf(subs);
      return alinkRequest(
        device,
        { topic: topics.listFound, method: GATEWAY_METHODS.listFound, params },
        { timeoutMs },
      ).pipe(map(E.map(() => params)));
    },

    serveTopologyAddNotify: (handler, serveOptions = {}) =>
      serveAlink(device, {
        requests: device.observe(topics.topoAddNotify, { qos: 1 }),
        params: SubDeviceList,
        replyTopic: () => topics.topoAddNotifyReply,
        handler: ({ params }) => emptyReplyWhenDone(handler(identitiesOf(params))),
        ...serving(serveOptions),
      }),

    subDevice,
  };
}

/** A cloud → gateway request is served at QoS 1 unless told otherwise. */
const serving = ({ qos = 1, deadlineMs }: ServeOptions) => ({
  qos,
  ...(deadlineMs === undefined ? {} : { deadlineMs }),
});

/** The reply's lists, identities and secrets only. */
function provisioningOf(data: ProductRegisterData): SubDeviceProvisioning {
  const successes = Array.isArray(data) ? data : (data.successes ?? []);
  const failures = Array.isArray(data) ? [] : (data.failures ?? []);
  return {
    registered: successes.map(({ productKey, deviceName, deviceSecret }) => ({
      productKey,
      deviceName,
      deviceSecret,
    })),
    refused: failures.map(({ productKey, deviceName, code, message }) => ({
      productKey,
      deviceName,
      ...(code === undefined ? {} : { code }),
      ...(message === undefined ? {} : { message }),
    })),
  };
}
