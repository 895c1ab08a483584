import {
  config as rxjsConfig,
  defer,
  EMPTY,
  merge,
  mergeMap,
  NEVER,
  Observable,
  of,
  throwError,
  timer,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionLostError, PublishRefusedError, PublishTimeoutError } from '../../lib/connection/errors';
import type { MqttLink } from '../../lib/connection/MqttPort';
import { PublishSink, type PublishSinkConfig } from '../../lib/connection/PublishSink';
import { elapse, watchTimerOverflows } from '../support/timerOverflows';

const job = (payload: string, qos: 0 | 1 = 1) => ({
  topic: '/sys/pk/dn/t',
  payload: Buffer.from(payload),
  qos,
});
const receipt = (payload: string, packetId = 1) => ({
  topic: '/sys/pk/dn/t',
  qos: 1,
  bytes: payload.length,
  packetId,
});

/** A link whose publish answers with `answer(payload)`; it records the order of what was written. */
function link(written: string[], answer: (payload: string) => Observable<number | undefined>): MqttLink {
  return {
    sessionPresent: false,
    subscribe: () => NEVER,
    unsubscribe: () => NEVER,
    disconnect: () => NEVER,
    publish: (_topic, payload, _qos, done) => {
      written.push(payload.toString());
      answer(payload.toString()).subscribe({
        next: (id) => done(undefined, id),
        error: (e: Error) => done(e),
      });
    },
  };
}

const config: PublishSinkConfig = { queueLimit: 2, overflow: 'error', publishTimeoutMs: 100 };

describe('PublishSink', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should send at once when online and emit the receipt', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      sink.online(link([], () => of(1)));
      expectObservable(sink.send(job('a'))).toBe('(r|)', { r: receipt('a') });
    });
  });

  it('should give a QoS 0 receipt no packet id, whatever the link passes', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      sink.online(link([], () => of(7)));
      expectObservable(sink.send(job('a', 0))).toBe('(r|)', {
        r: { topic: '/sys/pk/dn/t', qos: 0, bytes: 1, packetId: undefined },
      });
    });
  });

  it('should fail with PublishTimeoutError when no acknowledgement comes within publishTimeoutMs', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      sink.online(link([], () => NEVER));
      expectObservable(sink.send(job('a'))).toBe(
        '100ms #',
        undefined,
        new PublishTimeoutError('/sys/pk/dn/t', 100),
      );
    });
  });

  it('should time out each publish publishTimeoutMs after the frame it was written in', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      // "b" is answered at once, in the job that also writes "a" and "c".
      sink.online(link([], (p) => (p === 'b' ? of(1) : NEVER)));
      const timedOut = new PublishTimeoutError('/sys/pk/dn/t', 100);
      expectObservable(sink.send(job('a'))).toBe('100ms #', undefined, timedOut);
      expectObservable(sink.send(job('b'))).toBe('(r|)', { r: receipt('b') });
      expectObservable(sink.send(job('c'))).toBe('100ms #', undefined, timedOut);
      expectObservable(sink.send(job('d')), '30ms ^').toBe('130ms #', undefined, timedOut);
    });
  });

  it('should give the later publishes of a job their deadline when the first one is answered within it', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      const answers: ((error?: Error, packetId?: number) => void)[] = [];
      sink.online({
        ...link([], () => NEVER),
        publish: (_topic, _payload, _qos, done) => void answers.push(done),
      });
      // One job: "a" and "b" are written, then "a" is acknowledged, before the job ends.
      const job$ = defer(() =>
        merge(
          sink.send(job('a')),
          sink.send(job('b')),
          defer(() => {
            answers[0]!(undefined, 1);
            return EMPTY;
          }),
        ),
      );
      expectObservable(job$).toBe(
        'r 99ms #',
        { r: receipt('a') },
        new PublishTimeoutError('/sys/pk/dn/t', 100),
      );
    });
  });

  it('should not time out early when the clock has fractions of a millisecond', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      sink.online(link([], () => NEVER));
      const timedOut = new PublishTimeoutError('/sys/pk/dn/t', 100);
      expectObservable(sink.send(job('a'))).toBe('100ms #', undefined, timedOut);
      const late = timer(1.9).pipe(mergeMap(() => sink.send(job('b'))));
      expectObservable(late).toBe('101.9ms #', undefined, timedOut);
    });
  });

  it('should keep publishes while offline and send them in order once online', () => {
    testScheduler.run(({ expectObservable }) => {
      const written: string[] = [];
      const sink = new PublishSink(config);
      const results = [sink.send(job('a')), sink.send(job('b'))];
      testScheduler.schedule(() => sink.online(link(written, () => of(1))), 5);
      expectObservable(results[0]!).toBe('-----(r|)', { r: receipt('a') });
      expectObservable(results[1]!).toBe('-----(r|)', { r: receipt('b') });
      testScheduler.flush();
      expect(written).toEqual(['a', 'b']);
    });
  });

  // Four publishes while offline into a queue of 2: which go out once online, which fail, and how.
  it.each`
    overflow         | sent          | refused       | why
    ${'error'}       | ${['a', 'b']} | ${['c', 'd']} | ${'the offline queue is full (2, overflow: error)'}
    ${'drop-oldest'} | ${['c', 'd']} | ${['a', 'b']} | ${'dropped from the full offline queue (2, overflow: drop-oldest) for a newer publish'}
    ${'drop-newest'} | ${['a', 'd']} | ${['b', 'c']} | ${'dropped from the full offline queue (2, overflow: drop-newest) for a newer publish'}
  `(
    'should send $sent and refuse $refused with overflow $overflow when the queue is full',
    ({ overflow, sent, refused, why }) => {
      testScheduler.run(({ expectObservable, flush }) => {
        const written: string[] = [];
        const sink = new PublishSink({ ...config, overflow });
        const error = new PublishRefusedError('offline-queue-full', '/sys/pk/dn/t', why);
        const results = ['a', 'b', 'c', 'd'].map((p) => [p, sink.send(job(p))] as const);
        testScheduler.schedule(() => sink.online(link(written, () => of(1))), 5);
        for (const [payload, result] of results) {
          const refusedAt = (refused as string[]).indexOf(payload);
          if (refusedAt < 0) expectObservable(result).toBe('-----(r|)', { r: receipt(payload) });
          else expectObservable(result).toBe('#', undefined, error);
        }
        flush();
        expect(written).toEqual(sent);
      });
    },
  );

  it.each(['error', 'drop-newest', 'drop-oldest'] as const)(
    'should keep nothing offline with queueLimit 0 (overflow %s)',
    (overflow) => {
      testScheduler.run(({ expectObservable }) => {
        const sink = new PublishSink({ ...config, queueLimit: 0, overflow });
        const error = new PublishRefusedError(
          'offline-queue-full',
          '/sys/pk/dn/t',
          `the offline queue is full (0, overflow: ${overflow})`,
        );
        expectObservable(sink.send(job('a'))).toBe('#', undefined, error);
      });
    },
  );

  it('should send again on the next link, in the original order, what the lost connection left unanswered', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const written: string[] = [];
      const sink = new PublishSink({ ...config, queueLimit: 10 });
      const lost = new ConnectionLostError('gone');
      // The first link answers "a" and loses "b" and "c"; the next one answers everything.
      sink.online(link(written, (p) => (p === 'a' ? of(1) : cold<number>('--#', undefined, lost))));
      const results = ['a', 'b', 'c'].map((p) => sink.send(job(p)));
      testScheduler.schedule(() => sink.offline(), 2);
      testScheduler.schedule(() => sink.send(job('d')).subscribe(), 3);
      testScheduler.schedule(() => sink.online(link(written, () => of(2))), 10);

      expectObservable(results[0]!).toBe('(r|)', { r: receipt('a') });
      expectObservable(results[1]!).toBe('----------(r|)', { r: receipt('b', 2) });
      expectObservable(results[2]!).toBe('----------(r|)', { r: receipt('c', 2) });
      testScheduler.flush();
      expect(written).toEqual(['a', 'b', 'c', 'b', 'c', 'd']);
    });
  });

  it('should take back what a link left in flight when it goes offline, even if the link never answers', () => {
    testScheduler.run(({ expectObservable }) => {
      const written: string[] = [];
      const sink = new PublishSink({ ...config, queueLimit: 10, publishTimeoutMs: 1000 });
      // The first link answers nothing at all (a closed connection drops its late answers).
      sink.online(link(written, () => NEVER));
      const results = ['a', 'b'].map((p) => sink.send(job(p)));
      testScheduler.schedule(() => sink.send(job('c')).subscribe(), 1);
      testScheduler.schedule(() => sink.offline(), 2);
      testScheduler.schedule(() => sink.online(link(written, () => of(3))), 5);

      expectObservable(results[0]!).toBe('-----(r|)', { r: receipt('a', 3) });
      expectObservable(results[1]!).toBe('-----(r|)', { r: receipt('b', 3) });
      testScheduler.flush();
      expect(written).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    });
  });

  it('should forget a publish whose subscriber left: out of the queue, never sent again, not waited for', async () => {
    const written: string[] = [];
    const heard: string[] = [];
    const sink = new PublishSink({ ...config, queueLimit: 10, publishTimeoutMs: 60_000 });
    const hear = (name: string) => ({
      next: () => heard.push(`${name} acked`),
      error: () => heard.push(`${name} failed`),
    });
    sink.send(job('queued')).subscribe(hear('queued')).unsubscribe();
    // A link that never answers, then fails one publish at once (as MQTT.js does when not connected).
    sink.online(
      link(written, (p) => (p === 'refused' ? throwError(() => new ConnectionLostError('no')) : NEVER)),
    );
    sink.send(job('written')).subscribe(hear('written')).unsubscribe();
    sink.send(job('refused')).subscribe(hear('refused')).unsubscribe();
    sink.send(job('kept')).subscribe(hear('kept'));
    sink.offline();
    sink.online(link(written, () => of(5)));
    expect(written).toEqual(['written', 'refused', 'kept', 'kept']);
    expect(heard).toEqual(['kept acked']);
    // Nothing is left in flight: a close would not wait out the publish timeout for the abandoned ones.
    await expect(sink.drain()).resolves.toBeUndefined();
    sink.close(new Error('end of test')); // and its timeout timer with it
  });

  it('should not answer a subscriber that left, neither with a late PUBACK nor with a timeout', () => {
    const stopped: string[] = [];
    const previous = rxjsConfig.onStoppedNotification;
    rxjsConfig.onStoppedNotification = (notification) => stopped.push(notification.kind);
    try {
      testScheduler.run(({ cold }) => {
        const sink = new PublishSink({ ...config, queueLimit: 10, publishTimeoutMs: 100 });
        sink.online(link([], (p) => (p === 'late' ? cold('-----a', { a: 1 }) : NEVER)));
        const late = sink.send(job('late')).subscribe();
        const silent = sink.send(job('silent')).subscribe();
        testScheduler.schedule(() => late.unsubscribe(), 2);
        testScheduler.schedule(() => silent.unsubscribe(), 2);
      });
    } finally {
      rxjsConfig.onStoppedNotification = previous;
    }
    expect(stopped).toEqual([]);
  });

  it('should not take a late answer from an older link for the answer to the publish sent again', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const written: string[] = [];
      const sink = new PublishSink({ ...config, queueLimit: 10 });
      // The first link answers at 5, after the sink went offline at 2 and wrote again on the second at 3.
      sink.online(link(written, () => cold('-----a', { a: 1 })));
      const result = sink.send(job('x'));
      testScheduler.schedule(() => sink.offline(), 2);
      testScheduler.schedule(() => sink.online(link(written, () => cold('-------b', { b: 2 }))), 3);
      expectObservable(result).toBe('----------(r|)', { r: receipt('x', 2) });
    });
  });

  it('should make room in a full queue by forgetting the publishes whose subscribers left', () => {
    const written: string[] = [];
    const heard: string[] = [];
    const sink = new PublishSink({ ...config, queueLimit: 2, overflow: 'error' });
    sink.send(job('a')).subscribe().unsubscribe();
    sink.send(job('b')).subscribe().unsubscribe();
    sink
      .send(job('c'))
      .subscribe({ next: () => heard.push('c acked'), error: () => heard.push('c refused') });
    sink
      .send(job('d'))
      .subscribe({ next: () => heard.push('d acked'), error: () => heard.push('d refused') });
    sink
      .send(job('e'))
      .subscribe({ next: () => heard.push('e acked'), error: () => heard.push('e refused') });
    sink.online(link(written, () => of(1)));
    expect(written).toEqual(['c', 'd']);
    expect(heard).toEqual(['e refused', 'c acked', 'd acked']);
  });

  it('should search a full queue for abandoned publishes again only after as many publishes as it holds', () => {
    const heard: string[] = [];
    const sink = new PublishSink({ ...config, queueLimit: 3, overflow: 'error' });
    const send = (name: string) =>
      sink
        .send(job(name))
        .subscribe({ next: () => heard.push(`${name} acked`), error: () => heard.push(`${name} refused`) });
    const a = send('a');
    send('b');
    send('c');
    send('d'); // searched: nothing abandoned
    a.unsubscribe();
    for (const name of ['e', 'f', 'g']) send(name); // not searched: refused although a left
    send('h'); // searched: a is forgotten, h takes its place
    const written: string[] = [];
    sink.online(link(written, () => of(1)));
    expect(written).toEqual(['b', 'c', 'h']);
    expect(heard).toEqual([
      'd refused',
      'e refused',
      'f refused',
      'g refused',
      'b acked',
      'c acked',
      'h acked',
    ]);
  });

  it('should look at each queued publish once per publish at most while the queue is full, not at all of them', () => {
    const limit = 1000;
    const sink = new PublishSink({ ...config, queueLimit: limit, overflow: 'error' });
    let looks = 0;
    const observer = () => ({
      get closed() {
        looks += 1;
        return false;
      },
      next: () => undefined,
      error: () => undefined,
      complete: () => undefined,
    });
    for (let i = 0; i < limit; i++) sink.attach(job(String(i)), observer());
    looks = 0;
    const refused = 10 * limit;
    for (let i = 0; i < refused; i++) sink.attach(job('late'), observer());
    // Searched at each publish, that was limit * refused looks (10,000,000).
    expect(looks).toBeLessThanOrEqual(2 * refused);
  });

  it('should look at each queued publish once per publish at most when one leaves the queue per publish', () => {
    const limit = 1000;
    const sink = new PublishSink({ ...config, queueLimit: limit, overflow: 'error' });
    let looks = 0;
    const callers: { left: boolean }[] = [];
    const publish = () => {
      const caller = { left: false };
      callers.push(caller);
      sink.attach(job('x'), {
        get closed() {
          looks += 1;
          return caller.left;
        },
        next: () => undefined,
        error: () => undefined,
        complete: () => undefined,
      });
    };
    for (let i = 0; i < limit; i++) publish();
    looks = 0;
    const later = 10 * limit;
    // The oldest caller gives up at each new publish, as with a timeout per publish in a long outage.
    for (let i = 0; i < later; i++) {
      const oldest = callers[i];
      if (oldest) oldest.left = true;
      publish();
    }
    expect(looks).toBeLessThanOrEqual(2 * later);
  });

  it('should fail what waits, and later publishes, on close', () => {
    testScheduler.run(({ expectObservable }) => {
      const sink = new PublishSink(config);
      const queued = sink.send(job('a'));
      const closed = new Error('closed');
      testScheduler.schedule(() => sink.close(closed), 3);
      expectObservable(queued).toBe('---#', undefined, closed);
    });
    const sink = new PublishSink(config);
    const closed = new Error('closed');
    sink.close(closed);
    let failure: unknown;
    sink.send(job('b')).subscribe({ error: (error: unknown) => (failure = error) });
    expect(failure).toBe(closed);
  });

  it('should fail every publish in flight on close, however many', () => {
    const sink = new PublishSink({ ...config, queueLimit: 0 });
    sink.online(link([], () => NEVER));
    let failed = 0;
    const observer = {
      closed: false,
      next: () => undefined,
      error: () => (failed += 1),
      complete: () => undefined,
    };
    const inFlight = 200_000;
    for (let i = 0; i < inFlight; i++) sink.attach(job('x', 0), observer);
    expect(() => sink.close(new Error('closed'))).not.toThrow();
    expect(failed).toBe(inFlight);
  });

  it('should wait a publishTimeoutMs longer than a Node.js timer holds without a timer loop', async () => {
    const overflows = watchTimerOverflows();
    const sink = new PublishSink({ ...config, publishTimeoutMs: 2 ** 32 });
    sink.online(link([], () => NEVER));
    const outcomes: unknown[] = [];
    sink.send(job('a')).subscribe({ next: (r) => outcomes.push(r), error: (e) => outcomes.push(e) });
    await elapse(50);
    sink.close(new Error('done'));
    overflows.stop();

    expect(outcomes).toEqual([new Error('done')]);
    expect(overflows.count()).toBe(0);
  });
});
