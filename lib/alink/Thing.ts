import type * as E from 'fp-ts/Either';
import type { Observable, ObservableInput } from 'rxjs';
import type { PublishFailure, PublishReceipt } from '../connection/messages';
import type { DeviceIdentity } from '../identity';
import type { AlinkReply, AnyThing, PropertyValue, ThingModel, ThingTypes, TslViolation } from '../protocol';
import type { RequestFailure } from './RequestFailure';
import type { ServedRequest } from './serve';
import type { ServeOptions } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';

/** A post refused before it was sent: it breaks the thing model. */
export interface TslFailure {
  readonly _tag: 'TslFailure';
  /** The topic it would have gone to. */
  readonly topic: string;
  readonly method: string;
  /** Every rule broken, each with the path of the value (`temp`, `pos.lat`) and a readable message. */
  readonly violations: readonly TslViolation[];
}

/** Why a thing's request failed, as a value. */
export type ThingFailure = RequestFailure | TslFailure;

export interface ThingOptions<M extends ThingTypes = AnyThing> {
  /**
   * The product's thing model (`parseTsl`, or a module written by `npx rx-aliyun-iot tsl`): posts that break
   * it are refused before they are sent, set and service params are decoded by it (460 otherwise), a
   * service's output is checked, and each service is served sync or async as its `callType` says.
   */
  readonly tsl?: ThingModel<M> | undefined;
  /** How long a post or a desired-property request waits for its reply. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /**
   * How long a reply topic stays subscribed after the last request that waited on it, so that a request
   * every few seconds does not cost a SUBSCRIBE and an UNSUBSCRIBE each. Default: 5000.
   */
  readonly lingerMs?: number | undefined;
}

export interface PostOptions {
  /** Default: the thing's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  /** Default: 1, so that a post made while offline goes out after the reconnect. */
  readonly qos?: 0 | 1 | undefined;
  /** The message id. Default: the device's next. */
  readonly id?: string | undefined;
}

/** A post that asks for no reply (`sys.ack: 0`): the result is the publish's own. */
export interface NotifyOptions extends Omit<PostOptions, 'timeoutMs'> {
  readonly ack: false;
}

export interface EventTime {
  /** When the event happened, UTC milliseconds. Default: none (the platform takes the time of arrival). */
  readonly time?: number | undefined;
}

export interface ServeServiceOptions extends ServeOptions {
  /**
   * `sync`: requests come over RRPC (`/ext/rrpc/+/…/thing/service/{id}`) and are answered on their topic;
   * `async`: on `thing/service/{id}`, answered on `{id}_reply`. Default: the thing model's `callType`;
   * without a thing model, both.
   */
  readonly callType?: 'sync' | 'async' | undefined;
}

/** Identifiers of a thing's properties, events and services. */
export type PropertyName<M extends ThingTypes> = keyof M['properties'] & string;
export type EventName<M extends ThingTypes> = keyof M['events'] & string;
export type ServiceName<M extends ThingTypes> = keyof M['services'] & string;

/** What `postProperties` takes: some properties, each a value or `{ value, time }`. */
export type PropertyPost<M extends ThingTypes> = {
  readonly [K in keyof M['properties']]?: PropertyValue<M['properties'][K]>;
};
/** What a property set carries: some of the properties the cloud may set. */
export type PropertySet<M extends ThingTypes> = {
  readonly [K in keyof M['properties'] & M['writable']]?: M['properties'][K];
};
export type EventOutput<M extends ThingTypes, K extends EventName<M>> = M['events'][K];
export type ServiceInput<M extends ThingTypes, K extends ServiceName<M>> = M['services'][K] extends {
  readonly input: infer I;
}
  ? I
  : never;
export type ServiceOutput<M extends ThingTypes, K extends ServiceName<M>> = M['services'][K] extends {
  readonly output: infer O;
}
  ? O
  : never;
/**
 * A value and, when it was measured (or the event happened) earlier, the time (UTC ms): an event of a pack
 * post, a value of a batch post.
 */
export interface Timed<V> {
  readonly value: V;
  readonly time?: number | undefined;
}

/** The events of one device in a pack post, by identifier: one occurrence each. */
export type PackedEvents<M extends ThingTypes> = {
  readonly [K in EventName<M>]?: Timed<EventOutput<M, K>>;
};

/** A sub-device's part of a pack post: whose it is, and its properties and events as its product defines them. */
export interface SubDevicePack {
  readonly identity: DeviceIdentity;
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
  readonly events?: Readonly<Record<string, Timed<Readonly<Record<string, unknown>>>>> | undefined;
}

/**
 * What `postPack` takes: the gateway's own properties (each a value or `{ value, time }`) and events, and a
 * part for each sub-device. The platform takes at most 200 properties, 20 events and 20 sub-devices a post.
 */
export interface PackPost<M extends ThingTypes> {
  readonly properties?: PropertyPost<M> | undefined;
  readonly events?: PackedEvents<M> | undefined;
  readonly subDevices?: readonly SubDevicePack[] | undefined;
}

export interface PackPostOptions extends PostOptions {
  /**
   * The thing models of the sub-devices' products, to check their parts before sending, as the thing's own
   * `tsl` checks its own part. A part whose product gets `undefined` is sent unchecked.
   */
  readonly models?: ((productKey: string) => ThingModel | undefined) | undefined;
}

/** A value measured earlier, with the time it was measured (UTC ms), which history requires. */
export interface Measured<V> {
  readonly value: V;
  readonly time: number;
}

/**
 * What `postHistory` takes: snapshots of properties and occurrences of events, each value with its time,
 * oldest first or in any order.
 */
export interface HistoryPost<M extends ThingTypes> {
  readonly properties?:
    readonly { readonly [K in PropertyName<M>]?: Measured<M['properties'][K]> }[] | undefined;
  readonly events?: readonly { readonly [K in EventName<M>]?: Measured<EventOutput<M, K>> }[] | undefined;
}

/**
 * What `postBatch` takes: several values of each property and occurrences of each event, each with its time
 * when it was measured earlier.
 */
export interface BatchPost<M extends ThingTypes> {
  readonly properties?:
    { readonly [K in PropertyName<M>]?: readonly Timed<M['properties'][K]>[] } | undefined;
  readonly events?: { readonly [K in EventName<M>]?: readonly Timed<EventOutput<M, K>>[] } | undefined;
}

/** The reply to `getDesiredProperties`: the desired value and version of each property that has one. */
export type DesiredProperties<M extends ThingTypes, K extends PropertyName<M>> = {
  readonly [P in K]?: { readonly value: M['properties'][P]; readonly version?: number | undefined };
};

/**
 * The thing model of one device as streams: posts and desired-property requests are cold
 * observables with one `Either`; property sets and service calls are served while subscribed, with one
 * `ServeOutcome` per request.
 */
export interface Thing<M extends ThingTypes = AnyThing> {
  /** The thing model it checks against, when it was given one. */
  readonly tsl?: ThingModel<M> | undefined;
  /** Reports properties (`thing.event.property.post`); the reply has code 200, or a failure. */
  postProperties(
    params: PropertyPost<M>,
    options?: PostOptions,
  ): Observable<E.Either<ThingFailure, AlinkReply>>;
  postProperties(
    params: PropertyPost<M>,
    options: NotifyOptions,
  ): Observable<E.Either<TslFailure | PublishFailure, PublishReceipt>>;
  /** Reports an event (`thing.event.{id}.post`) with its output values. */
  postEvent<K extends EventName<M>>(
    identifier: K,
    output: EventOutput<M, K>,
    options?: PostOptions & EventTime,
  ): Observable<E.Either<ThingFailure, AlinkReply>>;
  postEvent<K extends EventName<M>>(
    identifier: K,
    output: EventOutput<M, K>,
    options: NotifyOptions & EventTime,
  ): Observable<E.Either<TslFailure | PublishFailure, PublishReceipt>>;
  /**
   * A gateway reports its own properties and events and its sub-devices' in one message
   * (`thing.event.property.pack.post`), each part checked against its product's thing model when one is known
   * (`tsl`, `options.models`). The platform checks that each sub-device is in the gateway's topology.
   */
  postPack(pack: PackPost<M>, options?: PackPostOptions): Observable<E.Either<ThingFailure, AlinkReply>>;
  postPack(
    pack: PackPost<M>,
    options: Omit<PackPostOptions, 'timeoutMs'> & NotifyOptions,
  ): Observable<E.Either<TslFailure | PublishFailure, PublishReceipt>>;
  /**
   * Reports properties and events measured earlier, each with its time (`thing.event.property.history.post`):
   * what a device kept while it was offline. Works for a gateway's sub-device too (a thing of the sub-device).
   */
  postHistory(history: HistoryPost<M>, options?: PostOptions): Observable<E.Either<ThingFailure, AlinkReply>>;
  postHistory(
    history: HistoryPost<M>,
    options: NotifyOptions,
  ): Observable<E.Either<TslFailure | PublishFailure, PublishReceipt>>;
  /**
   * Reports several values of each property and occurrences of each event in one message
   * (`thing.event.property.batch.post`), e.g. readings a device sampled faster than it posts.
   */
  postBatch(batch: BatchPost<M>, options?: PostOptions): Observable<E.Either<ThingFailure, AlinkReply>>;
  postBatch(
    batch: BatchPost<M>,
    options: NotifyOptions,
  ): Observable<E.Either<TslFailure | PublishFailure, PublishReceipt>>;
  /** Asks for the desired values of properties (`thing.property.desired.get`). */
  getDesiredProperties<K extends PropertyName<M>>(
    identifiers: readonly K[],
    options?: PostOptions,
  ): Observable<E.Either<RequestFailure, DesiredProperties<M, K>>>;
  /**
   * The desired values of properties as the platform keeps them for this device: asked for
   * (`getDesiredProperties`) each time the device connects, the first time and after every reconnect, so that
   * values set while it was offline are put right; one result per connection, for as long as it is subscribed.
   * A fetch still waiting when the connection goes is dropped for the next one.
   */
  desiredProperties$<K extends PropertyName<M>>(
    identifiers: readonly K[],
    options?: PostOptions,
  ): Observable<E.Either<RequestFailure, DesiredProperties<M, K>>>;
  /** Clears desired values (`thing.property.desired.delete`); with a `version`, only that version. */
  deleteDesiredProperties(
    properties: { readonly [K in PropertyName<M>]?: { readonly version?: number | undefined } },
    options?: PostOptions,
  ): Observable<E.Either<RequestFailure, AlinkReply>>;
  /**
   * Serves property sets (`thing/service/property/set` → `…/set_reply`): the handler gets the values; what it
   * gives (or `{}`) is the reply's `data`.
   */
  serveProperties(
    handler: (values: PropertySet<M>, request: ServedRequest<PropertySet<M>>) => ObservableInput<unknown>,
    options?: ServeOptions,
  ): Observable<ServeOutcome>;
  /** Serves calls of one service: the handler gets the input values and gives the output values. */
  serveService<K extends ServiceName<M>>(
    identifier: K,
    handler: (
      input: ServiceInput<M, K>,
      request: ServedRequest<ServiceInput<M, K>>,
    ) => ObservableInput<ServiceOutput<M, K>>,
    options?: ServeServiceOptions,
  ): Observable<ServeOutcome>;
}
