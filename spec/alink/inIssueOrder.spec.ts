// Marble specs of inIssueOrder: messages made in any order are sent in the order they were subscribed.
import { of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { inIssueOrder } from '../../lib/alink/inIssueOrder';

describe('inIssueOrder', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A line whose sends are recorded with the frame they were made at. */
  function line() {
    const sent: string[] = [];
    const inOrder = inIssueOrder((message: string): Observable<string> => {
      sent.push(`${scheduler.now()} ${message}`);
      return of(`sent ${message}`);
    });
    return { sent, inOrder };
  }

  it('should hold a message made sooner until the ones issued before it are sent', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { sent, inOrder } = line();
      expectObservable(inOrder(cold('----a|'))).toBe('----(x|)', { x: 'sent a' });
      expectObservable(inOrder(cold('-b|'))).toBe('----(y|)', { y: 'sent b' });
      expectObservable(inOrder(of('c'))).toBe('----(z|)', { z: 'sent c' });
      scheduler.flush();
      expect(sent).toEqual(['4 a', '4 b', '4 c']);
    });
  });

  it('should let the next go when one before it fails or is unsubscribed', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { sent, inOrder } = line();
      expectObservable(inOrder(cold('---#'))).toBe('---#');
      expectObservable(inOrder(cold('------a|')), '^ 4ms !').toBe('');
      expectObservable(inOrder(cold('-b|'))).toBe('-----(y|)', { y: 'sent b' });
      scheduler.flush();
      expect(sent).toEqual(['5 b']);
    });
  });

  it('should send at once what is made as it is subscribed, when nothing waits before it', () => {
    const { sent, inOrder } = line();
    const results: string[] = [];
    inOrder(of('a')).subscribe((r) => results.push(r));
    inOrder(of('b')).subscribe((r) => results.push(r));
    expect(results).toEqual(['sent a', 'sent b']);
    expect(sent).toHaveLength(2);
  });
});
