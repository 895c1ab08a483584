import * as E from 'fp-ts/Either';
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import type { OutboundMessage, PublishFailure, PublishReceipt } from './messages';
import type { PublishObserver } from './PublishSink';

/**
 * Per-message result of `publishAll()`: the receipt or the failure, with the command it answers. `command` is
 * the very object that went in, so a field of the caller's own (an id, a key) comes back with it.
 */
export type PublishResult<M extends OutboundMessage = OutboundMessage> = E.Either<
  PublishFailure & { readonly command: M },
  PublishReceipt & { readonly command: M }
>;

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
class Batch<M extends OutboundMessage> {
  /** A count, not a set: each `Outcome` settles once, and the sink forgets those of a subscriber that left. */
  out = 0;
  commandsDone = false;

  constructor(readonly subscriber: Subscriber<PublishResult<M>>) {}

  settled(): void {
    this.out -= 1;
    if (this.commandsDone && this.out === 0) this.subscriber.complete();
  }
}

/** Hears how one publish ends and turns it into a result. One object per command, no closures. */
class Outcome<M extends OutboundMessage> implements PublishObserver {
  constructor(
    private readonly batch: Batch<M>,
    private readonly message: M,
  ) {}

  /** The subscriber of `publishAll` has left: the publish is forgotten. */
  get closed(): boolean {
    return this.batch.subscriber.closed;
  }

  next(receipt: PublishReceipt): void {
    this.batch.subscriber.next(E.right({ ...receipt, command: this.message }));
  }

  error(error: unknown): void {
    const failure = {
      _tag: 'PublishFailure' as const,
      topic: String(this.message.topic),
      error: error instanceof Error ? error : new Error(String(error)),
      command: this.message,
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
 * emits one `Either` per command when it ends, failures as values, each with its `command`. Results come
 * as publishes end (acknowledgement order), not in command order. Completes when the commands have
 * completed and every publish has ended; unsubscribing forgets the publishes still out.
 *
 * Written out rather than composed from `mergeMap`, `map` and `catchError`: those keep three more
 * Observables and Subscribers alive per message until its PUBACK.
 */
export function publishEach<M extends OutboundMessage>(
  start: StartPublish,
): OperatorFunction<M, PublishResult<M>> {
  return (commands) =>
    new Observable<PublishResult<M>>((subscriber) => {
      const batch = new Batch<M>(subscriber);
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
