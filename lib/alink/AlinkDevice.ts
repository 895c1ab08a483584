import type { Observable } from 'rxjs';
import type { ConnectionState } from '../connection/ConnectionState';
import type { ObserveOptions } from '../connection/createConnection';
import type { InboundMessage, OutboundMessage, PublishReceipt } from '../connection/messages';
import type { DeviceIdentity } from '../identity/deviceNamespace';
import type { DeviceTopics } from '../identity/deviceTopics';

/**
 * What a platform service needs of a device: its identity and topics, its streams, and publishing. An
 * `AliyunDevice` is one; so is a gateway's sub-device, which speaks through its gateway's connection, so
 * that every service works for both unchanged.
 */
export interface AlinkDevice extends DeviceIdentity {
  readonly topics: DeviceTopics;
  /** Replays the current state; completes after `close()`. */
  readonly state$: Observable<ConnectionState>;
  /** Every inbound PUBLISH, subscribed or not. */
  readonly messages$: Observable<InboundMessage>;
  /** A refcounted broker subscription. */
  observe(filter: string, options?: ObserveOptions): Observable<InboundMessage>;
  /** Cold: one PUBLISH per subscription; unsubscribing forgets it. */
  publish(message: OutboundMessage): Observable<PublishReceipt>;
}
