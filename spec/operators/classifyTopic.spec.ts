import { type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { classifyTopic, type Classified } from '../../lib/operators/classifyTopic';
import { InvalidTopicError, TopicRouter } from '../../lib/topic';

interface Message {
  readonly topic: string;
  readonly payload: string;
}

const message = (topic: string): Message => ({ topic, payload: `payload of ${topic}` });

// The seed's routing: rrpc, ota, everything else.
const seedRoutes = {
  rrpc: ['/sys/+pk/+dn/rrpc/request/+messageId', '/ext/rrpc/+messageId/#topic'],
  ota: '/ota/device/upgrade/+pk/+dn',
  other: '#',
};

describe('classifyTopic', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("should classify the seed's messages into rrpc, ota and other, with params", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = {
        r: message('/sys/pk/dn/rrpc/request/42'),
        e: message('/ext/rrpc/7/sys/pk/dn/thing/service/reboot'),
        o: message('/ota/device/upgrade/pk/dn'),
        b: message('/broadcast/pk/123'),
      };
      const source = cold(' -r-e-o-b-|', values);
      const subs = '        ^--------!';
      const expected = '    -R-E-O-B-|';

      expectObservable(source.pipe(classifyTopic(seedRoutes))).toBe(expected, {
        R: { kind: 'rrpc', params: { pk: 'pk', dn: 'dn', messageId: '42' }, message: values.r },
        E: {
          kind: 'rrpc',
          params: { messageId: '7', topic: 'sys/pk/dn/thing/service/reboot' },
          message: values.e,
        },
        O: { kind: 'ota', params: { pk: 'pk', dn: 'dn' }, message: values.o },
        B: { kind: 'other', params: {}, message: values.b },
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should let the first declared kind win where routes overlap', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const values = {
        s: message('/sys/pk/dn/thing/service/reboot'),
        p: message('/sys/pk/dn/thing/event/x/post'),
      };
      const source = cold('  -s-p-|', values);
      const specificFirst = '-S-P-|';
      const generalFirst = ' -G-H-|';

      const specific = '/sys/+pk/+dn/thing/service/+service';
      const general = ['/sys/+pk/+dn/thing/#rest', '/nothing/else'];
      expectObservable(source.pipe(classifyTopic({ specific, general }))).toBe(specificFirst, {
        S: { kind: 'specific', params: { pk: 'pk', dn: 'dn', service: 'reboot' }, message: values.s },
        P: { kind: 'general', params: { pk: 'pk', dn: 'dn', rest: 'event/x/post' }, message: values.p },
      });
      expectObservable(source.pipe(classifyTopic({ general, specific }))).toBe(generalFirst, {
        G: { kind: 'general', params: { pk: 'pk', dn: 'dn', rest: 'service/reboot' }, message: values.s },
        H: { kind: 'general', params: { pk: 'pk', dn: 'dn', rest: 'event/x/post' }, message: values.p },
      });
    });
  });

  it("should pass messages that match no route as 'unmatched' with empty params", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // '#' does not match '$' topics (MQTT 3.1.1 §4.7.2), so even a catch-all leaves some unmatched.
      const values = { d: message('$SYS/broker/uptime'), x: message('/custom/topic') };
      const source = cold('-d-x-|', values);
      const expected = '   -D-X-|';

      const classified = source.pipe(classifyTopic({ rrpc: seedRoutes.rrpc, other: '#' }));
      expectObservable(classified).toBe(expected, {
        D: { kind: 'unmatched', params: {}, message: values.d },
        X: { kind: 'other', params: {}, message: values.x },
      });
    });
  });

  it('should pass an error through and unsubscribe', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { o: message('/ota/device/upgrade/pk/dn') };
      const source = cold(' -o-#', values, new Error('socket closed'));
      const subs = '        ^--!';
      const expected = '    -O-#';

      expectObservable(source.pipe(classifyTopic(seedRoutes))).toBe(
        expected,
        { O: { kind: 'ota', params: { pk: 'pk', dn: 'dn' }, message: values.o } },
        new Error('socket closed'),
      );
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should unsubscribe from the source when the subscriber does', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const values = { b: message('/broadcast/pk/1') };
      const source = hot('  -b-b-b-b-|', values);
      const subs = '        ^----!';
      const unsubscribe = ' ^----!';
      const expected = '    -B-B--';

      const B: Classified<'other'> = { kind: 'other', params: {}, message: values.b };
      expectObservable(source.pipe(classifyTopic(seedRoutes)), unsubscribe).toBe(expected, { B });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should compile the routes once, when created, and share them between subscriptions', () => {
    const add = jest.spyOn(TopicRouter.prototype, 'add');
    try {
      const operator = classifyTopic(seedRoutes);
      expect(add).toHaveBeenCalledTimes(4);
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-|', { a: message('/x') });
        const classified = source.pipe(operator);
        const expected = '   -A-|';
        const A = { kind: 'other', params: {}, message: message('/x') };
        expectObservable(classified).toBe(expected, { A });
        expectObservable(classified).toBe(expected, { A });
      });
      expect(add).toHaveBeenCalledTimes(4);
    } finally {
      add.mockRestore();
    }
  });

  it('should throw InvalidTopicError synchronously for an invalid filter, before anything subscribes', () => {
    expect(() => classifyTopic({ ok: '/a/+', broken: '/a/#/b' })).toThrow(InvalidTopicError);
    expect(() => classifyTopic({ broken: ['/ok', '/a+/b'] })).toThrow(/"\/a\+\/b"/);
  });

  it("should refuse a kind named 'unmatched', at compile time and at run time", () => {
    // @ts-expect-error 'unmatched' is what classifyTopic calls messages that match no route
    expect(() => classifyTopic({ unmatched: '#' })).toThrow(TypeError);
  });

  it('should type the output by the kinds and the message type', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source: Observable<Message> = cold('-a-|', { a: message('/ota/device/upgrade/p/d') });
      const classified: Observable<Classified<'ota' | 'unmatched', Message>> = source.pipe(
        classifyTopic({ ota: '/ota/device/upgrade/+pk/+dn' }),
      );
      // @ts-expect-error the kinds are exactly the declared ones plus 'unmatched'
      const _wrong: Observable<Classified<'ota', Message>> = source.pipe(classifyTopic({ ota: '#' }));
      expectObservable(classified).toBe('-A-|', {
        A: { kind: 'ota', params: { pk: 'p', dn: 'd' }, message: message('/ota/device/upgrade/p/d') },
      });
    });
  });
});
