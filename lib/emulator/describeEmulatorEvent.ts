import type { DeviceIdentity } from '../identity';
import { previewPayload } from '../log/redactPayload';
import type { CloudDiagnostic } from './cloudDiagnostics';
import type { EmulatorEvent, ReceivedMessage } from './emulatorEvent';

const nameOf = (device: DeviceIdentity) => `${device.productKey}/${device.deviceName}`;

/**
 * One readable line for an emulator event, as the `rx-aliyun-iot:emulator` log and the command line print it:
 * `a1B2c3/dev01 connected as client a1B2c3.dev01`. Events carry no secret, so neither does the line.
 */
export function describeEmulatorEvent(event: EmulatorEvent): string {
  switch (event.type) {
    case 'connect':
      return `${nameOf(event.device)} connected as client ${event.device.clientId}`;
    case 'refused':
      return (
        `refused client ${JSON.stringify(event.clientId)} username ${JSON.stringify(event.username)}: ` +
        `${event.reason} (CONNACK ${event.returnCode})`
      );
    case 'disconnect':
      return `${nameOf(event.device)} disconnected (${event.reason})`;
    case 'subscribe':
      return `${nameOf(event.device)} subscribed ${event.filters
        .map((filter, i) => `${filter} (${event.granted[i] === 128 ? 'refused' : `qos ${event.granted[i]}`})`)
        .join(', ')}`;
    case 'unsubscribe':
      return `${nameOf(event.device)} unsubscribed ${event.filters.join(', ')}`;
    case 'kicked':
      return `${nameOf(event.device)} kicked off by a new login as client ${event.byClientId}`;
    case 'violation':
      return (
        `${nameOf(event.device)} broke a rule on ${event.topic}: ${event.reason}; ` +
        (event.action === 'closed' ? 'disconnecting it' : 'dropped the message')
      );
    case 'subscription-refused':
      return `${nameOf(event.device)} may not subscribe to ${event.filter}: ${event.reason}`;
    case 'registered':
      return `${nameOf(event.device)} registered (${event.method})`;
    case 'registration-refused':
      return `refused an HTTPS registration${event.device ? ` of ${nameOf(event.device)}` : ''}: ${event.reason}`;
    case 'thing': {
      const answer = event.code === undefined ? 'not answered (ack 0)' : `answered ${event.code}`;
      const broken = (event.violations ?? []).map((v) => v.message).join('; ');
      return `${nameOf(event.device)} ${event.method} #${event.id} ${answer}${broken === '' ? '' : `: ${broken}`}`;
    }
    case 'sub-device-login':
      return `${nameOf(event.device)} logged in through gateway ${nameOf(event.gateway)} as client ${event.device.clientId}`;
    case 'sub-device-logout':
      return `${nameOf(event.device)} logged out of gateway ${nameOf(event.gateway)} (${event.reason})`;
    case 'topology':
      return (
        `${event.change === 'added' ? 'added' : 'removed'} ${event.devices.map(nameOf).join(', ')} ` +
        `${event.change === 'added' ? 'to' : 'from'} the topology of gateway ${nameOf(event.gateway)}`
      );
    case 'sub-devices-found':
      return `gateway ${nameOf(event.gateway)} found ${event.devices.map(nameOf).join(', ') || 'no sub-devices'}`;
    case 'http-access': {
      const who = event.device === undefined ? 'a device' : nameOf(event.device);
      const what = event.action === 'auth' ? 'authenticated' : `posted on ${event.topic ?? '?'}`;
      return `${who} ${what} over HTTPS: answered ${event.code}`;
    }
    case 'lifecycle':
      return `${nameOf(event.device)} ${event.change} in the console`;
    case 'raw-data': {
      if (event.code !== undefined) {
        return `${nameOf(event.device)} data parsing on ${event.topic} failed (${event.code}): ${event.message ?? ''}`;
      }
      const { method, id, code } = event.json ?? {};
      const what =
        typeof method === 'string' ? method : code === undefined ? 'a message' : `a reply ${String(code)}`;
      const idPart = id === undefined ? '' : ` #${String(id)}`;
      return `${nameOf(event.device)} data parsing on ${event.topic}: ${what}${idPart}`;
    }
    case 'file-upload': {
      const what =
        event.fileName === undefined
          ? (event.uploadId ?? '')
          : `${event.fileName} (${event.uploadId ?? 'no upload'})`;
      if (event.code !== 200)
        return `${nameOf(event.device)} file upload ${event.step} ${what} refused ${event.code}: ${event.message ?? ''}`;
      const done =
        event.complete === true
          ? `complete, ${event.size ?? 0} bytes`
          : event.step === 'cancel'
            ? 'cancelled'
            : `opened at ${event.size ?? 0} bytes`;
      return `${nameOf(event.device)} file upload ${what} ${done}`;
    }
    case 'job': {
      const task = `job ${event.jobId} task ${event.taskId}`;
      const now = `${event.status} (${event.progress}%)`;
      if (event.code === undefined) return `${nameOf(event.device)} ${task} ${now}`;
      if (event.code === 200) return `${nameOf(event.device)} updated ${task}: ${now}`;
      return `${nameOf(event.device)} update of ${task} refused ${event.code}: ${event.message ?? ''}`;
    }
    case 'file-download': {
      const what = `stream ${event.streamId ?? '?'} file ${event.fileId ?? '?'} at ${event.offset ?? '?'}`;
      if (event.code !== 200)
        return `${nameOf(event.device)} file download ${what} refused ${event.code}: ${event.message ?? ''}`;
      const how = event.fault === undefined ? 'complete' : `${event.fault} (fault)`;
      return `${nameOf(event.device)} file download ${what}, ${event.size} bytes: ${how}`;
    }
    case 'compression': {
      if (event.code !== 200)
        return `${nameOf(event.device)} compression refused ${event.code}: ${event.message ?? ''}`;
      const list = (topics: readonly string[]) => (topics.length === 0 ? 'none' : topics.join(', '));
      return `${nameOf(event.device)} compression declared: uplink ${list(event.uplink)}; downlink ${list(event.downlink)}`;
    }
    case 'decompression-failed':
      return `${nameOf(event.device)} sent ${event.bytes} bytes on ${event.topic} that did not gunzip (${event.reason}): dropped`;
    case 'diagnostic':
      return `${nameOf(event.device)} ${describeDiagnostic(event.diagnostic)}`;
    case 'call':
      return (
        `cloud ${event.call} to ${nameOf(event.device)} on ${event.topic}: ${event.outcome} ` +
        `after ${event.durationMs} ms`
      );
  }
}

/** `diag uplink warning: Alink message 12 waited 700 ms`, `network status rssi 75 snr 20 per 10`. */
function describeDiagnostic(diagnostic: CloudDiagnostic): string {
  switch (diagnostic.kind) {
    case 'alert': {
      const what =
        diagnostic.item === 'uplink' ? `Alink message ${diagnostic.messageId ?? '?'} waited` : 'took';
      return `diag ${diagnostic.item} ${diagnostic.level}: ${what} ${diagnostic.elapsedMs} ms`;
    }
    case 'summary':
      return `diag ${diagnostic.item} ${diagnostic.level}: ${diagnostic.count} more alerts in ${diagnostic.periodMs} ms`;
    case 'network-status': {
      const [first] = diagnostic.samples;
      if (diagnostic.samples.length !== 1 || first === undefined) {
        return `network status: ${diagnostic.samples.length} readings (${diagnostic.model})`;
      }
      const { rssi, snr, per, err_stats: errors } = first.wifi;
      return `network status rssi ${rssi} snr ${snr} per ${per}${errors ? ` errors ${errors}` : ''}`;
    }
  }
}

/** One line for a PUBLISH a device sent: topic, QoS, size and a redacted preview of the payload. */
export function describeReceived(message: ReceivedMessage): string {
  return (
    `${nameOf(message)} published on ${message.topic} qos ${message.qos} ` +
    `(${message.payload.byteLength} bytes) ${previewPayload(message.payload)}`
  );
}

/** One line for a message the cloud sends. */
export function describeCloudPublish(topic: string, payload: Uint8Array, qos: number): string {
  return `cloud published on ${topic} qos ${qos} (${payload.byteLength} bytes) ${previewPayload(payload)}`;
}

/**
 * A log line from `describe`, or a line that says it could not be written: a log must never end the process
 * whose events it writes (an event or message it cannot describe threw inside the RxJS subscriber that logs).
 */
export function describedSafely(describe: () => string): string {
  try {
    return describe();
  } catch (error) {
    return `(an event that could not be described: ${error instanceof Error ? error.name : 'error'})`;
  }
}
