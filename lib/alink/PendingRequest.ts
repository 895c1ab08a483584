import * as E from 'fp-ts/Either';
import {
  asyncScheduler,
  type SchedulerAction,
  type Subscriber,
  type Subscription,
  type Unsubscribable,
} from 'rxjs';
import { DeviceClosedError } from '../connection/errors';
import type { InboundMessage } from '../connection/messages';
import type { AlinkDevice } from './AlinkDevice';
import type { ReplyObserver } from './correlatedReplies';
import type { Deadline, Expiring } from './Deadlines';
import type { RequestSpec } from './request';
import { asError, type RequestFailure } from './RequestFailure';

function expire(
  this: SchedulerAction<PendingRequest<unknown, unknown>>,
  pending?: PendingRequest<unknown, unknown>,
): void {
  pending?.timedOut();
}

/**
 * One request between its subscription and its result: the observer of its replies and of its publish, the
 * target of its timer, and its own teardown, in one object. A closure for each held 1.2 KB more per pending
 * request and made the round trip dearer in GC time (the thing bench).
 */
export class PendingRequest<A, F = never> implements ReplyObserver, Expiring, Unsubscribable {
  /** Its own subscription to the reply filter, when it has no `correlatedReplies` channel. */
  private replies: Subscription | undefined;
  private listening = false;
  private sent: Subscription | undefined;
  private timer: Subscription | undefined;
  private deadline: Deadline | undefined;

  constructor(
    private readonly subscriber: Subscriber<E.Either<RequestFailure | F, A>>,
    private readonly spec: RequestSpec<A, F>,
  ) {}

  /** Listens for the reply first, then publishes, then starts the timer. */
  start(device: Pick<AlinkDevice, 'observe' | 'publish'>): this {
    const { message, replyFilter, replies, id, timeoutMs } = this.spec;
    if (replies !== undefined && id !== undefined) {
      this.listening = true;
      replies.listen(id, this);
    } else {
      this.replies = device.observe(replyFilter, { qos: 1 }).subscribe(this);
    }
    if (this.subscriber.closed) return this;
    const sending = device
      .publish(message)
      .subscribe({ error: (error: unknown) => this.publishFailed(error) });
    // Once the publish is through, its subscription is not held for the rest of the wait.
    if (!sending.closed) this.sent = sending;
    if (this.subscriber.closed || !Number.isFinite(timeoutMs)) return this;
    const { deadlines } = this.spec;
    if (deadlines === undefined)
      this.timer = asyncScheduler.schedule(expire, timeoutMs, this as PendingRequest<unknown, unknown>);
    else this.deadline = deadlines.add(timeoutMs, this);
    return this;
  }

  next(message: InboundMessage, json?: unknown): void {
    const result = this.spec.reply(message, json);
    if (result !== undefined) this.settle(result);
  }

  error(error: unknown): void {
    this.fail({ _tag: 'SubscribeFailure', filter: this.spec.replyFilter, error: asError(error) });
  }

  /** The observers of a device complete when it closes. */
  complete(): void {
    this.publishFailed(new DeviceClosedError('the device closed before the reply came'));
  }

  timedOut(): void {
    const { message, timeoutMs, id } = this.spec;
    this.fail({
      _tag: 'TimeoutFailure',
      topic: message.topic,
      timeoutMs,
      ...(id === undefined ? {} : { id }),
    });
  }

  unsubscribe(): void {
    const { replies, id } = this.spec;
    if (this.listening && replies !== undefined && id !== undefined) replies.unlisten(id, this);
    this.listening = false;
    this.replies?.unsubscribe();
    this.sent?.unsubscribe();
    this.timer?.unsubscribe();
    if (this.deadline !== undefined) this.spec.deadlines?.remove(this.deadline, this.spec.timeoutMs);
    this.replies = this.sent = this.timer = this.deadline = undefined;
  }

  private publishFailed(error: unknown): void {
    this.fail({ _tag: 'PublishFailure', topic: this.spec.message.topic, error: asError(error) });
  }

  private fail(failure: RequestFailure): void {
    this.settle(E.left(failure));
  }

  private settle(result: E.Either<RequestFailure | F, A>): void {
    if (this.subscriber.closed) return;
    this.subscriber.next(result);
    this.subscriber.complete();
  }
}
