import * as E from 'fp-ts/Either';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeviceIdentity } from '../identity';
import { HTTPS_REGISTRATION_PATH } from '../identity/registrationCredentials';
import {
  ALINK_CODES,
  HttpsRegistrationForm,
  httpsRegistrationReplyPayload,
  REGISTRATION_CODES,
} from '../protocol';
import type { DeviceRegistry } from './deviceRegistry';
import { answerJson, pathOf, readForm } from './formRequests';
import type { RefusalReason } from './emulatorEvent';
import { registrationProblem } from './registrationLogin';

/** The code and message of each refused registration, as the platform answers them. */
export const REGISTRATION_REFUSALS: Partial<
  Record<RefusalReason, { readonly code: number; readonly message: string }>
> = {
  'registration-not-allowed': {
    code: REGISTRATION_CODES.NOT_ALLOWED,
    message: 'dynamic registration is not enabled for the product',
  },
  'unknown-device': { code: REGISTRATION_CODES.DEVICE_NOT_FOUND, message: 'device not found' },
  'unknown-sign-method': {
    code: REGISTRATION_CODES.INVALID_PARAMETER,
    message: 'request parameter error: signMethod',
  },
  'bad-signature': { code: REGISTRATION_CODES.BAD_SIGNATURE, message: 'sign check failed' },
  'device-already-activated': {
    code: REGISTRATION_CODES.ALREADY_ACTIVATED,
    message: 'device is already activated; reset it in the console to register it again',
  },
  'device-disabled': { code: ALINK_CODES.deviceDisabled, message: 'the device is disabled' },
};

export interface HttpsRegistrationEvents {
  registered(device: DeviceIdentity): void;
  refused(device: DeviceIdentity | undefined, reason: RefusalReason): void;
}

/**
 * The platform's HTTPS registration, `POST /auth/register/device` with its form (productKey, deviceName, random, sign, signMethod): the device
 * must have been created in the console (HTTPS has no `regnwl`). Answers 200 with
 * `{"code":200,"data":{productKey,deviceName,deviceSecret},"message":"success"}`, or another code and a
 * message (`REGISTRATION_CODES`); anything but that path is 404.
 */
export function httpsRegistration(registry: DeviceRegistry, events: HttpsRegistrationEvents) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'POST' || pathOf(request) !== HTTPS_REGISTRATION_PATH) {
      response.writeHead(404).end();
      return;
    }
    readForm(request, (fields) => {
      const form = HttpsRegistrationForm.decode(fields);
      if (E.isLeft(form)) {
        events.refused(undefined, 'malformed-request');
        answerJson(
          response,
          httpsRegistrationReplyPayload({
            code: REGISTRATION_CODES.INVALID_PARAMETER,
            message: 'request parameter error',
          }),
        );
        return;
      }
      const { productKey, deviceName, random, sign, signMethod } = form.right;
      const device = { productKey, deviceName };
      void (async () => {
        await registry.recall(device);
        const problem = registrationProblem(registry, { device, method: 'https', random, signMethod, sign });
        if (problem !== undefined) {
          events.refused(device, problem);
          const refusal = REGISTRATION_REFUSALS[problem] ?? {
            code: REGISTRATION_CODES.INVALID_PARAMETER,
            message: problem,
          };
          answerJson(response, httpsRegistrationReplyPayload(refusal));
          return;
        }
        const deviceSecret = await registry.issueSecret(device);
        events.registered(device);
        answerJson(response, httpsRegistrationReplyPayload({ ...device, deviceSecret }));
      })().catch(() => response.writeHead(500).end());
    });
  };
}
