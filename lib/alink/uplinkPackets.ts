// The Alink requests and replies in a device's packets, as watchDiagnostics times them (`uplink`).
import type { DevicePacket } from '../connection/DevicePacket';
import { parseJson } from '../json/parseJson';
import { LOG_METHODS } from '../protocol';

/** The JSON object a payload holds, if it holds one. */
function jsonObjectOf(payload: Uint8Array): Record<string, unknown> | undefined {
  // `{`: most payloads that are no JSON object are not parsed at all.
  if (payload[0] !== 0x7b) return undefined;
  try {
    const json = parseJson(utf8.decode(payload));
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const utf8 = new TextDecoder();

const idOf = (json: Record<string, unknown>) =>
  typeof json['id'] === 'string' || typeof json['id'] === 'number' ? String(json['id']) : undefined;

/** An Alink request sent, or a reply received: its id, and the topic it went or came on. */
export interface IdOnTopic {
  readonly id: string;
  readonly topic: string;
}

/**
 * An Alink request that asks for a reply: a first PUBLISH (not a `dup`) with an `id` and a `method`, and no
 * `sys.ack` 0. Log posts are left out, so that diagnostics reported as logs do not measure themselves.
 */
function requestOf(packet: DevicePacket): IdOnTopic | undefined {
  if (packet.type !== 'publish' || packet.direction !== 'sent' || packet.dup) return undefined;
  const json = jsonObjectOf(packet.payload);
  if (json === undefined || typeof json['method'] !== 'string' || json['method'] === LOG_METHODS.post) {
    return undefined;
  }
  const ack = (json['sys'] as { ack?: unknown } | undefined)?.ack;
  if (ack === 0 || ack === '0' || ack === false) return undefined;
  const id = idOf(json);
  return id === undefined ? undefined : { id, topic: packet.topic };
}

/** A reply received: a PUBLISH with an `id` and a `code`, and the topic it came on. */
export function replyOf(packet: DevicePacket): IdOnTopic | undefined {
  if (packet.type !== 'publish' || packet.direction !== 'received') return undefined;
  const json = jsonObjectOf(packet.payload);
  const id = json === undefined || json['code'] === undefined ? undefined : idOf(json);
  return id === undefined ? undefined : { id, topic: packet.topic };
}

/** How many unacknowledged requests are remembered at most: far more than are ever in flight. */
const REMEMBERED_REQUESTS = 1024;

/**
 * The request each packet sends, as `requestOf`, but once: the publish sink sends what a lost connection
 * left unacknowledged again on the next connection, the same topic and id, and not as a `dup`. So a QoS 1
 * request is remembered from its PUBLISH to its PUBACK with the connection it went on, and one on a later
 * connection while remembered is a resend. Requests that share a topic and an id (a caller's fixed id) are
 * remembered one copy each. An id used again once acknowledged is a new request.
 */
export function firstSends(): (packet: DevicePacket) => IdOnTopic | undefined {
  let connection = 0;
  /**
   * The connection each unacknowledged copy of a request was last sent on, by topic and id (no topic holds
   * U+0000).
   */
  const unacknowledged = new Map<string, number[]>();
  /** The request of each packet id in flight on this connection. */
  const byPacketId = new Map<number, string>();
  return (packet) => {
    if (packet.type === 'connect' && packet.direction === 'sent') {
      connection += 1;
      byPacketId.clear();
    } else if (packet.type === 'puback' && packet.direction === 'received') {
      const key = byPacketId.get(packet.packetId);
      byPacketId.delete(packet.packetId);
      const copies = key === undefined ? undefined : unacknowledged.get(key);
      const acknowledged = copies?.lastIndexOf(connection) ?? -1;
      if (key !== undefined && copies !== undefined && acknowledged >= 0) {
        copies.splice(acknowledged, 1);
        if (copies.length === 0) unacknowledged.delete(key);
      }
    }
    const request = requestOf(packet);
    if (request === undefined || packet.type !== 'publish' || packet.packetId === undefined) return request;
    const key = `${request.topic}\u0000${request.id}`;
    const copies = unacknowledged.get(key) ?? [];
    unacknowledged.delete(key);
    unacknowledged.set(key, copies);
    byPacketId.set(packet.packetId, key);
    // The oldest go first: those of publishes given up, which are never acknowledged.
    if (unacknowledged.size > REMEMBERED_REQUESTS) {
      unacknowledged.delete(unacknowledged.keys().next().value as string);
    }
    // A copy sent on an earlier connection and not acknowledged there: this is it, sent again.
    const resent = copies.findIndex((sentOn) => sentOn < connection);
    if (resent >= 0) {
      copies[resent] = connection;
      return undefined;
    }
    copies.push(connection);
    return request;
  };
}
