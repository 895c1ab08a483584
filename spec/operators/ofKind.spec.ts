import { type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { type Classified } from '../../lib/operators/classifyTopic';
import { ofKind } from '../../lib/operators/ofKind';

interface Message {
  readonly topic: string;
}

type Kind = 'rrpc' | 'ota' | 'other' | 'unmatched';

const classified = (kind: Kind): Classified<Kind, Message> => ({
  kind,
  params: {},
  message: { topic: `/${kind}` },
});
const values = {
  r: classified('rrpc'),
  o: classified('ota'),
  x: classified('other'),
  u: classified('unmatched'),
};

describe('ofKind', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should let through only the given kind', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Classified<Kind, Message>>('-r-o-x-u-r-|', values);
      const subs = '                                  ^----------!';
      const expected = '                              -r-------r-|';

      expectObservable(source.pipe(ofKind('rrpc'))).toBe(expected, values);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should let through any of several kinds', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<Classified<Kind, Message>>('-r-o-x-u-|', values);
      const expected = '                              ---o---u-|';

      expectObservable(source.pipe(ofKind('ota', 'unmatched'))).toBe(expected, values);
    });
  });

  it('should pass an error through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Classified<Kind, Message>>('-r-o-#', values, new Error('gone'));
      const subs = '                                  ^----!';
      const expected = '                              ---o-#';

      expectObservable(source.pipe(ofKind('ota'))).toBe(expected, values, new Error('gone'));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should narrow the type to the given kinds and refuse kinds the stream cannot have', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: Observable<Classified<Kind, Message>> = cold('-r-o-|', values);
      const rrpc: Observable<Classified<'rrpc', Message>> = source.pipe(ofKind('rrpc'));
      // @ts-expect-error 'ota' messages are filtered out
      const _ota: Observable<Classified<'ota', Message>> = source.pipe(ofKind('rrpc'));
      // @ts-expect-error 'nope' is not a kind of this stream
      const _nope = source.pipe(ofKind('nope'));
      expectObservable(rrpc).toBe('-r---|', values);
    });
  });
});
