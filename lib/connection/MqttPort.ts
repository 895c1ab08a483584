import type { Observable } from 'rxjs';
import type { InboundMessage } from './messages';

/**
 * One live MQTT connection, between its CONNACK and its close. Every method answers once: when the
 * connection closes first, with `ConnectionLostError`, so nothing waits forever. The Observables are cold.
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
   * One PUBLISH. Calls `done` at most once: `done(undefined, packetId)` on the PUBACK (QoS 1), `done()` once
   * written (QoS 0), `done(error)` when the connection is lost first (`ConnectionLostError`). The publish
   * sink sends again what a link left unanswered, and ignores an answer that comes after it went offline.
   * Any number may be in flight: a link whose packet ids are all taken holds the next QoS 1 publishes
   * until answers free some (`mqttJsPort` keeps at most `MAX_UNACKNOWLEDGED` unanswered).
   *
   * A callback rather than an Observable like the other methods: an Observable per publish cost 20–24% of
   * ours/raw on the mosquitto rows of the e2e bench (medians of 3 A/B runs, 2026-12-02).
   */
  publish(
    topic: string,
    payload: Uint8Array,
    qos: 0 | 1,
    done: (error?: Error, packetId?: number) => void,
  ): void;
  /** Sends DISCONNECT and closes; the `connect(inbound)` stream then completes instead of erroring. */
  disconnect(): Observable<never>;
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
