import {
  asapScheduler,
  asyncScheduler,
  firstValueFrom,
  Observable,
  Subject,
  timer,
  type Subscription,
} from 'rxjs';
import { timerMs } from '../operators/timerMs';
import { ConnectionLostError, PublishRefusedError, PublishTimeoutError } from './errors';
import type { PublishReceipt } from './messages';
import type { MqttLink, PublishReceiver } from './MqttPort';

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
  /**
   * From the moment a publish is written until its PUBACK (QoS 1) or write callback (QoS 0); the moment is
   * the end of the job that wrote it (see `PublishSink`).
   */
  readonly publishTimeoutMs: number;
}

/** A checked publish, encoded and ready for the wire. */
export interface PublishJob {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1;
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
 * 2^29 ms, about 6 days. V8 keeps an integer below 2^30 in an object's field without a heap number, on
 * every build; a deadline is the clock plus the timeout, so the clock starts a new epoch well before that.
 */
const SMALL_CLOCK = 2 ** 29;

/**
 * One publish, from `attach` until it settles. A class, with every field set in its constructor, so that
 * all of them share one hidden class; it is also the link's receiver, so a publish allocates no closures
 * here: this object is on the hot path of every publish.
 */
class Pending implements PublishReceiver {
  state: 'queued' | 'in-flight' | 'settled' = 'queued';
  /** When an in-flight publish times out, in milliseconds on the sink's clock; set when its job ends. */
  deadline = 0;
  /** The link it was last written on: the only one whose answer counts. */
  link: MqttLink | undefined = undefined;
  /** Neighbours in the sink's in-flight list, while in flight. */
  older: Pending | undefined = undefined;
  newer: Pending | undefined = undefined;

  constructor(
    private readonly sink: PublishSink,
    readonly topic: string,
    readonly payload: Uint8Array,
    readonly qos: 0 | 1,
    readonly seq: number,
    readonly observer: PublishObserver,
  ) {}

  published(from: MqttLink, error: Error | undefined, packetId?: number): void {
    this.sink.answered(this, from, error, packetId);
  }
}

/**
 * Sends publishes on the current link, keeps them in a bounded queue while there is none, and sends a
 * publish again on the next link when the connection dropped before its acknowledgement (at least once).
 * One timer watches every in-flight publish: they share one timeout, so the oldest always expires first.
 *
 * The clock is read once per job that writes, not once per publish: reading it costs more than the rest
 * of a write, and a device writes many publishes per job (one per inbound message when it replies, a burst
 * from the offline queue). The publishes written in a job get their deadline when the job ends (on the asap
 * scheduler), so a publish never times out early, and at most one job's length late. Under a
 * `TestScheduler` the job ends at the same frame: deadlines are exact there.
 */
export class PublishSink {
  private readonly queue: Pending[] = [];
  /**
   * In flight, oldest first: the order they were written, which is the order of their deadlines. A list
   * through the publishes themselves, so that a publish costs no set entry.
   */
  private oldest: Pending | undefined;
  private newest: Pending | undefined;
  private readonly settled$ = new Subject<void>();
  private link: MqttLink | undefined;
  private closedWith: Error | undefined;
  private seq = 0;
  private timeoutTimer: Subscription | undefined;
  /**
   * Where the sink's clock starts, on the scheduler's clock. Deadlines are kept as milliseconds since then:
   * small integers, which V8 stores in the publish itself, where an absolute time (about 1.8e12) would be a
   * separate heap number for every publish.
   */
  private epoch = asyncScheduler.now();
  /** The oldest publish in flight still without a deadline: it and every newer one were written in this job. */
  private firstUnstamped: Pending | undefined;
  /** The end of the job that wrote them, when it sets their deadlines. */
  private stamping: Subscription | undefined;

  constructor(private readonly config: PublishSinkConfig) {}

  /** `attach` as a cold Observable: one publish per subscription. */
  send(job: PublishJob): Observable<PublishReceipt> {
    return new Observable<PublishReceipt>((subscriber) => this.attach(job, subscriber));
  }

  /**
   * Starts one publish. A publish whose observer has left (`observer.closed`) is forgotten: a queued one is
   * not sent; a written one (a write cannot be recalled) is not sent again after a reconnect, and `close()`
   * does not wait for it. The sink checks `closed` where it would act on the publish rather than keeping a
   * teardown per publish: RxJS's finalizer list would cost allocations on every publish.
   */
  attach(job: PublishJob, observer: PublishObserver): void {
    if (this.closedWith) return observer.error(this.closedWith);
    const pending = new Pending(this, job.topic, job.payload, job.qos, ++this.seq, observer);
    // Online with a queue: only publishes put back by a failed write, maybe abandoned since.
    if (this.link && this.queue.length > 0) this.forgetAbandoned();
    if (this.link && this.queue.length === 0) this.write(pending, this.link);
    else this.enqueue(pending);
  }

  /** The link is ready (subscriptions restored): everything queued goes out, in order. */
  online(link: MqttLink): void {
    this.link = link;
    for (const pending of this.queue.splice(0)) {
      if (pending.observer.closed) pending.state = 'settled';
      else this.write(pending, link);
    }
  }

  /**
   * The link is gone. What it had in flight counts as unanswered (a late answer from it is ignored): back to
   * the queue, in order, to go out again on the next link.
   */
  offline(): void {
    this.link = undefined;
    while (this.oldest !== undefined) {
      const pending = this.oldest;
      this.settle(pending);
      if (!pending.observer.closed) this.requeue(pending);
    }
    // Nothing is in flight any more: the timeout timer has nothing to watch.
    this.timeoutTimer?.unsubscribe();
    this.timeoutTimer = undefined;
  }

  /**
   * Resolves once nothing is in flight (each in-flight publish is acknowledged, failed or timed out). The
   * publishes abandoned by then are not waited for; one abandoned later is, like the others, until its
   * answer or its timeout.
   */
  async drain(): Promise<void> {
    for (let pending = this.oldest; pending !== undefined;) {
      const newer = pending.newer;
      if (pending.observer.closed) this.settle(pending);
      pending = newer;
    }
    while (this.oldest !== undefined) await firstValueFrom(this.settled$);
  }

  /** Fails whatever waits, and every later publish, with `error`. */
  close(error: Error): void {
    this.closedWith = error;
    this.link = undefined;
    this.timeoutTimer?.unsubscribe();
    this.timeoutTimer = undefined;
    this.stamping?.unsubscribe();
    this.stamping = undefined;
    const waiting = this.queue.splice(0);
    // Out of the queue all at once: settling the queued one by one would splice the queue each time, and a
    // queue of 1,000,000 would hold close() for minutes.
    for (const pending of waiting) pending.state = 'settled';
    for (let pending = this.oldest; pending !== undefined; pending = pending.newer) waiting.push(pending);
    for (const pending of waiting) {
      this.settle(pending);
      pending.observer.error(error);
    }
  }

  private enqueue(pending: Pending): void {
    if (this.queue.length >= this.config.queueLimit) this.forgetAbandoned();
    if (this.queue.length >= this.config.queueLimit) {
      const { queueLimit, overflow } = this.config;
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

  /** Takes the publishes whose observers have left out of the queue. */
  private forgetAbandoned(): void {
    let kept = 0;
    for (const pending of this.queue) {
      if (pending.observer.closed) pending.state = 'settled';
      else this.queue[kept++] = pending;
    }
    this.queue.length = kept;
  }

  /** Back in the queue, in its original order: it was sent but the connection dropped before the answer. */
  private requeue(pending: Pending): void {
    let at = this.queue.length;
    while (at > 0 && (this.queue[at - 1]?.seq ?? 0) > pending.seq) at -= 1;
    pending.state = 'queued';
    this.queue.splice(at, 0, pending);
  }

  private write(pending: Pending, link: MqttLink): void {
    pending.state = 'in-flight';
    pending.link = link;
    pending.older = this.newest;
    if (this.newest === undefined) this.oldest = pending;
    else this.newest.newer = pending;
    this.newest = pending;
    this.firstUnstamped ??= pending;
    this.stamping ??= asapScheduler.schedule(this.stamp);
    link.publish(pending.topic, pending.payload, pending.qos, pending);
  }

  /** The link's answer for an in-flight publish; ignored once it settled (timed out, forgotten). */
  answered(pending: Pending, from: MqttLink, error: Error | undefined, packetId: number | undefined): void {
    // An answer from an older link (a port that answers after its connection closed) is not this write's.
    if (pending.state !== 'in-flight' || from !== pending.link) return;
    this.settle(pending);
    if (pending.observer.closed) return;
    if (error === undefined) {
      const { topic, qos, payload, observer } = pending;
      // A packet id means something only for QoS 1, whatever the port passes.
      observer.next({ topic, qos, packetId: qos === 1 ? packetId : undefined, bytes: payload.length });
      observer.complete();
    } else if (error instanceof ConnectionLostError && !this.closedWith) {
      this.requeue(pending);
    } else {
      pending.observer.error(error);
    }
  }

  /** The job that wrote them has ended: the publishes it wrote get their deadline. */
  private readonly stamp = (): void => {
    this.stamping = undefined;
    if (this.firstUnstamped === undefined) return;
    const deadline = this.clock() + this.config.publishTimeoutMs;
    for (let pending: Pending | undefined = this.firstUnstamped; pending; pending = pending.newer) {
      pending.deadline = deadline;
    }
    this.firstUnstamped = undefined;
    this.armTimeout();
  };

  /** One timer, for the oldest in-flight publish; when it fires, whatever has expired fails. */
  private armTimeout(): void {
    if (this.timeoutTimer !== undefined) return;
    // Nothing in flight, or nothing with a deadline yet: `stamp` arms it.
    if (this.oldest === undefined || this.oldest === this.firstUnstamped) return;
    const now = this.clock(); // first: a new epoch moves the deadlines
    const wait = Math.max(0, this.oldest.deadline - now);
    // Past what a timer holds it fires early, finds nothing expired, and is armed again for the rest.
    this.timeoutTimer = timer(timerMs(wait)).subscribe(() => {
      this.timeoutTimer = undefined;
      const now = this.clock();
      for (
        let pending = this.oldest;
        pending !== undefined && pending !== this.firstUnstamped && pending.deadline <= now;
        pending = this.oldest
      ) {
        this.settle(pending);
        if (!pending.observer.closed) {
          pending.observer.error(new PublishTimeoutError(pending.topic, this.config.publishTimeoutMs));
        }
      }
      if (!this.closedWith) this.armTimeout();
    });
  }

  /**
   * Milliseconds since `epoch`. The epoch moves on when they would outgrow a small integer (about every 6
   * days) or the wall clock went back, and the deadlines in flight move with it.
   */
  private clock(): number {
    const now = asyncScheduler.now() - this.epoch;
    if (now >= 0 && now < SMALL_CLOCK) {
      // Whole milliseconds (as `Date.now` gives) as a small integer; a fraction (a custom clock) stays exact.
      const whole = now | 0;
      return whole === now ? whole : now;
    }
    this.epoch += now;
    for (let pending = this.oldest; pending !== undefined; pending = pending.newer) pending.deadline -= now;
    return 0;
  }

  /** Out of the queue or out of flight; its result, if one still comes, is ignored. */
  settle(pending: Pending): void {
    const { state } = pending;
    pending.state = 'settled';
    if (state === 'queued') {
      const at = this.queue.indexOf(pending);
      if (at >= 0) this.queue.splice(at, 1);
    } else if (state === 'in-flight') {
      this.land(pending);
      // The timer stays armed when nothing is left in flight: re-arming it for every publish would cost a
      // timer per message. It fires once, finds nothing, and is not armed again. Only `drain` listens.
      if (this.settled$.observed) this.settled$.next();
    }
  }

  /** Takes an in-flight publish out of the list. */
  private land(pending: Pending): void {
    const { older, newer } = pending;
    if (pending === this.firstUnstamped) this.firstUnstamped = newer;
    if (older === undefined) this.oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.newest = older;
    else newer.older = older;
    pending.older = pending.newer = undefined;
  }
}
