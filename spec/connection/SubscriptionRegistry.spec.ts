import { EMPTY, NEVER, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SubscribeRefusedError } from '../../lib/connection/errors';
import type { InboundMessage } from '../../lib/connection/messages';
import type { MqttLink } from '../../lib/connection/MqttPort';
import { SubscriptionRegistry } from '../../lib/connection/SubscriptionRegistry';

const message = (topic: string): InboundMessage => ({
  topic,
  payload: Buffer.from('x'),
  qos: 0,
  retain: false,
  dup: false,
});

/** A link that answers each SUBSCRIBE with `codes(filters)` and records every packet. */
function link(
  log: string[],
  codes: (filters: string[]) => Observable<readonly number[]>,
  sessionPresent = false,
) {
  const fake: MqttLink = {
    sessionPresent,
    subscribe: (requests) => {
      const filters = requests.map((r) => r.filter);
      log.push(`SUBSCRIBE ${filters.join(' ')}`);
      return codes(filters);
    },
    unsubscribe: (filters) => {
      log.push(`UNSUBSCRIBE ${filters.join(' ')}`);
      return EMPTY;
    },
    publish: () => NEVER,
    disconnect: () => EMPTY,
  };
  return fake;
}

const granted = (filters: string[]) => of(filters.map(() => 0));

describe('SubscriptionRegistry', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should send one SUBSCRIBE per filter, and UNSUBSCRIBE when the last observer leaves', () => {
    const log: string[] = [];
    const registry = new SubscriptionRegistry();
    registry.online(link(log, granted)).subscribe();
    const subscriptions = [1, 2, 3].map(() => registry.observe('/a/#', 0).subscribe());
    subscriptions[0]!.unsubscribe();
    subscriptions[1]!.unsubscribe();
    expect(log).toEqual(['SUBSCRIBE /a/#']);
    subscriptions[2]!.unsubscribe();
    expect(log).toEqual(['SUBSCRIBE /a/#', 'UNSUBSCRIBE /a/#']);
    expect(registry.size).toBe(0);
  });

  it('should error only the observers of a refused filter', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const registry = new SubscriptionRegistry();
      // prettier-ignore
      const codes = (filters: string[]) => cold('-a', { a: filters.map((f) => (f === '/bad' ? 0x80 : 0)) });
      registry.online(link([], codes)).subscribe();
      const ok = registry.observe('/ok', 0);
      testScheduler.schedule(() => registry.dispatch(message('/ok')), 3);

      expectObservable(registry.observe('/bad', 0)).toBe(
        '-#',
        undefined,
        new SubscribeRefusedError('/bad', 0x80),
      );
      expectObservable(ok).toBe('---m', { m: message('/ok') });
    });
  });

  it('should route a message once to each observer whose filter matches, overlapping filters included', () => {
    const registry = new SubscriptionRegistry();
    const seen: string[] = [];
    registry.observe('/a/#', 0).subscribe(() => seen.push('#'));
    registry.observe('/a/+', 0).subscribe(() => seen.push('+'));
    registry.observe('/a/b', 0).subscribe(() => seen.push('b'));
    registry.observe('/c', 0).subscribe(() => seen.push('c'));
    registry.dispatch(message('/a/b'));
    expect(seen.sort()).toEqual(['#', '+', 'b']);
  });

  it('should route by the filters of the moment, though it remembers the routes of a topic', () => {
    const registry = new SubscriptionRegistry();
    const seen: string[] = [];
    const wide = registry.observe('/a/#', 0).subscribe(() => seen.push('#'));
    registry.dispatch(message('/a/b'));
    registry.observe('/a/+', 0).subscribe(() => seen.push('+'));
    registry.dispatch(message('/a/b'));
    wide.unsubscribe();
    registry.dispatch(message('/a/b'));
    expect(seen).toEqual(['#', '#', '+', '+']);
  });

  it('should restore every filter in one SUBSCRIBE after a reconnect without a session, and none with one', () => {
    const log: string[] = [];
    const registry = new SubscriptionRegistry();
    registry.observe('/a', 0).subscribe();
    registry.observe('/b', 1).subscribe();
    registry.online(link(log, granted)).subscribe();
    registry.offline();
    registry.online(link(log, granted, true)).subscribe();
    registry.offline();
    registry.online(link(log, granted, false)).subscribe();
    expect(log).toEqual(['SUBSCRIBE /a /b', 'SUBSCRIBE /a /b']);
  });

  it('should UNSUBSCRIBE on reconnect what was left while offline, when the session is still there', () => {
    const log: string[] = [];
    const registry = new SubscriptionRegistry();
    const subscription = registry.observe('/a', 0).subscribe();
    registry.online(link(log, granted)).subscribe();
    registry.offline();
    subscription.unsubscribe();
    registry.online(link(log, granted, true)).subscribe();
    expect(log).toEqual(['SUBSCRIBE /a', 'UNSUBSCRIBE /a']);
  });

  it('should SUBSCRIBE again when a later observer asks for a higher QoS', () => {
    const log: string[] = [];
    const registry = new SubscriptionRegistry();
    registry.online(link(log, granted)).subscribe();
    registry.observe('/a', 0).subscribe();
    registry.observe('/a', 0).subscribe();
    registry.observe('/a', 1).subscribe();
    expect(log).toEqual(['SUBSCRIBE /a', 'SUBSCRIBE /a']);
  });

  it('should keep the held subscription and its observers when the broker refuses a QoS upgrade', () => {
    const log: string[] = [];
    const registry = new SubscriptionRegistry();
    let answer = 0;
    registry.online(link(log, (filters) => of(filters.map(() => answer)))).subscribe();
    const seen: string[] = [];
    const errors: unknown[] = [];
    registry.observe('/a', 0).subscribe({ next: () => seen.push('qos0'), error: (e) => errors.push(e) });
    answer = 0x80;
    registry.observe('/a', 1).subscribe({ next: () => seen.push('qos1'), error: (e) => errors.push(e) });
    registry.dispatch(message('/a'));
    expect(errors).toEqual([]);
    expect(seen).toEqual(['qos0', 'qos1']);
    expect(log).toEqual(['SUBSCRIBE /a', 'SUBSCRIBE /a']);
  });

  it('should complete every observer on close, and later observers at once', () => {
    testScheduler.run(({ expectObservable }) => {
      const registry = new SubscriptionRegistry();
      const observed = registry.observe('/a', 0);
      testScheduler.schedule(() => registry.close(), 2);
      expectObservable(observed).toBe('--|');
      testScheduler.schedule(() => {
        let completed = false;
        registry.observe('/b', 0).subscribe({ complete: () => (completed = true) });
        expect(completed).toBe(true);
      }, 3);
    });
  });
});
