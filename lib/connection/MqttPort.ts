import type { Observable } from 'rxjs';
import type { InboundMessage } from './messages';

/**
 * One live MQTT connection, between its CONNACK and its close. Every method is cold and answers once:
 * when the connection closes first, it errors with `ConnectionLostError`, so nothing waits forever.
 */
export interface MqttLink {
  readonly sessionPresent: boolean;
  /** One SUBSCRIBE packet; emits the SUBACK return codes in request order (0x80 = refused). */
  subscribe(
    requests: readonly { readonly filter: string; readonly qos: 0 | 1 }[],
  ): Observable<readonly number[]>;
  /** One UNSUBSCRIBE packet; completes on the UNSUBACK. */
  unsubscribe(filters: readonly string[]): Observable<never>;
  /**
   * Answers `receiver.published(this link, ...)` at most once: with the packet id (QoS 1, on PUBACK) or
   * `undefined` (QoS 0, once written), or with an error (`ConnectionLostError`). Answers that come after
   * the connection closed are harmless: the publish sink takes back what was unanswered when it goes
   * offline, sends it again on the next link, and ignores an answer from any link but the last one it wrote
   * on. A receiver rather than an Observable: this is the hot path of every publish.
   */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1, receiver: PublishReceiver): void;
  /** Sends DISCONNECT and closes; the `connect(inbound)` stream then completes instead of erroring. */
  disconnect(): Observable<never>;
}

/** How a link reports the end of one publish; `from` is the link itself. */
export interface PublishReceiver {
  published(from: MqttLink, error: Error | undefined, packetId?: number): void;
}

/** Where a connection hands each inbound PUBLISH, synchronously, in the order they arrive. */
export type InboundHandler = (message: InboundMessage) => void;

/**
 * The narrow port between the library and an MQTT client: the only thing the connection layer needs.
 * `connect(inbound)` is cold: each subscription is one connection attempt. It emits the link once, on the
 * CONNACK; it errors when the attempt fails or the connection drops (`ConnectionRefusedError`,
 * `ConnectionLostError`), completes after `link.disconnect()`, and unsubscribing closes the socket at once.
 * Inbound messages go to `inbound` while the subscription lasts, not through the stream: they are the hot
 * path, and the stream passes through the reconnect operators.
 */
export interface MqttPort {
  connect(inbound: InboundHandler): Observable<MqttLink>;
}
