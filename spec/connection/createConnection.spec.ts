import * as E from 'fp-ts/Either';
import { EMPTY, filter, firstValueFrom, lastValueFrom, map, mergeMap, NEVER, Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createConnection, type ConnectionConfig } from '../../lib/connection/createConnection';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import {
  ConnectionLostError,
  ConnectionRefusedError,
  DeviceClosedError,
  PublishRefusedError,
} from '../../lib/connection/errors';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';
import type { MqttLink, MqttPort } from '../../lib/connection/MqttPort';
import { publishWhileConnected } from '../../lib/operators/publishWhileConnected';
import { MAX_TIMER_MS } from '../../lib/operators/timerMs';
import { mqttJsPort } from '../../lib/connection/mqttJsPort';
import { describeWithMosquitto, Mosquitto } from '../support/mosquitto';
import { elapse, watchTimerOverflows } from '../support/timerOverflows';

/** What a fake connection attempt does, as marbles: connect (its link), or deliver an inbound message. */
type LinkEvent =
  | { readonly type: 'connected'; readonly link: MqttLink }
  | { readonly type: 'message'; readonly message: InboundMessage };

// A fake client for marble tests of the connection state machine only: each connect() takes the next
// cold observable of events from the list, emits its links and hands its messages to the inbound handler,
// as the real port does; the link records what the connection asks of it.
function fakePort(attempts: Observable<LinkEvent>[]): MqttPort & { connects: number } {
  const port = {
    connects: 0,
    connect: (inbound: (message: InboundMessage) => void) => {
      const attempt = attempts[port.connects];
      port.connects += 1;
      if (!attempt) throw new Error(`unexpected connect #${port.connects}`);
      return attempt.pipe(
        mergeMap((event) => {
          if (event.type === 'connected') return of(event.link);
          inbound(event.message);
          return EMPTY;
        }),
      );
    },
  };
  return port;
}

/** A link that answers everything at once; `overrides` replace some of its methods. */
function fakeLink(log: string[], overrides: Partial<MqttLink> = {}): MqttLink {
  const self: MqttLink = {
    sessionPresent: false,
    subscribe: (requests) => {
      log.push(`subscribe ${requests.map((r) => r.filter).join(',')}`);
      return of(requests.map(() => 0));
    },
    unsubscribe: (filters) => {
      log.push(`unsubscribe ${filters.join(',')}`);
      return EMPTY;
    },
    publish: (topic, payload, qos, done) => {
      log.push(`publish ${topic} ${payload.toString()}`);
      done(undefined, qos === 1 ? 7 : undefined);
    },
    disconnect: () => EMPTY,
  };
  return Object.assign(self, overrides);
}

const config: ConnectionConfig = {
  identity: { productKey: 'pk', deviceName: 'dn' },
  reconnect: { jitter: 'none', initialDelayMs: 1000, maxDelayMs: 4000 },
  queueLimit: 10,
  overflow: 'error',
  publishTimeoutMs: 5000,
  maxPayloadBytes: 256 * 1024,
  maxTopicBytes: 128,
};

const lost = new ConnectionLostError('broker went away');
const refused = new ConnectionRefusedError(4, 'bad username or password');

describe('createConnection', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should go connecting → connected, and reconnect with backoff after the connection drops', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const log: string[] = [];
      const c = { type: 'connected' as const, link: fakeLink(log) };
      // prettier-ignore
      const first =  cold('-c---#', { c }, lost);
      const second = cold('-c----', { c });
      const port = fakePort([first, second]);
      const connection = createConnection(port, config);
      const states: Record<string, ConnectionState> = {
        i: { status: 'idle' },
        a: { status: 'connecting', attempt: 1 },
        c: { status: 'connected', sessionPresent: false },
        r: { status: 'reconnecting', attempt: 1, delayMs: 1000, error: lost },
        b: { status: 'connecting', attempt: 2 },
      };
      testScheduler.schedule(() => connection.start(), 2);

      // prettier-ignore
      expectObservable(connection.state$).toBe('i-ac---r 999ms bc', states);
      expectSubscriptions(first.subscriptions).toBe('--^----!');
      expectSubscriptions(second.subscriptions).toBe('1007ms ^');
    });
  });

  it('should reconnect a flapping broker after the first delay each time, once each connection outlived its backoff', () => {
    testScheduler.run(({ cold }) => {
      const c = { type: 'connected' as const, link: fakeLink([]) };
      // Up 1.5 s after each reconnect (longer than the 1 s it waited), then dropped; then refused once, at once.
      const flap = () => cold<LinkEvent>('-c 1500ms #', { c }, lost);
      const port = fakePort([
        flap(),
        flap(),
        flap(),
        cold<LinkEvent>('#', {}, lost),
        cold<LinkEvent>('-c', { c }),
      ]);
      const connection = createConnection(port, config);
      const retries: [number, number][] = [];
      connection.state$.subscribe((s) => s.status === 'reconnecting' && retries.push([s.attempt, s.delayMs]));
      connection.start();
      testScheduler.flush();
      // With resetAfterMs (30 s) alone: [1, 1000], [2, 2000], [3, 4000], [4, 4000].
      expect(retries).toEqual([
        [1, 1000],
        [1, 1000],
        [1, 1000],
        [2, 2000],
      ]);
    });
  });

  it('should say in state$ the reconnect delay that really applies, at most what a timer holds', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const port = fakePort([cold<LinkEvent>('-#', {}, lost), cold<LinkEvent>('-')]);
      const connection = createConnection(port, {
        ...config,
        reconnect: { initialDelayMs: 2 ** 31, maxDelayMs: 2 ** 31, jitter: 'none' },
      });
      connection.start();
      expectObservable(connection.state$).toBe(`ar ${MAX_TIMER_MS - 1}ms b`, {
        a: { status: 'connecting', attempt: 1 },
        r: { status: 'reconnecting', attempt: 1, delayMs: MAX_TIMER_MS, error: lost },
        b: { status: 'connecting', attempt: 2 },
      });
    });
  });

  it('should back off on refused credentials, never in a tight loop, and close with the error after maxRetries', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const attempts = [
        cold<LinkEvent>('-#', {}, refused),
        cold<LinkEvent>('-#', {}, refused),
        cold<LinkEvent>('-#', {}, refused),
      ];
      const port = fakePort(attempts);
      const connection = createConnection(port, {
        ...config,
        reconnect: { ...config.reconnect, maxRetries: 2 },
      });
      testScheduler.schedule(() => connection.start(), 5);

      // prettier-ignore
      expectObservable(connection.state$).toBe('i----ar 999ms ar 1999ms a(z|)', {
        i: { status: 'idle' },
        a: expect.objectContaining({ status: 'connecting' }),
        r: expect.objectContaining({ status: 'reconnecting', error: refused }),
        z: { status: 'closed', error: refused },
      });
      testScheduler.flush();
      expect(port.connects).toBe(3);
    });
  });

  it('should close with the error at the first failure when reconnect is false', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const port = fakePort([cold<LinkEvent>('--#', {}, refused)]);
      const connection = createConnection(port, { ...config, reconnect: false });
      testScheduler.schedule(() => connection.start(), 5);
      expectObservable(connection.state$).toBe('i----a-(z|)', {
        i: { status: 'idle' },
        a: { status: 'connecting', attempt: 1 },
        z: { status: 'closed', error: refused },
      });
    });
  });

  it('should never reconnect after close(), and complete every stream', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const first = cold<LinkEvent>('-#', {}, lost);
      const port = fakePort([first]);
      const connection = createConnection(port, config);
      testScheduler.schedule(() => connection.start(), 5);
      testScheduler.schedule(() => void connection.close(), 500);

      expectObservable(connection.state$).toBe('i----ar 493ms (z|)', {
        i: { status: 'idle' },
        a: { status: 'connecting', attempt: 1 },
        r: { status: 'reconnecting', attempt: 1, delayMs: 1000, error: lost },
        z: { status: 'closed' },
      });
      expectObservable(connection.messages$).toBe('500ms |');
      expectSubscriptions(first.subscriptions).toBe('-----^!');
    });
  });

  it('should restore subscriptions before queued publishes go out after a reconnect', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const log: string[] = [];
      const c = { type: 'connected' as const, link: fakeLink(log) };
      // prettier-ignore
      const port = fakePort([cold('-c--#', { c }, lost), cold('-c', { c })]);
      const connection = createConnection(port, config);
      connection.observe('/sys/pk/dn/thing/#').subscribe();
      testScheduler.schedule(() => connection.start(), 5);
      testScheduler.schedule(
        () => connection.publish({ topic: '/sys/pk/dn/a', payload: 'queued' }).subscribe(),
        10,
      );

      expectObservable(connection.state$).toBe('i----ac--r 999ms bc', {
        i: { status: 'idle' },
        a: { status: 'connecting', attempt: 1 },
        b: { status: 'connecting', attempt: 2 },
        c: { status: 'connected', sessionPresent: false },
        r: expect.objectContaining({ status: 'reconnecting', attempt: 1 }),
      });
      testScheduler.flush();
      expect(log).toEqual([
        'subscribe /sys/pk/dn/thing/#',
        'subscribe /sys/pk/dn/thing/#',
        'publish /sys/pk/dn/a queued',
      ]);
    });
  });

  it('should let queued publishes go out after publishTimeoutMs when the SUBACK never comes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const log: string[] = [];
      const silent = fakeLink(log, { subscribe: () => NEVER });
      const port = fakePort([cold('-c', { c: { type: 'connected' as const, link: silent } })]);
      const connection = createConnection(port, config);
      connection.observe('/sys/pk/dn/#').subscribe();
      connection.start();
      const topic = '/sys/pk/dn/a';
      // Connected at 1; the queue waits for the SUBACK until 1 + 5000.
      expectObservable(connection.publish({ topic, payload: 'x', qos: 1 })).toBe('5001ms (r|)', {
        r: { topic, qos: 1, packetId: 7, bytes: 1 },
      });
    });
  });

  it('should fail queued publishes with DeviceClosedError on close()', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const port = fakePort([cold<LinkEvent>('----')]);
      const connection = createConnection(port, config);
      connection.start();
      const result = connection.publish({ topic: '/sys/pk/dn/a', payload: 'x' });
      testScheduler.schedule(() => void connection.close(), 3);
      expectObservable(result).toBe('---#', undefined, new DeviceClosedError('close() was called'));
    });
  });

  it('should publish once per subscription of publish(), none before it, also through operators', () => {
    testScheduler.run(({ cold, expectObservable, flush }) => {
      const log: string[] = [];
      const port = fakePort([cold('c', { c: { type: 'connected' as const, link: fakeLink(log) } })]);
      const connection = createConnection(port, config);
      connection.start();
      const topic = '/sys/pk/dn/a';
      const once = connection.publish({ topic, payload: 'x', qos: 1 });
      flush();
      expect(log).toEqual([]);

      const receipt = { topic, qos: 1, packetId: 7, bytes: 1 };
      expectObservable(once).toBe('(r|)', { r: receipt });
      expectObservable(once.pipe(map((r) => r.bytes))).toBe('(b|)', { b: 1 });
      flush();
      expect(log).toEqual(['publish /sys/pk/dn/a x', 'publish /sys/pk/dn/a x']);
    });
  });

  it('should turn publish commands into per-message results with publishAll, failures as values', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const log: string[] = [];
      const port = fakePort([cold('-c', { c: { type: 'connected' as const, link: fakeLink(log) } })]);
      const connection = createConnection(port, config);
      connection.start();
      const topic = '/sys/pk/dn/thing/event/property/post';
      const sent: Record<string, OutboundMessage> = {
        a: { topic, payload: { n: 1 }, qos: 1 },
        b: { topic, payload: 'x', qos: 2 },
        c: { topic, payload: 'y' },
      };
      const commands = cold<OutboundMessage>('--a-b-c', sent);
      const refusal = new PublishRefusedError(
        'qos-not-supported',
        topic,
        'QoS 2 is not supported, only 0 and 1',
      );

      expectObservable(commands.pipe(connection.publishAll())).toBe('--a-b-c', {
        a: E.right({ topic, qos: 1, packetId: 7, bytes: 7, command: sent.a }),
        b: E.left({ _tag: 'PublishFailure', topic, error: refusal, command: sent.b }),
        c: E.right({ topic, qos: 0, bytes: 1, command: sent.c }),
      });
    });
  });

  it('should route each inbound message to messages$ and to the observers of every matching filter once', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const log: string[] = [];
      const message = {
        topic: '/sys/pk/dn/thing/x',
        payload: Buffer.from('m'),
        qos: 0 as const,
        retain: false,
        dup: false,
      };
      const events = {
        c: { type: 'connected' as const, link: fakeLink(log) },
        m: { type: 'message' as const, message },
      };
      const port = fakePort([cold('-c-m', events)]);
      const connection = createConnection(port, config);
      connection.start();
      expectObservable(connection.messages$).toBe('---m', { m: message });
      expectObservable(connection.observe('/sys/pk/dn/#')).toBe('---m', { m: message });
      expectObservable(connection.observe('/sys/pk/dn/thing/+')).toBe('---m', { m: message });
      expectObservable(connection.observe('/sys/pk/dn/other')).toBe('----');
    });
  });

  it('should not send again after a reconnect the publish that the periodic loop gave up on disconnect', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      // The first link never answers: its connection drops before the PUBACK.
      const silent = fakeLink(log, {
        publish: (topic, payload) => void log.push(`publish ${topic} ${payload.toString()}`),
      });
      const port = fakePort([
        cold('-c---#', { c: { type: 'connected' as const, link: silent } }, lost),
        cold('-c----', { c: { type: 'connected' as const, link: fakeLink(log) } }),
      ]);
      const connection = createConnection(port, config);
      const loop = connection.state$
        .pipe(
          map((state) => state.status === 'connected'),
          publishWhileConnected({
            periodMs: 100_000,
            message: (tick: number): OutboundMessage => ({
              topic: '/pk/dn/user/t',
              payload: `tick${tick}`,
              qos: 1,
            }),
            publish: (message) => connection.publish(message),
            retry: false,
          }),
        )
        .subscribe();
      connection.start();
      testScheduler.schedule(() => loop.unsubscribe(), 3000);
      testScheduler.flush();
      expect(log.filter((line) => line.startsWith('publish'))).toEqual([
        'publish /pk/dn/user/t tick0',
        'publish /pk/dn/user/t tick1',
      ]);
    });
  });

  it('should not send the queued publishes of a publishAll subscriber that left', () => {
    testScheduler.run(({ cold }) => {
      const log: string[] = [];
      const port = fakePort([cold('---c', { c: { type: 'connected' as const, link: fakeLink(log) } })]);
      const connection = createConnection(port, config);
      const messages: OutboundMessage[] = [
        { topic: '/pk/dn/user/a', payload: 'a' },
        { topic: '/pk/dn/user/b', payload: 'b' },
      ];
      const commands = of(...messages);
      const results = commands.pipe(connection.publishAll()).subscribe();
      const kept = commands.pipe(connection.publishAll()).subscribe();
      connection.start();
      testScheduler.schedule(() => results.unsubscribe(), 1);
      testScheduler.flush();
      expect(log.filter((line) => line.startsWith('publish'))).toEqual([
        'publish /pk/dn/user/a a',
        'publish /pk/dn/user/b b',
      ]);
      kept.unsubscribe();
    });
  });

  it('should hold the queue for a SUBACK for a publishTimeoutMs longer than a Node.js timer holds', async () => {
    const overflows = watchTimerOverflows();
    const log: string[] = [];
    const silent = fakeLink(log, { subscribe: () => NEVER });
    const port = fakePort([of({ type: 'connected' as const, link: silent })]);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const connection = createConnection(port, { ...config, publishTimeoutMs: 2 ** 31 });
    const observer = connection.observe('/sys/pk/dn/#').subscribe();
    const publish = connection
      .publish({ topic: '/sys/pk/dn/a', payload: 'x', qos: 1 })
      .subscribe({ error: () => undefined });
    connection.start();
    await elapse(50);
    publish.unsubscribe();
    observer.unsubscribe();
    await connection.close();
    overflows.stop();

    expect(log.filter((line) => line.startsWith('publish'))).toEqual([]);
    expect(overflows.count()).toBe(0);
    // Closed, it keeps no timer: the one for the SUBACK would have held the process for 24 days. (At most as
    // many as before: in a full run, a timer an earlier suite left in this worker may end meanwhile.)
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });

  it('should refuse a close() deadline that is not a number >= 0, and stay open', async () => {
    const connection = createConnection(fakePort([]), config);
    await expect(connection.close({ timeoutMs: -1 })).rejects.toThrow(
      new RangeError('close(): timeoutMs must be a number >= 0, got -1'),
    );
    await expect(connection.close({ timeoutMs: NaN })).rejects.toBeInstanceOf(RangeError);
    await connection.close();
    await expect(lastValueFrom(connection.state$)).resolves.toEqual({ status: 'closed' });
  });
});

describeWithMosquitto('createConnection against a half-open mosquitto (SIGSTOP)', () => {
  let broker: Mosquitto;
  beforeEach(async () => (broker = await Mosquitto.start({ packetLog: false })));
  afterEach(() => broker.close());

  async function frozenWithPublishInFlight() {
    const port = mqttJsPort({
      url: broker.url,
      clientId: 'close-deadline',
      username: 'u',
      password: 'p',
      keepalive: 60,
      cleanSession: true,
      connectTimeoutMs: 5000,
    });
    // A publish timeout of a minute: without a deadline close() waits for it, and 5 s more for DISCONNECT.
    const connection = createConnection(port, { ...config, identity: undefined, publishTimeoutMs: 60_000 });
    connection.start();
    await firstValueFrom(connection.state$.pipe(filter((s) => s.status === 'connected')));
    broker.pause();
    const failures: unknown[] = [];
    connection.publish({ topic: 'a/b', payload: 'x', qos: 1 }).subscribe({ error: (e) => failures.push(e) });
    return { connection, failures };
  }

  it("should close within the caller's timeoutMs, failing what is still in flight", async () => {
    const { connection, failures } = await frozenWithPublishInFlight();
    const since = Date.now();
    await connection.close({ timeoutMs: 300 });
    const tookMs = Date.now() - since;

    expect(tookMs).toBeGreaterThanOrEqual(290);
    expect(tookMs).toBeLessThan(2000);
    expect(failures).toEqual([new DeviceClosedError('close() was called')]);
    await expect(lastValueFrom(connection.state$)).resolves.toEqual({ status: 'closed' });
  });

  it('should close within 10 s by default, not publishTimeoutMs + 5 s', async () => {
    const { connection, failures } = await frozenWithPublishInFlight();
    const since = Date.now();
    await connection.close();
    const tookMs = Date.now() - since;

    expect(tookMs).toBeGreaterThanOrEqual(9_900);
    expect(tookMs).toBeLessThan(12_000);
    expect(failures).toEqual([new DeviceClosedError('close() was called')]);
  }, 20_000);
});
