// Marble specs of a sub-device's session on a fake gateway: a login at each connect, a logout at the end.
import * as E from 'fp-ts/Either';
import { EMPTY, of, Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGateway } from '../../lib/alink/createGateway';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const states: Record<string, ConnectionState> = {
  c: { status: 'connected', sessionPresent: false },
  r: { status: 'reconnecting', attempt: 1, delayMs: 10 },
};
const sub = { productKey: 'a1Sub', deviceName: 's01', deviceSecret: 'secret' };
const loggedIn = E.right({ productKey: 'a1Sub', deviceName: 's01' });

/**
 * A gateway whose cloud answers each login at once with `code` (`null`: never), and sends the topology
 * changes of `changes` on `thing/topo/change`.
 */
function rig(
  state: Observable<ConnectionState>,
  code: number | null = 200,
  changes: Observable<InboundMessage> = EMPTY,
) {
  const replies = new Subject<InboundMessage>();
  const { device, sent, calls } = fakeAlinkDevice({
    state,
    observed: (filter) => (filter === topics.topoChange ? changes : replies),
    published: (message: OutboundMessage) => {
      const { id } = JSON.parse(String(message.payload)) as { id: string };
      if (message.topic === topics.combineLogin && code !== null) {
        replies.next(inbound(`${message.topic}_reply`, { id, code, data: {} }));
      }
      return of({ topic: message.topic, qos: 0 as const, bytes: 1 });
    },
  });
  return { gateway: createGateway(device, { clock: () => 1_700_000_000_000 }), sent, calls };
}

/** The cloud's `thing.topo.change` for these sub-devices. */
const topoChange = (
  status: number | string,
  subList: readonly object[] = [{ productKey: 'a1Sub', deviceName: 's01' }],
) =>
  inbound(topics.topoChange, {
    id: '9',
    version: '1.0',
    method: 'thing.topo.change',
    params: { status, subList },
  });

describe('createGateway: a sub-device session', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should log in at every connect, never while reconnecting, and out when unsubscribed', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const state = hot<ConnectionState>('c---r--c------', states);
      const made = rig(state);
      sent = made.sent;
      const session = made.gateway.subDevice(sub).session();
      expectObservable(session, '^------------!').toBe('a------b', { a: loggedIn, b: loggedIn });
    });
    const topicsSent = sent.map((m) => m.topic);
    expect(topicsSent).toEqual([topics.combineLogin, topics.combineLogin, topics.combineLogout]);
    const login = JSON.parse(String(sent[0]?.payload)) as Record<string, unknown>;
    expect(Object.keys(login).sort()).toEqual(['id', 'params']);
    expect(login['params']).toMatchObject({
      productKey: 'a1Sub',
      deviceName: 's01',
      clientId: 'a1Sub&s01',
      cleanSession: 'true',
    });
    expect(JSON.parse(String(sent[2]?.payload))).toMatchObject({
      params: { productKey: 'a1Sub', deviceName: 's01' },
    });
    expect(sent.every((m) => m.qos === 0)).toBe(true);
  });
});

describe('createGateway: sessions that end without a logout', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it.each<[string, string, number, string]>([
    ['a refused login', 'c---------', 6401, 'a'],
    ['a session unsubscribed while reconnecting', 'c----r----', 200, 'a'],
  ])('should send no logout after %s', (_, marbles, code, expected) => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const made = rig(hot<ConnectionState>(marbles, states), code);
      sent = made.sent;
      const refused = E.left(expect.objectContaining({ _tag: 'ReplyFailure', code }));
      expectObservable(made.gateway.subDevice(sub).session(), '^-------!').toBe(expected, {
        a: code === 200 ? loggedIn : refused,
      });
    });
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin]);
  });

  it('should log out a session left while its login waits for the reply, which may be on its way', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const made = rig(hot<ConnectionState>('c-------', states), null);
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^---!').toBe('');
    });
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin, topics.combineLogout]);
  });

  it('should share one session among the sub-devices of one gateway for the same sub-device', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      // Connected all along: the state replays to each subscriber, as the device's does.
      const made = rig(cold<ConnectionState>('c', states));
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^---!').toBe('a', { a: loggedIn });
      expectObservable(made.gateway.subDevice(sub).session(), '--^-----!').toBe('--a', { a: loggedIn });
      // Once every subscriber has left, a new session logs in again.
      expectObservable(made.gateway.subDevice(sub).session(), '---------^-!').toBe('---------a', {
        a: loggedIn,
      });
    });
    expect(sent.map((m) => m.topic)).toEqual([
      topics.combineLogin,
      topics.combineLogout,
      topics.combineLogin,
      topics.combineLogout,
    ]);
  });

  it('should share one session among its subscribers: one login, and the logout after the last leaves', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const made = rig(hot<ConnectionState>('c-------', states));
      sent = made.sent;
      const sensor = made.gateway.subDevice(sub);
      expectObservable(sensor.session(), '^---!').toBe('a', { a: loggedIn });
      expectObservable(sensor.session(), '--^-----!').toBe('--a', { a: loggedIn });
    });
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin, topics.combineLogout]);
  });
});

describe('createGateway: a session the cloud ends', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const loggedOut = (change: string) =>
    E.left({ _tag: 'LoggedOutFailure', productKey: 'a1Sub', deviceName: 's01', change });

  it('should say the cloud logged it out when its topology is deleted, and log in when it is created again', () => {
    let sent: OutboundMessage[] = [];
    let calls: string[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('---d---c----', { d: topoChange(1), c: topoChange('0') });
      const made = rig(hot<ConnectionState>('c-----------', states), 200, changes);
      ({ sent, calls } = made);
      expectObservable(made.gateway.subDevice(sub).session(), '^----------!').toBe('a--b---a', {
        a: loggedIn,
        b: loggedOut('deleted'),
      });
    });
    expect(sent.map((m) => m.topic)).toEqual([
      topics.combineLogin,
      topics.combineLogin,
      topics.combineLogout,
    ]);
    expect(calls).toContain(`observe ${topics.topoChange} qos 1`);
  });

  it('should send no logout after the cloud disabled it', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('--x-----', { x: topoChange(8) });
      const made = rig(hot<ConnectionState>('c-------', states), 200, changes);
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^---!').toBe('a-b', {
        a: loggedIn,
        b: loggedOut('disabled'),
      });
    });
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin]);
  });

  it('should log in again when enabled while connected; enabled while reconnecting, at the connect', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('--x---e--xe--', { x: topoChange(8), e: topoChange(2) });
      const made = rig(hot<ConnectionState>('c----r--c----', states), 200, changes);
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^----------!').toBe('a-b-----aba', {
        a: loggedIn,
        b: loggedOut('disabled'),
      });
    });
    expect(sent.map((m) => m.topic)).toEqual([
      topics.combineLogin,
      topics.combineLogin,
      topics.combineLogin,
      topics.combineLogout,
    ]);
  });

  it('should pass over what changes nothing: created while logged in, a second delete', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('-c-dd--', { c: topoChange(0), d: topoChange(1) });
      const made = rig(hot<ConnectionState>('c------', states), 200, changes);
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^-----!').toBe('a--b', {
        a: loggedIn,
        b: loggedOut('deleted'),
      });
    });
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin]);
  });

  it('should try a login at the next connect after the cloud logged it out', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('--d-----', { d: topoChange(1) });
      const made = rig(hot<ConnectionState>('c----r-c', states), 200, changes);
      expectObservable(made.gateway.subDevice(sub).session(), '^-------!').toBe('a-b----a', {
        a: loggedIn,
        b: loggedOut('deleted'),
      });
    });
  });

  it('should complete when the gateway closes, and go on without the changes when their topic is refused', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const closing = rig(hot<ConnectionState>('c---|', states), 200, hot<InboundMessage>('------|'));
      expectObservable(closing.gateway.subDevice(sub).session()).toBe('a---|', { a: loggedIn });
      const refused = rig(hot<ConnectionState>('c---r-c-', states), 200, hot<InboundMessage>('--#'));
      expectObservable(refused.gateway.subDevice(sub).session(), '^-------!').toBe('a-----a', {
        a: loggedIn,
      });
    });
  });

  it('should give up a login on its way when the cloud deletes the sub-device meanwhile', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('--d-----', { d: topoChange(1) });
      const made = rig(hot<ConnectionState>('c-------', states), null, changes);
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^-----!').toBe('--b', {
        b: loggedOut('deleted'),
      });
    });
    // Not logged in once the cloud said so: no logout at the end.
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin]);
  });

  it('should pass over a change of other sub-devices, an undocumented status, and one that does not decode', () => {
    let sent: OutboundMessage[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      const changes = hot<InboundMessage>('-xyz----', {
        x: topoChange(1, [{ productKey: 'a1Sub', deviceName: 's02' }]),
        y: topoChange(5),
        z: inbound(topics.topoChange, 'not json'),
      });
      const made = rig(hot<ConnectionState>('c-------', states), 200, changes);
      sent = made.sent;
      expectObservable(made.gateway.subDevice(sub).session(), '^------!').toBe('a', { a: loggedIn });
    });
    expect(sent.map((m) => m.topic)).toEqual([topics.combineLogin, topics.combineLogout]);
  });
});

describe('createGateway: what it keeps of sub-devices', () => {
  /** `gc()`, exposed through V8's flags when jest runs without `--expose-gc`. */
  const collectGarbage = (): (() => void) => {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) return exposed;
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  };

  it('should keep nothing for the sub-devices it was asked for once they are dropped', () => {
    const { gateway } = rig(EMPTY);
    const gc = collectGarbage();
    gc();
    const before = process.memoryUsage().heapUsed;
    // Kept per sub-device, 100,000 of them held over 20 MB (about 230 bytes each).
    for (let n = 0; n < 100_000; n++) gateway.subDevice({ ...sub, deviceName: `s${n}` });
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // The gateway still in use, so that what it keeps is not collected with it.
    expect(gateway.subDevice(sub).deviceName).toBe('s01');
    expect(grown).toBeLessThan(5_000_000);
  });
});
