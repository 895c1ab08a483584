import type { Packet } from 'mqtt';
import { previewPayload, REDACTED, redactPayload } from '../log/redactPayload';

/** Whether the device sent a packet or received it. */
export type PacketDirection = 'sent' | 'received';

/**
 * An MQTT packet a device sent or received, as `device.packets$` shows it. It never carries the password (a
 * CONNECT says `password: '[redacted]'`), and a JSON payload has the values of its fields named like secrets
 * redacted (`deviceSecret`, `deviceToken`, `sign`, ...).
 */
export type DevicePacket = { readonly direction: PacketDirection } & (
  | {
      readonly type: 'connect';
      readonly clientId: string;
      readonly username?: string | undefined;
      readonly password?: '[redacted]' | undefined;
      /** Seconds. */
      readonly keepalive: number;
      readonly clean: boolean;
    }
  | { readonly type: 'connack'; readonly returnCode: number; readonly sessionPresent: boolean }
  | {
      readonly type: 'publish';
      readonly topic: string;
      readonly qos: 0 | 1 | 2;
      readonly retain: boolean;
      readonly dup: boolean;
      /** QoS 1 and 2 only. */
      readonly packetId?: number | undefined;
      /** Redacted: see above. */
      readonly payload: Uint8Array;
      /** The size of the payload on the wire, in bytes. */
      readonly bytes: number;
    }
  | {
      readonly type: 'subscribe';
      readonly packetId: number;
      readonly subscriptions: readonly { readonly filter: string; readonly qos: number }[];
    }
  | { readonly type: 'suback'; readonly packetId: number; readonly granted: readonly number[] }
  | { readonly type: 'unsubscribe'; readonly packetId: number; readonly filters: readonly string[] }
  | {
      readonly type: 'puback' | 'unsuback' | 'pubrec' | 'pubrel' | 'pubcomp';
      readonly packetId: number;
    }
  | { readonly type: 'pingreq' | 'pingresp' | 'disconnect' | 'auth' }
);

/** The packet as `device.packets$` shows it: MQTT.js's packet, without the password or a payload's secrets. */
export function devicePacket(direction: PacketDirection, packet: Packet): DevicePacket {
  const packetId = packet.messageId ?? 0;
  switch (packet.cmd) {
    case 'connect':
      return {
        direction,
        type: 'connect',
        clientId: packet.clientId,
        username: packet.username,
        ...(packet.password === undefined ? {} : { password: REDACTED }),
        keepalive: packet.keepalive ?? 0,
        clean: packet.clean ?? true,
      };
    case 'connack':
      return {
        direction,
        type: 'connack',
        returnCode: packet.returnCode ?? packet.reasonCode ?? 0,
        sessionPresent: packet.sessionPresent,
      };
    case 'publish': {
      const payload = typeof packet.payload === 'string' ? utf8.encode(packet.payload) : packet.payload;
      return {
        direction,
        type: 'publish',
        // The device hands MQTT.js its topics as bytes (`topicBytes` in mqttJsPort).
        topic: typeof packet.topic === 'string' ? packet.topic : utf8Text.decode(packet.topic as Uint8Array),
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        ...(packet.qos > 0 ? { packetId } : {}),
        payload: redactPayload(payload),
        bytes: payload.byteLength,
      };
    }
    case 'subscribe':
      return {
        direction,
        type: 'subscribe',
        packetId,
        subscriptions: packet.subscriptions.map(({ topic, qos }) => ({ filter: topic, qos })),
      };
    case 'suback':
      return { direction, type: 'suback', packetId, granted: packet.granted.map(Number) };
    case 'unsubscribe':
      return { direction, type: 'unsubscribe', packetId, filters: packet.unsubscriptions };
    case 'puback':
    case 'unsuback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return { direction, type: packet.cmd, packetId };
    default:
      return { direction, type: packet.cmd };
  }
}

const utf8Text = new TextDecoder();
const utf8 = new TextEncoder();

/** One readable log line: `sent PUBLISH /a1B2/dev01/user/update qos 1 #3 (17 bytes) "{\"on\":1}"`. */
export function describePacket(packet: DevicePacket): string {
  const head = `${packet.direction} ${packet.type.toUpperCase()}`;
  switch (packet.type) {
    case 'connect':
      return (
        `${head} clientId ${JSON.stringify(packet.clientId)} username ${JSON.stringify(packet.username)}` +
        ` password ${packet.password ?? 'none'} keepalive ${packet.keepalive} s clean ${packet.clean}`
      );
    case 'connack':
      return `${head} return code ${packet.returnCode} session present ${packet.sessionPresent}`;
    case 'publish':
      return (
        `${head} ${packet.topic} qos ${packet.qos}${packet.packetId === undefined ? '' : ` #${packet.packetId}`}` +
        `${packet.retain ? ' retain' : ''}${packet.dup ? ' dup' : ''} (${packet.bytes} bytes) ` +
        previewPayload(packet.payload)
      );
    case 'subscribe':
      return `${head} #${packet.packetId} ${packet.subscriptions.map((s) => `${s.filter} (qos ${s.qos})`).join(', ')}`;
    case 'suback':
      return `${head} #${packet.packetId} granted ${packet.granted.join(', ')}`;
    case 'unsubscribe':
      return `${head} #${packet.packetId} ${packet.filters.join(', ')}`;
    case 'puback':
    case 'unsuback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return `${head} #${packet.packetId}`;
    default:
      return head;
  }
}
