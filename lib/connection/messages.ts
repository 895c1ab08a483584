/** A JSON value, for payloads that are sent JSON-encoded. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** An inbound PUBLISH, as the device received it. */
export interface InboundMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  readonly dup: boolean;
}

/**
 * A publish command. `payload`: a string is sent as UTF-8, bytes as they are, anything else JSON-encoded
 * (to send a JSON string literal, pass `JSON.stringify(s)`).
 */
export interface OutboundMessage {
  readonly topic: string;
  readonly payload: string | Uint8Array | JsonValue;
  /** Default 0. The platform refuses QoS 2: it is a typed error here. */
  readonly qos?: 0 | 1 | 2 | undefined;
  /** Default false. The platform does not support retained messages: `true` is a typed error here. */
  readonly retain?: boolean | undefined;
}

/** What a completed publish reports: QoS 0 when written to the socket, QoS 1 when the PUBACK came. */
export interface PublishReceipt {
  readonly topic: string;
  readonly qos: 0 | 1;
  /** The MQTT packet id of a QoS 1 publish. */
  readonly packetId?: number | undefined;
  /** Payload size in bytes. */
  readonly bytes: number;
}

/**
 * Encodes a payload as the bytes that go on the wire: Node's `Buffer` where there is one (MQTT.js's Node
 * build writes a Buffer as it is), plain `Uint8Array` elsewhere (a browser, where MQTT.js takes those).
 */
export function encodePayload(payload: OutboundMessage['payload']): Uint8Array {
  if (typeof payload === 'string') return utf8(payload);
  if (payload instanceof Uint8Array) return hasBuffer ? asBuffer(payload) : payload;
  return utf8(JSON.stringify(payload));
}

const hasBuffer = typeof Buffer === 'function';
const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array => (hasBuffer ? Buffer.from(text, 'utf8') : encoder.encode(text));
/** The same bytes as a Buffer, not a copy. */
const asBuffer = (bytes: Uint8Array): Uint8Array =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A publish that failed, as a value: `error` says why (a `PublishRefusedError`, `PublishTimeoutError`, ...). */
export interface PublishFailure {
  readonly _tag: 'PublishFailure';
  readonly topic: string;
  readonly error: Error;
}
