import { TestScheduler } from 'rxjs/testing';
import { Deadlines, type Deadline } from '../../lib/alink/Deadlines';

describe('Deadlines', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Runs `script` in virtual time; each target records `name@time` when its deadline passes. */
  function run(
    script: (
      at: (ms: number, what: () => void) => void,
      target: (name: string) => { timedOut(): void },
    ) => void,
  ) {
    const fired: string[] = [];
    scheduler.run(() => {
      const at = (ms: number, what: () => void) => void scheduler.schedule(what, ms);
      script(at, (name) => ({ timedOut: () => fired.push(`${name}@${scheduler.now()}`) }));
    });
    return fired;
  }

  it('should call each target at its own deadline, in order, on one timer per duration', () => {
    const deadlines = new Deadlines();
    const fired = run((at, target) => {
      at(0, () => deadlines.add(100, target('a')));
      at(30, () => deadlines.add(100, target('b')));
      at(40, () => deadlines.add(10, target('short')));
      at(60, () => deadlines.add(100, target('c')));
    });
    expect(fired).toEqual(['short@50', 'a@100', 'b@130', 'c@160']);
  });

  it('should not call a target whose deadline was removed, and arm again for the next one', () => {
    const deadlines = new Deadlines();
    const fired = run((at, target) => {
      let a: Deadline | undefined;
      let c: Deadline | undefined;
      at(0, () => (a = deadlines.add(100, target('a'))));
      at(10, () => deadlines.add(100, target('b')));
      at(20, () => (c = deadlines.add(100, target('c'))));
      at(50, () => deadlines.remove(a!, 100));
      at(90, () => deadlines.remove(c!, 100));
      // Removing twice changes nothing.
      at(95, () => deadlines.remove(c!, 100));
    });
    expect(fired).toEqual(['b@110']);
  });

  it('should leave no timer armed once every deadline is removed', () => {
    const deadlines = new Deadlines();
    scheduler.run(() => {
      const one = deadlines.add(1000, { timedOut: () => undefined });
      const two = deadlines.add(1000, { timedOut: () => undefined });
      deadlines.remove(two, 1000);
      deadlines.remove(one, 1000);
      // No action left: flushing takes no virtual time.
      scheduler.flush();
      expect(scheduler.now()).toBe(0);
    });
  });
});
