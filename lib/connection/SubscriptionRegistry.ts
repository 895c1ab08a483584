import { EMPTY, Observable, ignoreElements, tap } from 'rxjs';
import { TopicRouter } from '../topic/TopicRouter';
import { SubscribeRefusedError } from './errors';
import { Fanout } from './Fanout';
import type { InboundMessage } from './messages';
import type { MqttLink } from './MqttPort';

interface Entry {
  readonly filter: string;
  qos: 0 | 1;
  readonly observers: Fanout<InboundMessage>;
  /** How many observers: the last one to leave sends UNSUBSCRIBE. */
  count: number;
  /** The broker holds this subscription in the current session. */
  acked: boolean;
  /** While a QoS upgrade of an acknowledged subscription awaits its SUBACK: the QoS the broker holds. */
  heldQos: 0 | 1 | undefined;
}

const noop = () => {};

/** Topics whose matching filters are remembered; a device hears few topics, many times each. */
const ROUTE_CACHE_LIMIT = 1024;

/**
 * One broker subscription per filter however many observers, matched through one trie: each inbound
 * message is routed once, to the observers of every filter that matches it.
 */
export class SubscriptionRegistry {
  private readonly router = new TopicRouter<Entry>();
  private readonly entries = new Map<string, Entry>();
  /** Filters dropped while offline that a persistent session may still hold: unsubscribed on reconnect. */
  private readonly stale = new Set<string>();
  /**
   * Topic → the entries whose filter matches it; cleared whenever the set of filters changes. Walking the
   * trie for every message instead cost 16–27% of ours/raw on the mosquitto rows of the e2e bench (medians of
   * 3 A/B runs, 2026-12-02).
   */
  private readonly routes = new Map<string, readonly Entry[]>();
  private link: MqttLink | undefined;
  private closed = false;

  /** Refcounted: the first observer of a filter sends SUBSCRIBE, the last one to leave sends UNSUBSCRIBE. */
  observe(filter: string, qos: 0 | 1): Observable<InboundMessage> {
    return new Observable<InboundMessage>((subscriber) => {
      if (this.closed) return subscriber.complete();
      let entry = this.entries.get(filter);
      const isNew = entry === undefined;
      if (entry === undefined) {
        entry = { filter, qos, observers: new Fanout(), count: 0, acked: false, heldQos: undefined };
        this.entries.set(filter, entry);
        this.router.add(filter, entry);
        this.forgetRoutes();
        this.stale.delete(filter);
      }
      const upgrade = !isNew && qos > entry.qos;
      if (upgrade) {
        if (entry.acked) entry.heldQos = entry.qos;
        entry.qos = qos;
        entry.acked = false;
      }
      entry.count += 1;
      entry.observers.add(subscriber);
      if ((isNew || upgrade) && this.link) this.subscribe(this.link, [entry]).subscribe({ error: noop });
      const own = entry;
      return () => {
        own.observers.remove(subscriber);
        own.count -= 1;
        if (own.count === 0 && this.entries.get(filter) === own) this.drop(own);
      };
    });
  }

  /** Routes one inbound message to the observers of every matching filter, each once. */
  dispatch(message: InboundMessage): void {
    const targets = this.routes.get(message.topic) ?? this.route(message.topic);
    // `targets` is a snapshot: an observer that subscribes or leaves meanwhile changes the next message's.
    for (const entry of targets) entry.observers.next(message);
  }

  private route(topic: string): readonly Entry[] {
    const targets = this.router.match(topic);
    if (this.routes.size >= ROUTE_CACHE_LIMIT) this.routes.clear();
    this.routes.set(topic, targets);
    return targets;
  }

  /** The set of filters changed: every remembered route may be wrong. */
  private forgetRoutes(): void {
    this.routes.clear();
  }

  /** A new connection: restores what the broker lacks; completes when every SUBACK is in. */
  online(link: MqttLink): Observable<never> {
    this.link = link;
    if (!link.sessionPresent) {
      for (const entry of this.entries.values()) entry.acked = false;
      this.stale.clear();
    }
    if (this.stale.size > 0) {
      link.unsubscribe([...this.stale]).subscribe({ error: noop });
      this.stale.clear();
    }
    const missing = [...this.entries.values()].filter((entry) => !entry.acked);
    return missing.length === 0 ? EMPTY : this.subscribe(link, missing);
  }

  offline(): void {
    this.link = undefined;
  }

  /** Completes every observer: the device is closed. */
  close(): void {
    this.closed = true;
    this.link = undefined;
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.forgetRoutes();
    for (const entry of entries) {
      this.router.remove(entry.filter, entry);
      entry.observers.complete();
    }
  }

  /** Number of filters with at least one observer. */
  get size(): number {
    return this.entries.size;
  }

  private subscribe(link: MqttLink, entries: readonly Entry[]): Observable<never> {
    return link.subscribe(entries.map(({ filter, qos }) => ({ filter, qos }))).pipe(
      tap((codes) =>
        entries.forEach((entry, i) => {
          const code = codes[i] ?? 0x80;
          const held = entry.heldQos;
          entry.heldQos = undefined;
          if ((code & 0x80) === 0) entry.acked = true;
          else if (held !== undefined) {
            // A refused upgrade leaves the subscription the broker already holds: its observers keep it.
            entry.qos = held;
            entry.acked = true;
          } else if (this.entries.get(entry.filter) === entry) this.refuse(entry, code);
        }),
      ),
      ignoreElements(),
    );
  }

  private refuse(entry: Entry, code: number): void {
    this.entries.delete(entry.filter);
    this.router.remove(entry.filter, entry);
    this.forgetRoutes();
    entry.observers.error(new SubscribeRefusedError(entry.filter, code));
  }

  private drop(entry: Entry): void {
    this.entries.delete(entry.filter);
    this.router.remove(entry.filter, entry);
    this.forgetRoutes();
    // MQTT keeps packet order: an UNSUBSCRIBE sent before the SUBACK still lands after the SUBSCRIBE.
    const stale = () => {
      // Not known to be gone (the connection dropped first): a persistent session may still hold it.
      if (!this.entries.has(entry.filter)) this.stale.add(entry.filter);
    };
    if (this.link) this.link.unsubscribe([entry.filter]).subscribe({ error: stale });
    else stale();
  }
}
