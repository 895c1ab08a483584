import * as E from 'fp-ts/Either';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BootstrapForm, bootstrapReplyPayload, REGISTRATION_CODES } from '../protocol';
import type { DeviceRegistry } from './deviceRegistry';
import { answerJson, readForm } from './formRequests';

/**
 * Device distribution, `POST /auth/bootstrap` with `productKey`, `deviceName`, `clientId` and
 * `resources=mqtt`: answers `{code: 200, data: {resources: {mqtt: {host, port}}}}` with the listener
 * `target()` names, 6100 for a device the emulator does not know, 460 for a form without the fields.
 */
export function httpsBootstrap(
  registry: DeviceRegistry,
  target: () => { readonly host: string; readonly port: number },
) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'POST') {
      response.writeHead(404).end();
      return;
    }
    readForm(request, (fields) => {
      const form = BootstrapForm.decode(fields);
      if (E.isLeft(form) || (form.right.resources ?? 'mqtt') !== 'mqtt') {
        const message = 'request parameter error: productKey, deviceName and resources=mqtt';
        answerJson(response, bootstrapReplyPayload({ code: REGISTRATION_CODES.INVALID_PARAMETER, message }));
        return;
      }
      const { productKey, deviceName } = form.right;
      if (!registry.isKnown({ productKey, deviceName })) {
        const message = `the device ${productKey}/${deviceName} does not exist`;
        answerJson(response, bootstrapReplyPayload({ code: REGISTRATION_CODES.DEVICE_NOT_FOUND, message }));
        return;
      }
      answerJson(response, bootstrapReplyPayload(target()));
    });
  };
}
