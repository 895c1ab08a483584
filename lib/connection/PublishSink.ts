import { Observable, Subject, firstValueFrom, timer, type Subscriber, type Subscription } from 'rxjs';
import { ConnectionLostError, PublishRefusedError, PublishTimeoutError } from './errors';
import type { MqttLink } from './MqttPort';
import type { PublishReceipt } from './messages';

/** What happens to a publish made while offline when the queue is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

export interface PublishSinkConfig {
  /** How many publishes wait for the connection at most. */
  readonly queueLimit: number;
  readonly overflow: OverflowPolicy;
  /** From the moment a publish is written until its PUBACK (QoS 1) or write callback (QoS 0). */
  readonly publishTimeoutMs: number;
}

/** A checked publish, encoded and ready for the wire. */
export interface PublishJob {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
}

interface Pending extends PublishJob {
  readonly seq: number;
  readonly subscriber: Subscriber<PublishReceipt>;
  sending?: Subscription;
  timeout?: Subscription;
}

/**
 * Sends publishes on the current link, keeps them in a bounded queue while there is none, and sends a
 * publish again on the next link when the connection dropped before its acknowledgement (at least once).
 */
export class PublishSink {
  private readonly queue: Pending[] = [];
  private readonly inFlight = new Set<Pending>();
  private readonly settled$ = new Subject<void>();
  private link: MqttLink | undefined;
  private closedWith: Error | undefined;
  private seq = 0;

  constructor(private readonly config: PublishSinkConfig) {}

  send(job: PublishJob): Observable<PublishReceipt> {
    return new Observable<PublishReceipt>((subscriber) => {
      if (this.closedWith) return subscriber.error(this.closedWith);
      const pending: Pending = { ...job, seq: ++this.seq, subscriber };
      if (this.link && this.queue.length === 0) this.write(pending, this.link);
      else this.enqueue(pending);
      return () => this.forget(pending);
    });
  }

  /** The link is ready (subscriptions restored): everything queued goes out, in order. */
  online(link: MqttLink): void {
    this.link = link;
    for (const pending of this.queue.splice(0)) this.write(pending, link);
  }

  offline(): void {
    this.link = undefined;
  }

  /** Resolves once nothing is in flight (each in-flight publish is acknowledged, failed or timed out). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await firstValueFrom(this.settled$);
  }

  /** Fails whatever waits, and every later publish, with `error`. */
  close(error: Error): void {
    this.closedWith = error;
    this.link = undefined;
    for (const pending of this.queue.splice(0)) pending.subscriber.error(error);
    for (const pending of [...this.inFlight]) {
      this.forget(pending);
      pending.subscriber.error(error);
    }
  }

  private enqueue(pending: Pending): void {
    if (this.queue.length >= this.config.queueLimit) {
      const victim = this.config.overflow === 'drop-oldest' ? this.queue.shift() : pending;
      victim?.subscriber.error(
        new PublishRefusedError(
          'offline-queue-full',
          victim.topic,
          `the offline queue is full (${this.config.queueLimit}, overflow: ${this.config.overflow})`,
        ),
      );
      if (victim === pending) return;
    }
    this.queue.push(pending);
  }

  /** Back in the queue, in its original order: it was sent but the connection dropped before the answer. */
  private requeue(pending: Pending): void {
    let at = this.queue.length;
    while (at > 0 && (this.queue[at - 1]?.seq ?? 0) > pending.seq) at -= 1;
    this.queue.splice(at, 0, pending);
  }

  private write(pending: Pending, link: MqttLink): void {
    const { topic, payload, qos, subscriber } = pending;
    const { publishTimeoutMs } = this.config;
    this.inFlight.add(pending);
    pending.timeout = timer(publishTimeoutMs).subscribe(() => {
      this.forget(pending);
      subscriber.error(new PublishTimeoutError(topic, publishTimeoutMs));
    });
    pending.sending = link.publish(topic, payload, qos).subscribe({
      next: (packetId) => {
        this.forget(pending);
        subscriber.next({
          topic,
          qos,
          bytes: payload.length,
          ...(packetId === undefined ? {} : { packetId }),
        });
        subscriber.complete();
      },
      error: (error: unknown) => {
        this.forget(pending);
        if (error instanceof ConnectionLostError && !this.closedWith) this.requeue(pending);
        else subscriber.error(error);
      },
    });
  }

  private forget(pending: Pending): void {
    pending.timeout?.unsubscribe();
    pending.sending?.unsubscribe();
    const at = this.queue.indexOf(pending);
    if (at >= 0) this.queue.splice(at, 1);
    if (this.inFlight.delete(pending)) this.settled$.next();
  }
}
