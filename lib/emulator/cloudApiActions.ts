import { deviceTopics, type DeviceIdentity } from '../identity';
import { alinkRequest, GATEWAY_METHODS, identitiesOf } from '../protocol';
import type { EmulatedProduct } from './authenticateDevice';
import {
  base64,
  CloudApiError,
  flag,
  integer,
  json,
  jsonObject,
  list,
  optional,
  required,
  type ApiParams,
} from './cloudApiParams';
import { CLOUD_API_JOB_ACTIONS } from './cloudApiJobActions';
import type { DeviceFile } from './cloudFiles';
import type { Firmware } from './cloudOta';
import type { ShadowMessage } from './cloudShadow';
import { DeviceOfflineError } from './emulatorErrors';
import type { Emulator } from './startEmulator';

/** A firmware the server API can name by `FirmwareId` (the platform's `CreateOTAFirmware` makes one). */
export interface ApiFirmware extends Firmware {
  readonly firmwareId: string;
}

/** What the actions need besides the emulator. */
export interface ActionContext {
  readonly emulator: Emulator;
  readonly products: readonly EmulatedProduct[];
  readonly firmwares: readonly ApiFirmware[];
  /**
   * Whether a device is disabled, online now, or ever connected since the emulator started (the platform's
   * `GetDeviceStatus` values).
   */
  status(device: DeviceIdentity): 'ONLINE' | 'OFFLINE' | 'UNACTIVE' | 'DISABLE';
  /** Deleted by `DeleteDevice` (or `deleteDevice`) and not registered again. */
  isDeleted(device: DeviceIdentity): boolean;
  nextMessageId(): number;
}

/** What an action answers besides `RequestId` and `Success`. */
export type ActionResult = Readonly<Record<string, unknown>>;

export type Action = (params: ApiParams, context: ActionContext) => Promise<ActionResult>;

function productOf(params: ApiParams, context: ActionContext): EmulatedProduct {
  const productKey = required(params, 'ProductKey');
  const product = context.products.find((p) => p.productKey === productKey);
  if (product === undefined)
    throw new CloudApiError('iot.prod.NotExistedProduct', `product ${productKey} does not exist`);
  return product;
}

/** The device `ProductKey`/`DeviceName` name (or, for a gateway, `GwProductKey`/`GwDeviceName`). */
function deviceOf(params: ApiParams, context: ActionContext, prefix: '' | 'Gw' = ''): DeviceIdentity {
  const productKey = required(params, `${prefix}ProductKey`);
  const deviceName = required(params, `${prefix}DeviceName`);
  const product = context.products.find((p) => p.productKey === productKey);
  if (product === undefined)
    throw new CloudApiError('iot.prod.NotExistedProduct', `product ${productKey} does not exist`);
  const device = { productKey, deviceName };
  if (!product.devices.some((d) => d.deviceName === deviceName) || context.isDeleted(device))
    throw new CloudApiError(
      'iot.device.NotExistedDevice',
      `device ${productKey}/${deviceName} does not exist`,
    );
  return device;
}

/**
 * `DeviceListStr`: a JSON list of sub-devices. The API page's table spells the fields `ProductKey` and
 * `DeviceName`, its example `productKey` and `deviceName`: both are taken.
 */
function deviceListOf(params: ApiParams): DeviceIdentity[] {
  const listed = json(params, 'DeviceListStr');
  const entries = Array.isArray(listed) ? (listed as unknown[]) : [];
  const devices = entries.map((entry) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    return { productKey: e['productKey'] ?? e['ProductKey'], deviceName: e['deviceName'] ?? e['DeviceName'] };
  });
  if (
    devices.length === 0 ||
    devices.some((d) => typeof d.productKey !== 'string' || typeof d.deviceName !== 'string')
  )
    throw new CloudApiError(
      'iot.common.InvalidFormattedParameter',
      'DeviceListStr must be a JSON list of {productKey, deviceName}',
      400,
    );
  return devices.map((d) => ({ productKey: String(d.productKey), deviceName: String(d.deviceName) }));
}

/** A cloud call's failure, as the platform's API reports it. */
function failure(error: unknown): never {
  const e = error instanceof Error ? error : new Error(String(error));
  const codes: Record<string, string> = {
    DeviceOfflineError: 'iot.device.DeviceOffline',
    RrpcTimeoutError: 'iot.device.InvokeThingServiceTimeout',
    ReplyTimeoutError: 'iot.device.InvokeThingServiceTimeout',
    TslViolationError: 'iot.common.InvalidFormattedParameter',
    ShadowVersionConflictError: 'iot.shadow.VersionConflict',
    PayloadTooLargeError: 'iot.messagebroker.MessageContentIsTooLarge',
    EmulatorClosedError: 'iot.system.SystemException',
    DeviceNotFoundError: 'iot.device.NotExistedDevice',
    // Unverified: the file APIs' pages list no code of their own for an unknown FileId.
    DeviceFileNotFoundError: 'iot.device.FileNotExist',
    TypeError: 'iot.common.InvalidFormattedParameter',
  };
  throw new CloudApiError(codes[e.name] ?? 'iot.system.SystemException', e.message);
}

/** A topic of the product's: its devices' own (`/pk/…`) or a topic broadcast (`/broadcast/pk/…`). */
function productTopic(params: ApiParams, productKey: string): string {
  const topic = required(params, 'TopicFullName');
  if (!topic.startsWith(`/${productKey}/`) && !topic.startsWith(`/broadcast/${productKey}/`))
    throw new CloudApiError(
      'iot.messagebroker.InvalidFormattedTopicName',
      `${topic} is not a topic of product ${productKey}`,
    );
  return topic;
}

/** A file as the file APIs answer it; `Size` in bytes (whether the platform gives bytes or KB is unverified). */
const fileFields = (file: DeviceFile) => ({
  FileId: file.fileId,
  Name: file.name,
  Size: String(file.size),
  UtcCreatedOn: file.utcCreatedOn,
});

const qosOf = (params: ApiParams) => integer(params, 'Qos', 0, 1, 0) as 0 | 1;

/** The platform's server API actions the emulator carries out, by name. */
export const CLOUD_API_ACTIONS: Readonly<Record<string, Action>> = {
  ...CLOUD_API_JOB_ACTIONS,

  async Pub(params, context) {
    const { productKey } = productOf(params, context);
    const topic = productTopic(params, productKey);
    const payload = base64(params, 'MessageContent');
    await context.emulator.publish(topic, payload, { qos: qosOf(params) }).catch(failure);
    return { MessageId: context.nextMessageId() };
  },

  async PubBroadcast(params, context) {
    const { productKey } = productOf(params, context);
    const topicFullName =
      optional(params, 'TopicFullName') === undefined ? undefined : productTopic(params, productKey);
    const payload = base64(params, 'MessageContent');
    const { messageId } = await context.emulator
      .pubBroadcast(productKey, payload, { topicFullName, qos: qosOf(params) })
      .catch(failure);
    return { MessageId: Number(messageId) };
  },

  async RRpc(params, context) {
    const device = deviceOf(params, context);
    const request = base64(params, 'RequestBase64Byte');
    const timeoutMs = integer(params, 'Timeout', 1000, 8000, 8000);
    const topic = optional(params, 'Topic');
    const MessageId = context.nextMessageId();
    try {
      const answer = await context.emulator.rrpc(device, request, { timeoutMs, topic });
      return { RrpcCode: 'SUCCESS', PayloadBase64Byte: answer.toString('base64'), MessageId };
    } catch (error) {
      // As the platform: the call itself succeeded, RrpcCode says how the device answered.
      const name = error instanceof Error ? error.name : '';
      if (name === 'DeviceOfflineError') return { RrpcCode: 'OFFLINE', MessageId };
      if (name === 'RrpcTimeoutError') return { RrpcCode: 'TIMEOUT', MessageId };
      return failure(error);
    }
  },

  async SetDeviceProperty(params, context) {
    const device = deviceOf(params, context);
    const reply = await context.emulator
      .setDeviceProperty(device, jsonObject(params, 'Items'))
      .catch(failure);
    return { Data: { MessageId: reply.id, Code: reply.code } };
  },

  async InvokeThingService(params, context) {
    const device = deviceOf(params, context);
    const identifier = required(params, 'Identifier');
    const args = jsonObject(params, 'Args');
    const reply = await context.emulator.invokeThingService(device, identifier, args).catch(failure);
    return { Data: { MessageId: reply.id, Code: reply.code, Result: JSON.stringify(reply.data ?? {}) } };
  },

  async QueryDevicePropertyStatus(params, context) {
    const device = deviceOf(params, context);
    const PropertyStatusInfo = context.emulator.queryDevicePropertyStatus(device).map((p) => ({
      Identifier: p.identifier,
      Value: typeof p.value === 'string' ? p.value : JSON.stringify(p.value),
      Time: String(p.time),
      ...(p.name === undefined ? {} : { Name: p.name }),
      ...(p.dataType === undefined ? {} : { DataType: p.dataType }),
    }));
    return { Data: { List: { PropertyStatusInfo } } };
  },

  async QueryDevicePropertyData(params, context) {
    const device = deviceOf(params, context);
    const identifier = required(params, 'Identifier');
    const time = (name: string) => {
      required(params, name);
      return integer(params, name, 0, Number.MAX_SAFE_INTEGER, 0);
    };
    // The platform's single-property page asks StartTime < EndTime, its many-property one the other way round
    // for a descending query: either order is taken as the range between the two.
    const [from, to] = [time('StartTime'), time('EndTime')];
    const asc = integer(params, 'Asc', 0, 1, 1) === 1;
    const pageSize = integer(params, 'PageSize', 1, 50, 10);
    const range = { startTime: Math.min(from, to), endTime: Math.max(from, to), asc };
    // One more than the page, to know whether there is a next one and where it starts.
    const records = context.emulator.queryDevicePropertyData(device, identifier, {
      ...range,
      pageSize: pageSize + 1,
    });
    const next = records[pageSize];
    const PropertyInfo = records.slice(0, pageSize).map(({ time, value }) => ({
      Time: String(time),
      Value: typeof value === 'string' ? value : JSON.stringify(value),
    }));
    return {
      Data: {
        NextValid: next !== undefined,
        ...(next === undefined ? {} : { NextTime: next.time }),
        List: { PropertyInfo },
      },
    };
  },

  async GetDeviceShadow(params, context) {
    const device = deviceOf(params, context);
    return { ShadowMessage: JSON.stringify(context.emulator.getDeviceShadow(device)) };
  },

  async UpdateDeviceShadow(params, context) {
    const device = deviceOf(params, context);
    const message = json(params, 'ShadowMessage') as ShadowMessage;
    const deltaUpdate = flag(params, 'DeltaUpdate', false);
    await context.emulator.updateDeviceShadow(device, message, { deltaUpdate }).catch(failure);
    return {};
  },

  async GetDeviceStatus(params, context) {
    return { Data: { Status: context.status(deviceOf(params, context)) } };
  },

  async CreateOTAStaticUpgradeJob(params, context) {
    const { productKey } = productOf(params, context);
    const firmwareId = required(params, 'FirmwareId');
    const found = context.firmwares.find((f) => f.firmwareId === firmwareId);
    if (found === undefined)
      throw new CloudApiError('iot.ota.FirmwareNotExist', `firmware ${firmwareId} does not exist`);
    const { firmwareId: _, ...firmware } = found;
    const selection = optional(params, 'TargetSelection') ?? 'ALL';
    if (selection !== 'ALL' && selection !== 'SPECIFIC')
      throw new CloudApiError(
        'iot.common.InvalidFormattedParameter',
        'TargetSelection must be ALL or SPECIFIC',
        400,
      );
    const targetDeviceNames = selection === 'SPECIFIC' ? list(params, 'TargetDeviceName') : undefined;
    if (targetDeviceNames?.length === 0) required(params, 'TargetDeviceName');
    const srcVersions = list(params, 'SrcVersion');
    const job = await context.emulator
      .createOtaStaticUpgradeJob({
        productKey,
        firmware,
        targetDeviceNames,
        ...(srcVersions.length > 0 ? { srcVersions } : {}),
      })
      .catch(failure);
    return { Data: { JobId: job.jobId, UtcCreate: new Date().toISOString() } };
  },

  async QueryDeviceProp(params, context) {
    return { Props: JSON.stringify(context.emulator.queryDeviceProp(deviceOf(params, context))) };
  },

  async SetDeviceDesiredProperty(params, context) {
    const device = deviceOf(params, context);
    const versions = context.emulator.setDeviceDesiredProperty(device, jsonObject(params, 'Items'));
    return { Data: { Versions: JSON.stringify(versions) } };
  },

  async GetThingModelTsl(params, context) {
    const { productKey } = productOf(params, context);
    return { Data: { TslStr: JSON.stringify(context.emulator.getThingModelTsl(productKey)) } };
  },

  async GetThingTopo(params, context) {
    const gateway = deviceOf(params, context);
    const all = context.emulator.getThingTopo(gateway);
    const pageSize = integer(params, 'PageSize', 1, 50, 10);
    const pageNo = integer(params, 'PageNo', 1, Number.MAX_SAFE_INTEGER, 1);
    const page = all.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    return {
      Data: {
        Total: all.length,
        PageSize: pageSize,
        PageCount: Math.ceil(all.length / pageSize),
        CurrentPage: pageNo,
        List: { deviceInfo: page.map((d) => ({ ProductKey: d.productKey, DeviceName: d.deviceName })) },
      },
    };
  },

  async RemoveThingTopo(params, context) {
    const removed = await context.emulator.removeThingTopo(deviceOf(params, context)).catch(failure);
    if (!removed)
      throw new CloudApiError('iot.device.TopoRelationNotExist', 'the device is in no gateway topology');
    return { Data: true };
  },

  async NotifyAddThingTopo(params, context) {
    const gateway = deviceOf(params, context, 'Gw');
    const subDevices = deviceListOf(params);
    if (context.status(gateway) !== 'ONLINE') failure(new DeviceOfflineError(gateway));
    // As the platform: success means the notify was sent, not that the gateway added anything; its reply
    // goes to data forwarding, never into this answer.
    const id = String(context.nextMessageId());
    const payload = alinkRequest({
      id,
      method: GATEWAY_METHODS.topoAddNotify,
      params: identitiesOf(subDevices),
    });
    await context.emulator.publish(deviceTopics(gateway).topoAddNotify, payload, { qos: 1 }).catch(failure);
    return { Data: { MessageId: id } };
  },

  async DisableThing(params, context) {
    await context.emulator.disableThing(deviceOf(params, context)).catch(failure);
    return {};
  },

  async EnableThing(params, context) {
    await context.emulator.enableThing(deviceOf(params, context)).catch(failure);
    return {};
  },

  async DeleteDevice(params, context) {
    await context.emulator.deleteDevice(deviceOf(params, context)).catch(failure);
    return {};
  },

  async QueryDeviceFileList(params, context) {
    const all = context.emulator.queryDeviceFileList(deviceOf(params, context));
    const pageSize = integer(params, 'PageSize', 1, 200, 10);
    const currentPage = integer(params, 'CurrentPage', 1, Number.MAX_SAFE_INTEGER, 1);
    const page = all.slice((currentPage - 1) * pageSize, currentPage * pageSize);
    return {
      Total: all.length,
      PageSize: pageSize,
      PageCount: Math.ceil(all.length / pageSize),
      CurrentPage: currentPage,
      Data: { FileSummary: page.map(fileFields) },
    };
  },

  async QueryDeviceFile(params, context) {
    const device = deviceOf(params, context);
    const file = await context.emulator.queryDeviceFile(device, required(params, 'FileId')).catch(failure);
    return { Data: { ...fileFields(file), DownloadUrl: file.downloadUrl } };
  },

  async DeleteDeviceFile(params, context) {
    const device = deviceOf(params, context);
    try {
      context.emulator.deleteDeviceFile(device, required(params, 'FileId'));
    } catch (error) {
      failure(error);
    }
    return {};
  },

  async QueryDeviceDesiredProperty(params, context) {
    const device = deviceOf(params, context);
    const DesiredPropertyInfo = Object.entries(context.emulator.queryDeviceDesiredProperty(device)).map(
      ([identifier, { value, version }]) => ({
        Identifier: identifier,
        Value: typeof value === 'string' ? value : JSON.stringify(value),
        Version: version,
      }),
    );
    return { Data: { List: { DesiredPropertyInfo } } };
  },
};
