import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  defer,
  filter,
  map,
  merge,
  mergeMap,
  of,
  switchMap,
  throwError,
  type Observable,
  type ObservableInput,
} from 'rxjs';
import {
  checkBatchPost,
  checkEventPost,
  checkHistoryPost,
  checkPackPost,
  checkPropertyPost,
  checkServiceParams,
  describeErrors,
  DesiredValues,
  normalizePropertyPost,
  PropertyParams,
  propertyEntry,
  propertySetType,
  serviceInputType,
  thingMethods,
  type AnyThing,
  type ModelOf,
  type ThingModel,
  type ThingTypes,
  type TslViolation,
  specOf,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { correlatedReplies } from './correlatedReplies';
import { Deadlines } from './Deadlines';
import { ReplyError } from './ReplyError';
import { alinkNotify, alinkRequest, DEFAULT_REQUEST_TIMEOUT_MS } from './request';
import type { RequestFailure } from './RequestFailure';
import { serveAlink } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';
import type {
  BatchPost,
  HistoryPost,
  NotifyOptions,
  PackPost,
  PackPostOptions,
  PostOptions,
  Thing,
  ThingOptions,
  TslFailure,
} from './Thing';

/** How long a reply topic stays subscribed after the last request waiting on it. */
export const DEFAULT_LINGER_MS = 5000;

const Params = t.record(t.string, t.unknown);
const isNotify = (options: PostOptions | NotifyOptions | undefined): options is NotifyOptions =>
  options !== undefined && 'ack' in options && options.ack === false;

type Properties = Readonly<Record<string, unknown>>;

/**
 * Properties as a pack post carries them, `{ value, time? }` each (the platform's form), with dates as
 * strings where the thing model says so.
 */
function packedProperties(model: ThingModel | undefined, properties: Properties): Properties {
  const normalized = model === undefined ? properties : normalizePropertyPost(model, properties);
  return Object.fromEntries(
    Object.entries(normalized).map(([identifier, raw]) => {
      const { value, time } = propertyEntry(raw);
      return [identifier, time === undefined ? { value } : { value, time }];
    }),
  );
}

/** One device's part of a pack post on the wire: what it has, nothing it lacks. */
function packedPart(
  model: ThingModel | undefined,
  part: { readonly properties?: Properties | undefined; readonly events?: unknown },
) {
  return {
    ...(part.properties === undefined ? {} : { properties: packedProperties(model, part.properties) }),
    ...(part.events === undefined ? {} : { events: part.events }),
  };
}

/**
 * The thing model of a device: properties and events posted with their replies
 * correlated, desired properties asked for and cleared, property sets and service calls served. With a
 * thing model (`{ tsl }`), a post that breaks it is refused before it is sent (`TslFailure`), and a
 * generated model types every identifier and value.
 *
 * ```ts
 * const thing = createThing(device);
 * thing.postProperties({ temp: 21.5 }).subscribe((result) => console.log(E.isRight(result) ? 'posted' : result.left._tag));
 * thing.serveService('reboot', ({ delay }) => of({ at: Date.now() + Number(delay) * 1000 })).subscribe();
 * ```
 */
export function createThing<M extends ThingTypes = AnyThing>(
  device: AlinkDevice,
  options: ThingOptions<M> = {},
): Thing<M> {
  const { tsl, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, lingerMs = DEFAULT_LINGER_MS } = options;
  const { topics } = device;
  /** The model for the checks that take any product's (a pack's parts, a history's). */
  const anyModel = tsl as ThingModel | undefined;
  // One subscription for the replies of every post (the property post and each event's), one for each
  // desired-property request; the exact desired topics, so that an echo of the request is never taken for it.
  const postReplies = correlatedReplies(device, topics.eventPostReply('+'), lingerMs);
  const desiredGetReplies = correlatedReplies(device, topics.propertyDesiredGetReply, lingerMs);
  const desiredDeleteReplies = correlatedReplies(device, topics.propertyDesiredDeleteReply, lingerMs);
  // The timeouts of all its requests on one timer per duration.
  const deadlines = new Deadlines();

  const refused = (topic: string, method: string, violations: readonly TslViolation[]) =>
    of(E.left<TslFailure>({ _tag: 'TslFailure', topic, method, violations }));

  // The pack and history posts have reply topics of their own, outside `event/+/post_reply`.
  const packReplies = correlatedReplies(device, topics.propertyPackPostReply, lingerMs);
  const historyReplies = correlatedReplies(device, topics.propertyHistoryPostReply, lingerMs);
  const batchReplies = correlatedReplies(device, topics.propertyBatchPostReply, lingerMs);

  function post(
    topic: string,
    method: string,
    params: unknown,
    violations: () => readonly TslViolation[],
    postOptions: PostOptions | NotifyOptions | undefined,
    replies = postReplies,
  ) {
    return defer(() => {
      const problems = violations();
      if (problems.length > 0) return refused(topic, method, problems);
      if (isNotify(postOptions)) return alinkNotify(device, { topic, method, params }, postOptions);
      return alinkRequest(
        device,
        { topic, method, params },
        { timeoutMs, ...postOptions, replies, deadlines },
      );
    });
  }

  function serveService(
    identifier: string,
    handler: (input: Readonly<Record<string, unknown>>, request: never) => ObservableInput<unknown>,
    serveOptions: {
      readonly callType?: 'sync' | 'async' | undefined;
      readonly deadlineMs?: number | undefined;
      readonly qos?: 0 | 1 | undefined;
    } = {},
  ): Observable<ServeOutcome> {
    const callType = serveOptions.callType ?? (tsl && specOf(tsl.services, identifier)?.callType);
    const params = tsl === undefined ? Params : serviceInputType(tsl, identifier);
    const checked = (input: Readonly<Record<string, unknown>>, request: never) =>
      tsl === undefined
        ? handler(input, request)
        : defer(() => handler(input, request)).pipe(
            mergeMap((output) => {
              const problems = checkServiceParams(tsl, identifier, 'output', output);
              if (problems.length === 0) return of(output);
              const reason = problems.map((p) => p.message).join('; ');
              return throwError(() => new ReplyError(400, `the output breaks the thing model: ${reason}`));
            }),
          );
    const asyncTopic = topics.service(identifier);
    const served = (sync: boolean) =>
      serveAlink(device, {
        requests: sync
          ? device.observe(topics.extRrpc('+', asyncTopic), { qos: 0 })
          : device.observe(asyncTopic, { qos: 1 }),
        params,
        replyTopic: sync ? (topic) => topic : () => topics.serviceReply(identifier),
        handler: (request) => checked(request.params, request as never),
        qos: serveOptions.qos ?? (sync ? 0 : 1),
        ...(serveOptions.deadlineMs === undefined ? {} : { deadlineMs: serveOptions.deadlineMs }),
      });
    return callType === undefined ? merge(served(false), served(true)) : served(callType === 'sync');
  }

  function getDesiredProperties(identifiers: readonly string[], postOptions: PostOptions = {}) {
    return alinkRequest(
      device,
      { topic: topics.propertyDesiredGet, method: thingMethods.desiredGet, params: identifiers },
      { timeoutMs, ...postOptions, replies: desiredGetReplies, deadlines },
    ).pipe(
      map(
        E.flatMap((reply): E.Either<RequestFailure, DesiredValues> => {
          const decoded = DesiredValues.decode(reply.data ?? {});
          return E.isRight(decoded)
            ? decoded
            : E.left({
                _tag: 'DecodeError',
                topic: topics.propertyDesiredGetReply,
                messages: describeErrors(decoded.left),
              });
        }),
      ),
    );
  }

  const thing = {
    ...(tsl === undefined ? {} : { tsl }),

    postProperties(params: Readonly<Record<string, unknown>>, postOptions?: PostOptions | NotifyOptions) {
      const method = thingMethods.propertyPost;
      return post(
        topics.propertyPost,
        method,
        tsl === undefined ? params : normalizePropertyPost(tsl, params),
        () => (tsl === undefined ? [] : checkPropertyPost(tsl, params)),
        postOptions,
      );
    },

    postEvent(
      identifier: string,
      output: Readonly<Record<string, unknown>>,
      postOptions?: (PostOptions | NotifyOptions) & { readonly time?: number | undefined },
    ) {
      const { time, ...rest } = postOptions ?? {};
      const params = { value: output, ...(time === undefined ? {} : { time }) };
      return post(
        topics.eventPost(identifier),
        thingMethods.eventPost(identifier),
        params,
        () => (tsl === undefined ? [] : checkEventPost(tsl, identifier, output)),
        postOptions === undefined ? undefined : (rest as PostOptions | NotifyOptions),
      );
    },

    postPack(
      pack: PackPost<AnyThing>,
      packOptions: PackPostOptions | (PackPostOptions & NotifyOptions) = {},
    ) {
      const { models, ...postOptions } = packOptions;
      const modelOf: ModelOf = (productKey) =>
        (productKey === device.productKey ? anyModel : undefined) ?? models?.(productKey);
      const params = {
        ...packedPart(modelOf(device.productKey), pack),
        ...(pack.subDevices === undefined
          ? {}
          : {
              subDevices: pack.subDevices.map((part) => ({
                identity: { productKey: part.identity.productKey, deviceName: part.identity.deviceName },
                ...packedPart(modelOf(part.identity.productKey), part),
              })),
            }),
      };
      return post(
        topics.propertyPackPost,
        thingMethods.propertyPackPost,
        params,
        () => checkPackPost(pack, device.productKey, modelOf),
        postOptions,
        packReplies,
      );
    },

    postHistory(history: HistoryPost<AnyThing>, postOptions?: PostOptions | NotifyOptions) {
      const identity = { productKey: device.productKey, deviceName: device.deviceName };
      const part = {
        identity,
        ...(history.properties === undefined
          ? {}
          : {
              properties: history.properties.map((snapshot) =>
                tsl === undefined ? snapshot : normalizePropertyPost(tsl, snapshot),
              ),
            }),
        ...(history.events === undefined ? {} : { events: history.events }),
      };
      return post(
        topics.propertyHistoryPost,
        thingMethods.propertyHistoryPost,
        [part],
        () => (tsl === undefined ? [] : checkHistoryPost([{ identity, ...history }], () => anyModel)),
        postOptions,
        historyReplies,
      );
    },

    postBatch(batch: BatchPost<AnyThing>, postOptions?: PostOptions | NotifyOptions) {
      const properties = batch.properties;
      const params = {
        ...(properties === undefined
          ? {}
          : {
              properties: Object.fromEntries(
                Object.entries(properties).map(([identifier, values = []]) => [
                  identifier,
                  anyModel === undefined
                    ? values
                    : values.map(
                        (entry) => normalizePropertyPost(anyModel, { [identifier]: entry })[identifier],
                      ),
                ]),
              ),
            }),
        ...(batch.events === undefined ? {} : { events: batch.events }),
      };
      return post(
        topics.propertyBatchPost,
        thingMethods.propertyBatchPost,
        params,
        () => (anyModel === undefined ? [] : checkBatchPost(anyModel, batch)),
        postOptions,
        batchReplies,
      );
    },

    getDesiredProperties,

    desiredProperties$(identifiers: readonly string[], postOptions?: PostOptions) {
      // switchMap: a fetch that a lost connection leaves waiting gives way to the next connection's.
      return device.state$.pipe(
        filter((state) => state.status === 'connected'),
        switchMap(() => getDesiredProperties(identifiers, postOptions)),
      );
    },

    deleteDesiredProperties(
      properties: Readonly<Record<string, { readonly version?: number | undefined }>>,
      postOptions: PostOptions = {},
    ) {
      return alinkRequest(
        device,
        { topic: topics.propertyDesiredDelete, method: thingMethods.desiredDelete, params: properties },
        { timeoutMs, ...postOptions, replies: desiredDeleteReplies, deadlines },
      );
    },

    serveProperties(
      handler: (values: Readonly<Record<string, unknown>>, request: never) => ObservableInput<unknown>,
      serveOptions: { readonly deadlineMs?: number | undefined; readonly qos?: 0 | 1 } = {},
    ) {
      return serveAlink(device, {
        requests: device.observe(topics.propertySet, { qos: 1 }),
        params: tsl === undefined ? PropertyParams : propertySetType(tsl),
        replyTopic: () => topics.propertySetReply,
        handler: (request) => handler(request.params, request as never),
        qos: serveOptions.qos ?? 1,
        ...(serveOptions.deadlineMs === undefined ? {} : { deadlineMs: serveOptions.deadlineMs }),
      });
    },

    serveService,
  };
  return thing as unknown as Thing<M>;
}
