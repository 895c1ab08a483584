import * as E from 'fp-ts/Either';
import type { Subscription } from 'rxjs';
import { deviceTopics } from '../identity';
import { NtpRequest, ntpResponsePayload } from '../protocol';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload } from './decodeDevicePayload';
import { anyDeviceTopics } from './anyDeviceTopics';

/**
 * The platform's NTP service: each request on `/ext/ntp/pk/dn/request` is answered on
 * `…/response` with the device's time sent back and the emulator's clock when the request came and when the
 * answer left. A request that does not decode gets no answer, as a malformed one would on the platform.
 */
export function serveNtp(cloud: CloudSide): Subscription {
  return cloud.listen(anyDeviceTopics.ntpRequest).subscribe((message) => {
    const serverRecvTime = cloud.now();
    const request = decodeDevicePayload(NtpRequest, message.payload);
    if (E.isLeft(request)) return;
    const { deviceSendTime } = request.right;
    const payload = ntpResponsePayload({ deviceSendTime, serverRecvTime, serverSendTime: cloud.now() });
    cloud.publish(deviceTopics(message).ntpResponse, payload).catch(() => undefined);
  });
}
