import * as E from 'fp-ts/Either';
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
      const commands = cold<OutboundMessage>('a-b-c|', {
        a: { topic, payload: '5' },
        b: { topic, payload: '1' },
        c: { topic, payload: 'x' },
      });
      // prettier-ignore
      expectObservable(commands.pipe(publishEach(start))).toBe('---bc(a|)', {
        a: E.right(receipt('5')),
        b: E.right(receipt('1')),
        c: E.left({ _tag: 'PublishFailure', topic, error: new Error('refused') }),
      });
    });
  });

  it('should complete only when the commands have completed and every publish has ended', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const commands = cold<OutboundMessage>('a|', { a: { topic, payload: '4' } });
      expectObservable(commands.pipe(publishEach(start))).toBe('----(a|)', { a: E.right(receipt('4')) });
    });
  });

  it('should forget the publishes still out on unsubscription', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const commands = cold<OutboundMessage>('ab', {
        a: { topic, payload: '2' },
        b: { topic, payload: '9' },
      });
      expectObservable(commands.pipe(publishEach(start)), '^---!').toBe('--a-', { a: E.right(receipt('2')) });
    });
  });
});
