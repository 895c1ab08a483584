import fc from 'fast-check';
import { extractParams, InvalidTopicError } from '../../lib/topic';
import { namedFilterArb, referenceParams, topicArb } from './reference';

describe('extractParams', () => {
  // prettier-ignore
  it.each([
    ['/sys/+productKey/+deviceName/rrpc/request/+messageId', '/sys/pk/dn/rrpc/request/123',
      { productKey: 'pk', deviceName: 'dn', messageId: '123' }],
    ['/ext/rrpc/+messageId/#topic', '/ext/rrpc/7/sys/pk/dn/thing/service/reboot',
      { messageId: '7', topic: 'sys/pk/dn/thing/service/reboot' }],
    ['a/#rest',       'a',        { rest: '' }],
    ['a/#rest',       'a/',       { rest: '' }],
    ['a/#rest',       'a/b//c',   { rest: 'b//c' }],
    ['#all',          '/x/y',     { all: '/x/y' }],
    ['a/+x/b',        'a//b',     { x: '' }],
    ['+first/#',      '/a',       { first: '' }],
    ['a/+/#',         'a/b/c',    {}],
    ['a/b',           'a/b',      {}],
  ])('should capture %j in %j', (filter, topic, params) => {
    expect(extractParams(filter, topic)).toEqual(params);
  });

  it.each([
    ['/sys/+pk/+dn/rrpc/request/+id', '/sys/pk/dn/rrpc/response/1'],
    ['+x/#', '$SYS/x'],
    ['#rest', '$SYS'],
    ['a/+x', 'a'],
  ])('should answer undefined when %j does not match %j', (filter, topic) => {
    expect(extractParams(filter, topic)).toBeUndefined();
  });

  it('should throw InvalidTopicError for an invalid filter', () => {
    expect(() => extractParams('a/#x/b', 'a/b')).toThrow(InvalidTopicError);
  });

  it('should agree with a naive reference on random named filters and topics', () => {
    fc.assert(
      fc.property(namedFilterArb, topicArb, (filter, topic) => {
        expect(extractParams(filter, topic)).toEqual(referenceParams(filter, topic));
      }),
      { numRuns: 3000 },
    );
  });
});
