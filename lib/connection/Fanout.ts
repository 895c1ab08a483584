import type { Subscriber } from 'rxjs';

/**
 * The observers of one filter: what an RxJS `Subject` does for them, without its cost per message (the
 * CommonJS build of RxJS 7, which Node loads, wraps each `next` in a closure and walks the observers with
 * an iterator object). The observers are RxJS Subscribers, which already keep a throwing handler from
 * harming the others.
 */
export class Fanout<T> {
  private readonly observers: Subscriber<T>[] = [];
  /**
   * What a delivery walks: a copy made at the first delivery after a change, so that an observer joining
   * or leaving during a delivery changes only the next one (as with a `Subject`).
   */
  private snapshot: readonly Subscriber<T>[] | undefined = undefined;

  add(observer: Subscriber<T>): void {
    this.observers.push(observer);
    this.snapshot = undefined;
  }

  remove(observer: Subscriber<T>): void {
    const at = this.observers.indexOf(observer);
    if (at < 0) return;
    this.observers.splice(at, 1);
    this.snapshot = undefined;
  }

  next(value: T): void {
    const observers = (this.snapshot ??= this.observers.slice());
    for (let i = 0; i < observers.length; i++) (observers[i] as Subscriber<T>).next(value);
  }

  /** Ends every observer with `error`; they are forgotten. */
  error(error: unknown): void {
    for (const observer of this.take()) observer.error(error);
  }

  /** Completes every observer; they are forgotten. */
  complete(): void {
    for (const observer of this.take()) observer.complete();
  }

  private take(): Subscriber<T>[] {
    const observers = this.observers.splice(0);
    this.snapshot = undefined;
    return observers;
  }
}
