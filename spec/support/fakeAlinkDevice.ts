// Test support for marble specs of platform services (not a spec itself): an AlinkDevice whose broker side a
// test writes in marbles. Fakes are for marble tests only; socket specs use the emulator.
import { defer, EMPTY, of, type Observable } from 'rxjs';
import type { AlinkDevice } from '../../lib/alink/AlinkDevice';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import type { InboundMessage, OutboundMessage, PublishReceipt } from '../../lib/connection/messages';
import { deviceTopics } from '../../lib/identity/deviceTopics';

export const identity = { productKey: 'pk', deviceName: 'dn' } as const;
export const topics = deviceTopics(identity);

export function inbound(topic: string, payload: unknown): InboundMessage {
  return {
    topic,
    payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    qos: 1,
    retain: false,
    dup: false,
  };
}

export interface FakeDeviceParts {
  /** Every inbound message. Default: none. */
  readonly messages?: Observable<InboundMessage>;
  /** What `observe(filter)` gives, by filter. Default: nothing for any filter. */
  readonly observed?: (filter: string) => Observable<InboundMessage>;
  /** The connection's states. Default: none. */
  readonly state?: Observable<ConnectionState>;
  /** What a publish gives. Default: a receipt at once. */
  readonly published?: (message: OutboundMessage) => Observable<PublishReceipt>;
}

/** The fake device, and what it was asked to do, in the order it was subscribed. */
export function fakeAlinkDevice(parts: FakeDeviceParts = {}) {
  const { messages = EMPTY, observed = () => EMPTY } = parts;
  const published = parts.published ?? ((m) => of({ topic: m.topic, qos: m.qos === 1 ? 1 : 0, bytes: 1 }));
  const calls: string[] = [];
  const sent: OutboundMessage[] = [];
  const device: AlinkDevice = {
    ...identity,
    topics,
    state$: parts.state ?? EMPTY,
    messages$: messages,
    // Recorded when subscribed, as the broker would see them: a SUBSCRIBE, a PUBLISH.
    observe: (filter, options) =>
      defer(() => {
        calls.push(`observe ${filter} qos ${options?.qos ?? 0}`);
        return observed(filter);
      }),
    publish: (message) =>
      defer(() => {
        calls.push(`publish ${message.topic}`);
        sent.push(message);
        return published(message);
      }),
  };
  return { device, calls, sent };
}
