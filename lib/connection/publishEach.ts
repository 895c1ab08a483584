import * as E from 'fp-ts/Either';
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import type { OutboundMessage, PublishFailure, PublishReceipt } from './messages';
import type { PublishObserver } from './PublishSink';

/** Per-message result of `publishAll()`. */
export type PublishResult = E.Either<PublishFailure, PublishReceipt>;

/** Starts one publish for an observer, which says through `closed` when it is no longer interested. */
export type StartPublish = (message: OutboundMessage, observer: PublishObserver) => void;

/**
 * What `publish(message)` returns: cold, one publish per subscription. A class rather than
 * `new Observable((subscriber) => start(message, subscriber))`, which would allocate a closure and its
 * context on every call; RxJS calls the subscribe function with the Observable itself as `this`, as the
 * type of its constructor says.
 */
export class PublishCommand extends Observable<PublishReceipt> {
  constructor(
    readonly message: OutboundMessage,
    readonly start: StartPublish,
  ) {
    super(subscribeCommand);
  }
}

function subscribeCommand(this: Observable<PublishReceipt>, subscriber: Subscriber<PublishReceipt>): void {
  const command = this as PublishCommand;
  command.start(command.message, subscriber);
}

/** The publishes of one subscription to the operator: how many are still out, and whether the commands ended. */
class Batch {
  /** A count, not a set: each `Outcome` settles once, and the sink forgets those of a subscriber that left. */
  out = 0;
  commandsDone = false;

  constructor(readonly subscriber: Subscriber<PublishResult>) {}

  settled(): void {
    this.out -= 1;
    if (this.commandsDone && this.out === 0) this.subscriber.complete();
  }
}

/** Hears how one publish ends and turns it into a result. One object per command, no closures. */
class Outcome implements PublishObserver {
  constructor(
    private readonly batch: Batch,
    private readonly message: OutboundMessage,
  ) {}

  /** The subscriber of `publishAll` has left: the publish is forgotten. */
  get closed(): boolean {
    return this.batch.subscriber.closed;
  }

  next(receipt: PublishReceipt): void {
    this.batch.subscriber.next(E.right(receipt));
  }

  error(error: unknown): void {
    const failure: PublishFailure = {
      _tag: 'PublishFailure',
      topic: String(this.message.topic),
      error: error instanceof Error ? error : new Error(String(error)),
    };
    this.batch.subscriber.next(E.left(failure));
    this.batch.settled();
  }

  complete(): void {
    this.batch.settled();
  }
}

/**
 * The publish sink as an operator: starts a publish for each command at once (as `mergeMap` would) and
 * emits one `Either` per command when it ends, failures as values. Completes when the commands have
 * completed and every publish has ended; unsubscribing forgets the publishes still out.
 *
 * Written out rather than composed from `mergeMap`, `map` and `catchError`: those keep three more
 * Observables and Subscribers alive per message until its PUBACK.
 */
export function publishEach(start: StartPublish): OperatorFunction<OutboundMessage, PublishResult> {
  return (commands) =>
    new Observable<PublishResult>((subscriber) => {
      const batch = new Batch(subscriber);
      const subscription = commands.subscribe({
        next: (message) => {
          batch.out += 1;
          start(message, new Outcome(batch, message));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          batch.commandsDone = true;
          if (batch.out === 0) subscriber.complete();
        },
      });
      return subscription;
    });
}
