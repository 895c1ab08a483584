import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

// Device distribution (bootstrap): a device flashed with only the global endpoint asks which instance to
// connect to, and the cloud may tell it to ask again. The reply's shape is the Link SDK's; unverified.

/** Where a device asks: the global endpoint. */
export const BOOTSTRAP_URL = 'https://iot-auth-global.aliyuncs.com/auth/bootstrap';
/** The path of the request, on any host (the emulator's HTTPS server has it too). */
export const BOOTSTRAP_PATH = '/auth/bootstrap';
/** The `method` of the cloud's push that asks a device to bootstrap again. */
export const BOOTSTRAP_NOTIFY_METHOD = 'thing.bootstrap.notify';

/** What a device sends: who it is, and which resource it wants (`mqtt`). */
export interface BootstrapFields {
  readonly productKey: string;
  readonly deviceName: string;
  readonly clientId: string;
}

/** The request's form (`application/x-www-form-urlencoded`). */
export function bootstrapForm({ productKey, deviceName, clientId }: BootstrapFields): string {
  return new URLSearchParams({ productKey, deviceName, clientId, resources: 'mqtt' }).toString();
}

/** The form as the cloud reads it; `resources` defaults to `mqtt`. */
export const BootstrapForm = t.intersection(
  [
    t.type({ productKey: t.string, deviceName: t.string }),
    t.partial({ clientId: t.string, resources: t.string }),
  ],
  'BootstrapForm',
);

/** Where to connect: a host and a port, as numbers or strings of digits. */
export const BootstrapMqtt = t.type({ host: t.string, port: NumberFromStringOrNumber }, 'BootstrapMqtt');
export type BootstrapMqtt = t.TypeOf<typeof BootstrapMqtt>;

/** The answer: `{code, data: {resources: {mqtt: {host, port}}}, message}`; `data` only with code 200. */
export const BootstrapReply = t.intersection(
  [
    t.type({ code: NumberFromStringOrNumber }),
    t.partial({ data: t.type({ resources: t.type({ mqtt: BootstrapMqtt }) }), message: t.string }),
  ],
  'BootstrapReply',
);
export type BootstrapReply = t.TypeOf<typeof BootstrapReply>;

/** The answer's body, as the cloud sends it. */
export function bootstrapReplyPayload(
  answer:
    { readonly host: string; readonly port: number } | { readonly code: number; readonly message: string },
) {
  return 'host' in answer
    ? {
        code: 200,
        data: { resources: { mqtt: { host: answer.host, port: answer.port } } },
        message: 'success',
      }
    : { code: answer.code, message: answer.message };
}

/** The params of `thing.bootstrap.notify`: `cmd` 0 asks the device to bootstrap again. */
export const BootstrapNotifyParams = t.type({ cmd: NumberFromStringOrNumber }, 'BootstrapNotifyParams');
