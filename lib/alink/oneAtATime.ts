import { BehaviorSubject, concatMap, defer, filter, finalize, take, type Observable } from 'rxjs';

/**
 * A queue for requests whose replies cannot be told apart (the shadow's): each observable passed to the
 * returned function is subscribed only when every one passed before it has ended, completed, errored or been
 * unsubscribed, in the order of subscription. One that is unsubscribed while waiting gives up its turn.
 */
export function oneAtATime(): <T>(work: Observable<T>) => Observable<T> {
  const serving$ = new BehaviorSubject(0);
  let nextTicket = 0;
  const done = new Set<number>();
  const finish = (ticket: number) => {
    done.add(ticket);
    let next = serving$.value;
    while (done.delete(next)) next += 1;
    if (next !== serving$.value) serving$.next(next);
  };
  return <T>(work: Observable<T>) =>
    defer(() => {
      const ticket = nextTicket++;
      return serving$.pipe(
        filter((serving) => serving === ticket),
        take(1),
        concatMap(() => work),
        finalize(() => finish(ticket)),
      );
    });
}
