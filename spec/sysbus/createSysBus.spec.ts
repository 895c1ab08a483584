import { queueScheduler, VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createSysBus, type SysBus, type SysBusFailure, type SysBusHandler } from '../../lib/sysbus';
import { InvalidTopicError } from '../../lib/topic';

type Call = readonly [name: string, topic: string, message: string, params: Readonly<Record<string, string>>];

/** A handler that records its calls, under a name, into `calls`. */
const recorder =
  (calls: Call[], name: string): SysBusHandler<string> =>
  (topic, message, params) => {
    calls.push([name, topic, message, params]);
  };

/** Lets every pending promise callback run: `setImmediate` comes after the microtask queue is empty. */
const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const collectFailures = (bus: SysBus<string>): SysBusFailure<string>[] => {
  const failures: SysBusFailure<string>[] = [];
  bus.failures$.subscribe((failure) => failures.push(failure));
  return failures;
};

describe('createSysBus', () => {
  let scheduler: VirtualTimeScheduler;
  let bus: SysBus<string>;
  let calls: Call[];

  beforeEach(() => {
    scheduler = new VirtualTimeScheduler();
    bus = createSysBus<string>({ scheduler });
    calls = [];
  });

  it('should call every handler of a topic, in subscription order, with topic, message and params', () => {
    bus.subscribe('rrpc', recorder(calls, 'a'));
    bus.subscribe('rrpc', recorder(calls, 'b'));
    bus.subscribe('ota', recorder(calls, 'c'));
    bus.publish('rrpc', 'hi');
    scheduler.flush();
    expect(calls).toEqual([
      ['a', 'rrpc', 'hi', {}],
      ['b', 'rrpc', 'hi', {}],
    ]);
  });

  it('should keep the same handler on the same filter once, and on two filters once each', () => {
    const handler = recorder(calls, 'a');
    bus.subscribe('a/b', handler);
    bus.subscribe('a/b', handler);
    bus.subscribe('a/+', handler);
    bus.publish('a/b', 'm');
    scheduler.flush();
    expect(calls.map(([name]) => name)).toEqual(['a', 'a']);
    expect(bus.subTable('a/b')).toEqual([handler]);
  });

  it('should match wildcard filters and pass what named wildcards captured', () => {
    bus.subscribe('/sys/+/+/rrpc/#', recorder(calls, 'plain'));
    bus.subscribe('/sys/+pk/+dn/rrpc/request/+messageId', recorder(calls, 'named'));
    bus.subscribe('/ext/#rest', recorder(calls, 'rest'));
    bus.subscribe('/sys/+/+/ota', recorder(calls, 'other'));
    bus.publish('/sys/pk1/dn1/rrpc/request/42', 'm');
    bus.publish('/ext/a/b', 'n');
    scheduler.flush();
    expect(calls).toEqual([
      ['plain', '/sys/pk1/dn1/rrpc/request/42', 'm', {}],
      ['named', '/sys/pk1/dn1/rrpc/request/42', 'm', { pk: 'pk1', dn: 'dn1', messageId: '42' }],
      ['rest', '/ext/a/b', 'n', { rest: 'a/b' }],
    ]);
  });

  it('should run publish handlers on the asap scheduler by default, never before publish returns', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ flush }) => {
      const defaultBus = createSysBus<string>();
      defaultBus.subscribe('pub', recorder(calls, 'a'));
      defaultBus.publish('pub', 'm');
      expect(calls).toEqual([]);
      flush();
      expect(calls).toEqual([['a', 'pub', 'm', {}]]);
    });
  });

  it('should run publish handlers on the scheduler it is given', () => {
    bus.subscribe('pub', recorder(calls, 'a'));
    bus.publish('pub', 'm');
    expect(calls).toEqual([]);
    scheduler.flush();
    expect(calls).toHaveLength(1);
    // A scheduler that runs work at once proves the option is the one used.
    const eager = createSysBus<string>({ scheduler: queueScheduler });
    eager.subscribe('pub', recorder(calls, 'b'));
    eager.publish('pub', 'm');
    expect(calls.map(([name]) => name)).toEqual(['a', 'b']);
  });

  it('should do nothing when nobody handles the topic', async () => {
    const failures = collectFailures(bus);
    bus.subscribe('a/b', recorder(calls, 'a'));
    expect(() => bus.publish('a/c', 'm')).not.toThrow();
    expect(scheduler.actions).toHaveLength(0);
    await expect(bus.publishSync('a/c', 'm')).resolves.toBeUndefined();
    expect([calls, failures]).toEqual([[], []]);
  });

  it('should isolate a throwing handler on publish and report it on failures$', () => {
    const failures = collectFailures(bus);
    const boom = new Error('boom');
    bus.subscribe('t/+', recorder(calls, 'before'));
    bus.subscribe('t/x', () => {
      throw boom;
    });
    bus.subscribe('t/#', recorder(calls, 'after'));
    bus.publish('t/x', 'm');
    scheduler.flush();
    expect(calls.map(([name]) => name)).toEqual(['before', 'after']);
    expect(failures).toEqual([
      { _tag: 'SysBusFailure', topic: 't/x', filter: 't/x', message: 'm', error: boom },
    ]);
  });

  it('should isolate a rejecting async handler on publish and report it on failures$', async () => {
    const failures = collectFailures(bus);
    const boom = new Error('async boom');
    bus.subscribe('t/+', async () => Promise.reject(boom));
    bus.subscribe('t/x', recorder(calls, 'after'));
    bus.publish('t/x', 'm');
    scheduler.flush();
    expect(calls.map(([name]) => name)).toEqual(['after']);
    await drainMicrotasks();
    expect(failures).toEqual([
      { _tag: 'SysBusFailure', topic: 't/x', filter: 't/+', message: 'm', error: boom },
    ]);
  });

  it('should not deliver to a handler unsubscribed between publish and its turn', () => {
    const handler = recorder(calls, 'a');
    bus.subscribe('t', handler);
    bus.publish('t', 'm');
    bus.unsubscribe('t', handler);
    scheduler.flush();
    expect(calls).toEqual([]);
  });

  it.each(['publish', 'publishSync'] as const)(
    'should finish a %s whose handler unsubscribes itself and subscribes another',
    async (method) => {
      const late = recorder(calls, 'late');
      const once: SysBusHandler<string> = (topic, message, params) => {
        calls.push(['once', topic, message, params]);
        bus.unsubscribe('t', once);
        bus.subscribe('t', late);
      };
      bus.subscribe('t', once);
      bus.subscribe('t', recorder(calls, 'next'));
      await bus[method]('t', 'm');
      scheduler.flush();
      expect(calls.map(([name]) => name)).toEqual(['once', 'next']);
      expect(bus.subTable('t')).toHaveLength(2);
    },
  );

  it('should skip, in publishSync, a handler that an earlier one unsubscribed', async () => {
    const later = recorder(calls, 'later');
    bus.subscribe('t', () => void bus.unsubscribe('t', later));
    bus.subscribe('t', later);
    bus.subscribe('t', recorder(calls, 'last'));
    await bus.publishSync('t', 'm');
    expect(calls.map(([name]) => name)).toEqual(['last']);
  });

  it('should run publishSync handlers in order, awaiting an async one before the next', async () => {
    const events: string[] = [];
    let release = (): void => undefined;
    bus.subscribe('t', () => {
      events.push('sync');
    });
    bus.subscribe('t', async () => {
      events.push('async start');
      await new Promise<void>((resolve) => (release = resolve));
      events.push('async end');
    });
    bus.subscribe('t', () => {
      events.push('last');
    });
    const done = bus.publishSync('t', 'm').then(() => events.push('resolved'));
    expect(events).toEqual(['sync', 'async start']);
    await drainMicrotasks();
    expect(events).toEqual(['sync', 'async start']);
    release();
    await done;
    expect(events).toEqual(['sync', 'async start', 'async end', 'last', 'resolved']);
  });

  it('should run synchronous publishSync handlers before it returns', () => {
    bus.subscribe('t', recorder(calls, 'a'));
    bus.subscribe('#', recorder(calls, 'b'));
    void bus.publishSync('t', 'm');
    expect(calls.map(([name]) => name)).toEqual(['a', 'b']);
  });

  it('should reject publishSync with the first failure and skip the rest, not on failures$', async () => {
    const failures = collectFailures(bus);
    const first = new Error('first');
    bus.subscribe('t', recorder(calls, 'a'));
    bus.subscribe('t', async () => Promise.reject(first));
    bus.subscribe('t', () => {
      throw new Error('second');
    });
    bus.subscribe('t', recorder(calls, 'd'));
    await expect(bus.publishSync('t', 'm')).rejects.toBe(first);
    expect(calls.map(([name]) => name)).toEqual(['a']);
    expect(failures).toEqual([]);
  });

  it('should unsubscribe one handler and report whether it was there', () => {
    const a = recorder(calls, 'a');
    const b = recorder(calls, 'b');
    bus.subscribe('t', a);
    bus.subscribe('t', b);
    expect(bus.unsubscribe('t', a)).toBe(true);
    expect(bus.unsubscribe('t', a)).toBe(false);
    expect(bus.unsubscribe('other', b)).toBe(false);
    bus.publish('t', 'm');
    scheduler.flush();
    expect(calls.map(([name]) => name)).toEqual(['b']);
  });

  it('should unsubscribe every handler of a filter, comparing filters as strings', () => {
    bus.subscribe('a/+', recorder(calls, 'x'));
    bus.subscribe('a/+', recorder(calls, 'y'));
    bus.subscribe('a/b', recorder(calls, 'z'));
    expect(bus.unsubscribe('a/b/c')).toBe(false);
    expect(bus.unsubscribe('a/+')).toBe(true);
    expect(bus.unsubscribe('a/+')).toBe(false);
    bus.publish('a/b', 'm');
    scheduler.flush();
    expect(calls.map(([name]) => name)).toEqual(['z']);
    expect([...bus.subTable().keys()]).toEqual(['a/b']);
  });

  it('should show every filter with its handlers, or one filter, as snapshots', () => {
    const a = recorder(calls, 'a');
    const b = recorder(calls, 'b');
    bus.subscribe('x', a);
    bus.subscribe('y/#', b);
    bus.subscribe('x', b);
    const table = bus.subTable();
    const ofX = bus.subTable('x');
    expect(table).toEqual(
      new Map([
        ['x', [a, b]],
        ['y/#', [b]],
      ]),
    );
    expect(ofX).toEqual([a, b]);
    expect(bus.subTable('nobody')).toEqual([]);
    bus.unsubscribe('x');
    expect([table.get('x'), ofX]).toEqual([
      [a, b],
      [a, b],
    ]);
    expect(bus.subTable()).toEqual(new Map([['y/#', [b]]]));
  });

  it('should type subTable by its overloads', () => {
    const table: ReadonlyMap<string, readonly SysBusHandler<string>[]> = bus.subTable();
    const handlers: readonly SysBusHandler<string>[] = bus.subTable('x');
    // @ts-expect-error one filter's handlers are an array, not a map
    expect(() => bus.subTable('x').get('x')).toThrow(TypeError);
    // @ts-expect-error the table is read-only
    expect(typeof table.set).toBe('function');
    expect([table.size, handlers.length]).toEqual([0, 0]);
  });

  it.each(['a/#/b', 'a/b+', '', 'a/+x/+x', 'a\u0000b'])(
    'should refuse the filter %j with InvalidTopicError',
    (filter) => {
      expect(() => bus.subscribe(filter, recorder(calls, 'a'))).toThrow(InvalidTopicError);
      expect(bus.subTable()).toEqual(new Map());
    },
  );

  it.each(['a/+', 'a/#', '', 'a/+x'])(
    'should refuse to publish on %j with InvalidTopicError, synchronously',
    (topic) => {
      bus.subscribe('#', recorder(calls, 'all'));
      expect(() => bus.publish(topic, 'm')).toThrow(InvalidTopicError);
      expect(() => bus.publishSync(topic, 'm')).toThrow(InvalidTopicError);
      scheduler.flush();
      expect(calls).toEqual([]);
    },
  );

  it('should refuse a handler that is not a function', () => {
    expect(() => bus.subscribe('t', 'nope' as unknown as SysBusHandler<string>)).toThrow(TypeError);
    expect(bus.subTable()).toEqual(new Map());
  });

  it('should be hot: failures before a subscription are not replayed', () => {
    bus.subscribe('t', () => {
      throw new Error('early');
    });
    bus.publish('t', 'm');
    scheduler.flush();
    const failures = collectFailures(bus);
    bus.publish('t', 'n');
    scheduler.flush();
    expect(failures.map((failure) => failure.message)).toEqual(['n']);
  });
});
