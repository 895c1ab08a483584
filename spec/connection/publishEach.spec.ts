import * as E from 'fp-ts/Either';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { OutboundMessage } from '../../lib/connection/messages';
import { publishEach, type StartPublish } from '../../lib/connection/publishEach';

const topic = '/sys/pk/dev01/t';
const receipt = (payload: string) => ({ topic, qos: 1 as const, packetId: 1, bytes: payload.length });

describe('publishEach', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  // Each publish answers after as many frames as its payload says ('3' → 3 frames), 'x' fails.
  const start: StartPublish = (message, observer) => {
    const payload = String(message.payload);
    const action = testScheduler.schedule(
      () => {
        if (payload === 'x') return observer.error(new Error('refused'));
        observer.next(receipt(payload));
        observer.complete();
      },
      payload === 'x' ? 0 : Number(payload),
    );
    return action;
  };

  it('should start every publish at once and emit each result as it ends, failures as values', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const sent = {
        a: { topic, payload: '5' },
        b: { topic, payload: '1' },
        c: { topic, payload: 'x' },
      };
      const commands = cold<OutboundMessage>('a-b-c|', sent);
      // prettier-ignore
      expectObservable(commands.pipe(publishEach(start))).toBe('---bc(a|)', {
        a: E.right({ ...receipt('5'), command: sent.a }),
        b: E.right({ ...receipt('1'), command: sent.b }),
        c: E.left({ _tag: 'PublishFailure', topic, error: new Error('refused'), command: sent.c }),
      });
    });
  });

  it('should complete only when the commands have completed and every publish has ended', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const a = { topic, payload: '4' };
      const commands = cold<OutboundMessage>('a|', { a });
      expectObservable(commands.pipe(publishEach(start))).toBe('----(a|)', {
        a: E.right({ ...receipt('4'), command: a }),
      });
    });
  });

  it('should forget the publishes still out on unsubscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const a = { topic, payload: '2' };
      const commands = cold<OutboundMessage>('ab', { a, b: { topic, payload: '9' } });
      expectObservable(commands.pipe(publishEach(start)), '^---!').toBe('--a-', {
        a: E.right({ ...receipt('2'), command: a }),
      });
    });
  });

  it("should give each result its command, with the caller's own fields, whatever order they end in", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const commands = cold('abc|', {
        a: { key: 'slow', topic, payload: '5' },
        b: { key: 'fails', topic, payload: 'x' },
        c: { key: 'fast', topic, payload: '1' },
      });
      const keys = commands.pipe(
        publishEach(start),
        // The key is typed: the command is the caller's own type, not just an OutboundMessage.
        map(
          E.match(
            (failure) => `failed ${failure.command.key}`,
            (receipt) => `ok ${receipt.command.key}`,
          ),
        ),
      );
      expectObservable(keys).toBe('-b-c-(a|)', { a: 'ok slow', b: 'failed fails', c: 'ok fast' });
    });
  });
});
