import { asyncScheduler, firstValueFrom, Observable, Subject, timer, type Subscription } from 'rxjs';
import { timerMs } from '../operators/timerMs';
import type { PublishJob } from './checkPublish';
import { ConnectionLostError, PublishRefusedError, PublishTimeoutError } from './errors';
import type { PublishReceipt } from './messages';
import type { MqttLink } from './MqttPort';
import { Queue } from './Queue';

/**
 * Which publish fails when one more is made while offline and the queue is full; it fails with
 * `PublishRefusedError('offline-queue-full')`, so none goes untold.
 * - `'drop-oldest'`: the oldest in the queue, and the new one takes its place (the latest data wins);
 * - `'drop-newest'`: the newest in the queue, and the new one takes its place (the queue keeps the start of
 *   the outage and the latest publish);
 * - `'error'`: the new one (the queue keeps the start of the outage; the caller hears at once).
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

export interface PublishSinkConfig {
  /** How many publishes wait for the connection at most. */
  readonly queueLimit: number;
  readonly overflow: OverflowPolicy;
  /** From the moment a publish is written until its PUBACK (QoS 1) or write callback (QoS 0). */
  readonly publishTimeoutMs: number;
}

/** Who hears how a publish ends: an RxJS subscriber, or a plain observer of the same shape. */
export interface PublishObserver {
  /** The observer has left (an RxJS subscriber that unsubscribed): its publish is forgotten. */
  readonly closed: boolean;
  next(receipt: PublishReceipt): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * One publish, from `attach` until it settles: the job's fields, not the job, so that a publish in flight
 * holds one object less until its answer.
 */
interface Pending extends PublishJob {
  readonly observer: PublishObserver;
  /** Order of the publish calls: a publish sent again goes back to its place in the queue. */
  readonly seq: number;
  state: 'queued' | 'in-flight' | 'settled';
  /** When it times out, on the scheduler's clock; set each time it is written. */
  deadline: number;
  /** The link it was last written on: the only one whose answer counts. */
  link: MqttLink | undefined;
}

/**
 * Sends publishes on the current link, keeps them in a bounded queue while there is none, and sends a
 * publish again on the next link when the connection dropped before its acknowledgement (at least once).
 * One timer watches every in-flight publish: they share one timeout, so the oldest always expires first.
 */
export class PublishSink {
  private readonly queue = new Queue<Pending>();
  /** Written and not yet answered, in the order they were written: the order of their deadlines. */
  private readonly inFlight = new Set<Pending>();
  private readonly settled$ = new Subject<void>();
  private link: MqttLink | undefined;
  private closedWith: Error | undefined;
  private seq = 0;
  private timeoutTimer: Subscription | undefined;
  /** Publishes that may still meet the full queue before it is searched again for abandoned ones. */
  private unsearched = 0;

  constructor(private readonly config: PublishSinkConfig) {}

  /** `attach` as a cold Observable: one publish per subscription. */
  send(job: PublishJob): Observable<PublishReceipt> {
    return new Observable<PublishReceipt>((subscriber) => this.attach(job, subscriber));
  }

  /**
   * Starts one publish. A publish whose observer has left (`observer.closed`) is forgotten: a queued one is
   * not sent; a written one (a write cannot be recalled) is not sent again after a reconnect, and `drain()`
   * does not wait for it. The sink reads `closed` where it would act on the publish rather than keeping a
   * teardown per publish: the teardown cost 9–22% of ours/raw on the mosquitto rows of the e2e bench
   * (medians of 3 A/B runs, 2026-12-02).
   */
  attach(job: PublishJob, observer: PublishObserver): void {
    if (this.closedWith) return observer.error(this.closedWith);
    const pending: Pending = {
      topic: job.topic,
      payload: job.payload,
      qos: job.qos,
      observer,
      seq: ++this.seq,
      state: 'queued',
      deadline: 0,
      link: undefined,
    };
    // Online with a queue: only publishes put back by a failed write, maybe abandoned since.
    if (this.link && this.queue.length > 0) this.searchAbandoned();
    if (this.link && this.queue.length === 0) this.write(pending, this.link);
    else this.enqueue(pending);
  }

  /** The link is ready (subscriptions restored): everything queued goes out, in order. */
  online(link: MqttLink): void {
    this.link = link;
    this.unsearched = 0;
    for (const pending of this.queue.takeAll()) {
      if (pending.observer.closed) pending.state = 'settled';
      else this.write(pending, link);
    }
  }

  /**
   * The link is gone. What it had in flight counts as unanswered: back to the queue, in order, to go out
   * again on the next link.
   */
  offline(): void {
    this.link = undefined;
    this.unsearched = 0;
    for (const pending of [...this.inFlight]) {
      this.settle(pending);
      if (!pending.observer.closed) this.requeue(pending);
    }
    this.timeoutTimer?.unsubscribe();
    this.timeoutTimer = undefined;
  }

  /**
   * Resolves once nothing is in flight (each in-flight publish is acknowledged, failed or timed out). The
   * publishes abandoned by then are not waited for; one abandoned later is, like the others, until its
   * answer or its timeout.
   */
  async drain(): Promise<void> {
    for (const pending of [...this.inFlight]) if (pending.observer.closed) this.settle(pending);
    while (this.inFlight.size > 0) await firstValueFrom(this.settled$);
  }

  /** Fails whatever waits, and every later publish, with `error`. */
  close(error: Error): void {
    this.closedWith = error;
    this.link = undefined;
    this.timeoutTimer?.unsubscribe();
    this.timeoutTimer = undefined;
    const waiting = this.queue.takeAll();
    // Out of the queue all at once: settling the queued one by one would splice the queue each time, and a
    // queue of 1,000,000 would hold close() for minutes.
    for (const pending of waiting) pending.state = 'settled';
    // One by one: spread as arguments, 150,000 in flight (QoS 0 publishes waiting for 'drain') overflowed
    // the stack, and close() threw.
    for (const pending of this.inFlight) waiting.push(pending);
    for (const pending of waiting) {
      this.settle(pending);
      pending.observer.error(error);
    }
  }

  private enqueue(pending: Pending): void {
    const { queueLimit, overflow } = this.config;
    if (this.queue.length >= queueLimit) this.searchAbandoned();
    if (this.queue.length >= queueLimit) {
      const dropped =
        overflow === 'drop-oldest'
          ? this.queue.shift()
          : overflow === 'drop-newest'
            ? this.queue.pop()
            : undefined;
      const victim = dropped ?? pending;
      victim.state = 'settled';
      const detail =
        victim === pending
          ? `the offline queue is full (${queueLimit}, overflow: ${overflow})`
          : `dropped from the full offline queue (${queueLimit}, overflow: ${overflow}) for a newer publish`;
      victim.observer.error(new PublishRefusedError('offline-queue-full', victim.topic, detail));
      if (victim === pending) return;
    }
    pending.state = 'queued';
    this.queue.push(pending);
  }

  /**
   * Takes the publishes whose observers have left out of the queue, then not again until as many publishes
   * have asked as it held. Searched at every publish, a full queue of 1,000,000 took 12 ms a publish (a
   * device offline could publish 80 times a second), 5 µs at 1,000; so it costs a publish one entry
   * searched at most, and one abandoned meanwhile keeps its place that long.
   */
  private searchAbandoned(): void {
    if (this.unsearched > 0) {
      this.unsearched -= 1;
      return;
    }
    this.unsearched = this.queue.length;
    this.queue.keepIf((pending) => {
      if (!pending.observer.closed) return true;
      pending.state = 'settled';
      return false;
    });
  }

  /** Back in the queue, in its original order: it was sent but the connection dropped before the answer. */
  private requeue(pending: Pending): void {
    pending.state = 'queued';
    this.queue.insertInOrder(pending, (other) => other.seq < pending.seq);
  }

  private write(pending: Pending, link: MqttLink): void {
    pending.state = 'in-flight';
    pending.deadline = asyncScheduler.now() + this.config.publishTimeoutMs;
    this.inFlight.add(pending);
    this.armTimeout();
    pending.link = link;
    const { topic, payload, qos } = pending;
    link.publish(topic, payload, qos, (error, packetId) => {
      // An answer from an older link (one that answers after its connection closed) is not this write's.
      if (pending.state !== 'in-flight' || pending.link !== link) return;
      if (error === undefined) this.acknowledged(pending, packetId);
      else this.failed(pending, error);
    });
  }

  private acknowledged(pending: Pending, packetId: number | undefined): void {
    this.settle(pending);
    if (pending.observer.closed) return;
    const { topic, qos, payload } = pending;
    // A packet id means something only for QoS 1, whatever the port passes.
    pending.observer.next({
      topic,
      qos,
      packetId: qos === 1 ? packetId : undefined,
      bytes: payload.length,
    });
    pending.observer.complete();
  }

  private failed(pending: Pending, error: Error): void {
    this.settle(pending);
    if (pending.observer.closed) return;
    if (error instanceof ConnectionLostError && !this.closedWith) this.requeue(pending);
    else pending.observer.error(error);
  }

  /**
   * One timer, for the oldest in-flight publish; when it fires, whatever has expired fails. It stays armed
   * when the publishes it watched are answered, and is armed again only for those still in flight then.
   */
  private armTimeout(): void {
    if (this.timeoutTimer !== undefined) return;
    const oldest = this.inFlight.values().next().value;
    if (oldest === undefined) return;
    // Past what a timer holds it fires early, finds nothing expired, and is armed again for the rest.
    const wait = timerMs(Math.max(0, oldest.deadline - asyncScheduler.now()));
    this.timeoutTimer = timer(wait).subscribe(() => {
      this.timeoutTimer = undefined;
      const now = asyncScheduler.now();
      for (const pending of this.inFlight) {
        if (pending.deadline > now) break;
        this.settle(pending);
        if (!pending.observer.closed)
          pending.observer.error(new PublishTimeoutError(pending.topic, this.config.publishTimeoutMs));
      }
      if (!this.closedWith) this.armTimeout();
    });
  }

  /** Out of the queue or out of flight; its answer, if one still comes, is ignored. */
  private settle(pending: Pending): void {
    const { state } = pending;
    pending.state = 'settled';
    if (state === 'queued') {
      this.queue.remove(pending);
    } else if (state === 'in-flight') {
      this.inFlight.delete(pending);
      if (this.settled$.observed) this.settled$.next();
    }
  }
}
