import { asyncScheduler, type SchedulerAction, type Subscription } from 'rxjs';

/** What a deadline calls when it passes. */
export interface Expiring {
  timedOut(): void;
}

/** A deadline set with `Deadlines.add`; `Deadlines.remove` takes it back. */
export interface Deadline {
  readonly at: number;
  readonly target: Expiring;
  /** Neighbours in the list of its duration; `removed` once taken out. */
  prev: Deadline | undefined;
  next: Deadline | undefined;
  removed: boolean;
}

/** The deadlines of one duration, oldest first: they pass in the order they were set. */
interface Line {
  head: Deadline | undefined;
  tail: Deadline | undefined;
  /** The timer armed for the head's deadline (or an earlier head's: it then arms again). */
  timer: Subscription | undefined;
}

function fire(this: SchedulerAction<Line>, line?: Line): void {
  if (line === undefined) return;
  line.timer = undefined;
  const now = asyncScheduler.now();
  while (line.head !== undefined && line.head.at <= now) {
    const expired = line.head;
    unlink(line, expired);
    expired.target.timedOut();
  }
  if (line.head !== undefined) line.timer = asyncScheduler.schedule(fire, line.head.at - now, line);
}

function unlink(line: Line, deadline: Deadline): void {
  if (deadline.prev === undefined) line.head = deadline.next;
  else deadline.prev.next = deadline.next;
  if (deadline.next === undefined) line.tail = deadline.prev;
  else deadline.next.prev = deadline.prev;
  deadline.prev = deadline.next = undefined;
  deadline.removed = true;
}

/**
 * The timeouts of many requests on one RxJS timer per duration, instead of one timer each: requests of one
 * duration time out in the order they began, so each duration is a list, oldest first, and its timer is armed
 * for the oldest. Adding and removing is O(1). A timer per request (an AsyncAction and a Node timeout, about
 * 300 bytes, set and cleared) was a tenth of a post's round trip in the thing bench.
 */
export class Deadlines {
  private readonly lines = new Map<number, Line>();

  /** Calls `target.timedOut()` once `ms` have passed, unless removed first. */
  add(ms: number, target: Expiring): Deadline {
    let line = this.lines.get(ms);
    if (line === undefined)
      this.lines.set(ms, (line = { head: undefined, tail: undefined, timer: undefined }));
    const deadline: Deadline = {
      at: asyncScheduler.now() + ms,
      target,
      prev: line.tail,
      next: undefined,
      removed: false,
    };
    if (line.tail === undefined) line.head = deadline;
    else line.tail.next = deadline;
    line.tail = deadline;
    line.timer ??= asyncScheduler.schedule(fire, ms, line);
    return deadline;
  }

  /** Takes a deadline back; the timer stays armed, and arms again for the next one when it fires. */
  remove(deadline: Deadline, ms: number): void {
    const line = this.lines.get(ms);
    if (line === undefined || deadline.removed) return;
    unlink(line, deadline);
    if (line.head === undefined) {
      line.timer?.unsubscribe();
      line.timer = undefined;
    }
  }
}
