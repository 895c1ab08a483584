import { Observable, type Subscriber } from 'rxjs';

/** A publish waiting for its turn: its message once it is made, and the subscriber of its result. */
interface Turn<M, R> {
  made?: { readonly message: M };
  readonly subscriber: Subscriber<R>;
}

/**
 * A line for publishes whose messages are made asynchronously (a browser's gzip): the message each one
 * makes is handed to `send` only when every publish subscribed before it has been handed over, has failed
 * or has been unsubscribed, so that one made sooner never overtakes one issued before it. Handed over is
 * not acknowledged: the publishes still go out back to back. A message made as it is subscribed (Node's
 * zlib) goes at once when nothing waits before it.
 */
export function inIssueOrder<M, R>(
  send: (message: M) => Observable<R>,
): (message$: Observable<M>) => Observable<R> {
  const line: Turn<M, R>[] = [];
  const handOver = () => {
    for (let turn = line[0]; turn?.made !== undefined; turn = line[0]) {
      line.shift();
      send(turn.made.message).subscribe(turn.subscriber);
    }
  };
  const leave = (turn: Turn<M, R>) => {
    const at = line.indexOf(turn);
    if (at < 0) return;
    line.splice(at, 1);
    handOver();
  };
  return (message$) =>
    new Observable<R>((subscriber) => {
      const turn: Turn<M, R> = { subscriber };
      line.push(turn);
      subscriber.add(() => leave(turn));
      // Returned, not kept: a message made and sent at once may complete the publish before this returns.
      return message$.subscribe({
        next: (message) => {
          if (turn.made !== undefined) return;
          turn.made = { message };
          handOver();
        },
        error: (error: unknown) => {
          leave(turn);
          subscriber.error(error);
        },
        complete: () => {
          if (turn.made !== undefined) return;
          leave(turn);
          subscriber.complete();
        },
      });
    });
}
