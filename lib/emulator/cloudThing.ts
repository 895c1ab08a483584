import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Subscription } from 'rxjs';
import type { DeviceIdentity } from '../identity';
import {
  ALINK_CODES,
  checkEventPost,
  checkPropertyPost,
  DesiredDeleteParams,
  DesiredGetParams,
  encodeTsl,
  EventPostParams,
  PropertyParams,
  propertyEntry,
  specOf,
  thingMethods,
  thingModel,
  type DataTypeName,
  type ThingModel,
  type TslJson,
  type TslViolation,
} from '../protocol';
import { answerAlink, type CloudAnswer } from './answerAlink';
import type { CloudSide } from './CloudSide';
import type { OnlineDevice } from './emulatorEvent';
import { anyDeviceTopics } from './anyDeviceTopics';
import type { PropertyDataRange, PropertyRecord, PropertyStore } from './propertyStore';

/** The last value a device reported for a property (OpenAPI `QueryDevicePropertyStatus`). */
export interface PropertyStatus {
  readonly identifier: string;
  readonly value: unknown;
  /** When it was measured, as the device said, or when it arrived (UTC ms). */
  readonly time: number;
  /** From the product's thing model, when it has one. */
  readonly name?: string | undefined;
  readonly dataType?: DataTypeName | undefined;
}

/** A desired value of a property and its version (OpenAPI `QueryDeviceDesiredProperty`). */
export interface DesiredProperty {
  readonly value: unknown;
  /** Counts up from 1 with each new desired value of the property. */
  readonly version: number;
}

/** What the cloud knows of each device's thing model, named after the platform's server API. */
export interface CloudThingQueries {
  /** OpenAPI `QueryDevicePropertyStatus`: the last value and time of each property the device reported. */
  queryDevicePropertyStatus(device: DeviceIdentity): readonly PropertyStatus[];
  /**
   * OpenAPI `QueryDevicePropertyData`: the recorded values of one property of a device, ordered by time
   * (oldest first unless `asc` is `false`), from property, pack, history and batch posts. The emulator keeps
   * one value a time (a later one of the same time replaces it), and the latest `propertyHistoryLimit` of
   * each property (by time; 1,000 by default).
   */
  queryDevicePropertyData(
    device: DeviceIdentity,
    identifier: string,
    range?: PropertyDataRange,
  ): readonly PropertyRecord[];
  /** OpenAPI `SetDeviceDesiredProperty`: sets desired values; gives each property's new version. */
  setDeviceDesiredProperty(
    device: DeviceIdentity,
    items: Readonly<Record<string, unknown>>,
  ): Readonly<Record<string, number>>;
  /** OpenAPI `QueryDeviceDesiredProperty`: the desired values of a device, with their versions. */
  queryDeviceDesiredProperty(device: DeviceIdentity): Readonly<Record<string, DesiredProperty>>;
  /**
   * OpenAPI `GetThingModelTsl`: the product's thing model in the console's form, what a device's
   * `thing.dsltemplate.get` is answered with (an empty one for a product without).
   */
  getThingModelTsl(productKey: string): TslJson;
}

/** What the emulator keeps of each device's thing model, and answers devices from. */
export interface CloudThingState extends CloudThingQueries {
  readonly subscription: Subscription;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/** The longest line of a refusal: a problem names a value or an identifier, and either can be long. */
const MAX_LINE = 200;

/**
 * The first ten problems, one after another, each cut to 200 characters, and how many more: an array of 30,000
 * bad items gave a message over the largest payload the emulator sends, and so did ten undefined identifiers
 * of 20,000 characters; the device got no reply at all.
 */
export function firstTen(messages: readonly string[]): string {
  const shown = messages
    .slice(0, 10)
    .map((line) => (line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE)}…`));
  const more = messages.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

const violationsMessage = (violations: readonly TslViolation[]): string =>
  firstTen(violations.map((v) => v.message));

/** The platform's answer to a post that breaks the thing model: 5092 for an undefined property, else 460. */
export function refusal(violations: readonly TslViolation[]): CloudAnswer {
  const code = violations.some((v) => v.rule === 'undefined')
    ? ALINK_CODES.propertyNotFound
    : ALINK_CODES.invalidParameter;
  return { code, message: violationsMessage(violations) };
}

/** Reports a thing-model request the cloud answered on `events$`: one `thing` event. */
export function reportThingAnswer(
  cloud: CloudSide,
  device: OnlineDevice,
  method: string,
  id: string,
  answer: CloudAnswer,
  ack: boolean,
  violations?: readonly TslViolation[],
): void {
  cloud.emit({
    type: 'thing',
    // The device alone: `device` may be the whole message it sent.
    device: { productKey: device.productKey, deviceName: device.deviceName, clientId: device.clientId },
    method,
    id,
    ...(ack ? { code: answer.code ?? ALINK_CODES.success } : {}),
    ...(violations === undefined || violations.length === 0 ? {} : { violations }),
  });
}

/**
 * The cloud side of the thing model: answers property and event posts (200, or with a
 * thing model for the product, 5092 for an undefined property and 460 for a value that breaks its spec) and
 * the desired-property requests, gives a device its product's thing model (`thing.dsltemplate.get`), and
 * keeps in `store` the last value and time of each property and a record of each value.
 */
export function cloudThingState(
  cloud: CloudSide,
  modelOf: (productKey: string) => ThingModel | undefined,
  store: PropertyStore,
): CloudThingState {
  const desired = new Map<string, Map<string, DesiredProperty>>();
  /** The last version of each desired property, kept when it is deleted: versions only count up. */
  const versions = new Map<string, Map<string, number>>();
  const own = <V>(table: Map<string, Map<string, V>>, device: DeviceIdentity) => {
    let entries = table.get(keyOf(device));
    if (entries === undefined) table.set(keyOf(device), (entries = new Map()));
    return entries;
  };
  const subscription = new Subscription();
  // One listener for every post: `…/thing/event/+/post` is the property post's topic too.
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.eventPost('+'), t.unknown, (params, request, message) => {
      const identifier = message.topic.split('/')[6] ?? '';
      const ack = request.sys?.ack !== 0;
      const model = modelOf(message.productKey);
      const method = request.method ?? `thing.event.${identifier}.post`;
      if (identifier === 'property') {
        const values = PropertyParams.decode(params);
        if (E.isLeft(values))
          return { code: ALINK_CODES.invalidParameter, message: 'params must be an object of properties' };
        const violations = model === undefined ? [] : checkPropertyPost(model, values.right);
        const answer = violations.length > 0 ? refusal(violations) : {};
        if (violations.length === 0) {
          for (const [key, raw] of Object.entries(values.right)) {
            const { value, time = cloud.now() } = propertyEntry(raw);
            store.report(message, key, { value, time });
          }
        }
        reportThingAnswer(cloud, message, method, request.id, answer, ack, violations);
        return answer;
      }
      const event = EventPostParams.decode(params);
      if (E.isLeft(event))
        return { code: ALINK_CODES.invalidParameter, message: 'params must be {value, time?}' };
      const violations = model === undefined ? [] : checkEventPost(model, identifier, event.right.value);
      const answer =
        violations.length > 0
          ? { code: ALINK_CODES.invalidParameter, message: violationsMessage(violations) }
          : {};
      reportThingAnswer(cloud, message, method, request.id, answer, ack, violations);
      return answer;
    }),
  );
  subscription.add(
    answerAlink(
      cloud,
      anyDeviceTopics.propertyDesiredGet,
      DesiredGetParams,
      (identifiers, request, message) => {
        const values = own(desired, message);
        const data = Object.fromEntries(
          identifiers.flatMap((id) => (values.has(id) ? [[id, values.get(id)]] : [])),
        );
        const answer = { data };
        reportThingAnswer(
          cloud,
          message,
          request.method ?? 'thing.property.desired.get',
          request.id,
          answer,
          true,
        );
        return answer;
      },
    ),
  );
  subscription.add(
    answerAlink(
      cloud,
      anyDeviceTopics.propertyDesiredDelete,
      DesiredDeleteParams,
      (items, request, message) => {
        const values = own(desired, message);
        // With a version, only that version goes: a newer desired value set meanwhile stays.
        for (const [id, { version }] of Object.entries(items)) {
          if (version === undefined || values.get(id)?.version === version) values.delete(id);
        }
        reportThingAnswer(
          cloud,
          message,
          request.method ?? 'thing.property.desired.delete',
          request.id,
          {},
          true,
        );
        return {};
      },
    ),
  );
  // A product without a thing model has an empty one, as every product on the platform has one.
  const thingModelTsl = (productKey: string): TslJson =>
    encodeTsl({ ...(modelOf(productKey) ?? thingModel({ properties: {} })), productKey });
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.dslTemplateGet, t.unknown, (_params, request, message) => {
      const answer = { data: thingModelTsl(message.productKey) };
      reportThingAnswer(
        cloud,
        message,
        request.method ?? thingMethods.dslTemplateGet,
        request.id,
        answer,
        true,
      );
      return answer;
    }),
  );

  return {
    queryDevicePropertyStatus(device) {
      const properties = modelOf(device.productKey)?.properties;
      return [...store.latest(device)].map(([identifier, { value, time }]) => {
        const spec = properties && specOf(properties, identifier);
        return {
          identifier,
          value,
          time,
          ...(spec?.name === undefined ? {} : { name: spec.name }),
          ...(spec === undefined ? {} : { dataType: spec.type.dataType.type }),
        };
      });
    },
    queryDevicePropertyData: (device, identifier, range) => store.history(device, identifier, range),
    setDeviceDesiredProperty(device, items) {
      const values = own(desired, device);
      const last = own(versions, device);
      return Object.fromEntries(
        Object.entries(items).map(([id, value]) => {
          const version = (last.get(id) ?? 0) + 1;
          last.set(id, version);
          values.set(id, { value, version });
          return [id, version];
        }),
      );
    },
    queryDeviceDesiredProperty: (device) => Object.fromEntries(own(desired, device)),
    getThingModelTsl: thingModelTsl,
    subscription,
  };
}
