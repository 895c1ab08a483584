import * as E from 'fp-ts/Either';
import {
  DesiredDeleteParams,
  DesiredValues,
  EventPostParams,
  propertyEntry,
  thingMethods,
} from '../../lib/protocol/thingPayloads';

describe('thingMethods', () => {
  it('should name the Alink methods of the thing model', () => {
    expect([
      thingMethods.propertyPost,
      thingMethods.eventPost('battery:low'),
      thingMethods.propertySet,
      thingMethods.service('reboot'),
      thingMethods.desiredGet,
      thingMethods.desiredDelete,
    ]).toEqual([
      'thing.event.property.post',
      'thing.event.battery:low.post',
      'thing.service.property.set',
      'thing.service.reboot',
      'thing.property.desired.get',
      'thing.property.desired.delete',
    ]);
  });
});

describe('propertyEntry', () => {
  it.each<[string, unknown, unknown]>([
    ['a value alone', 'on', { value: 'on' }],
    ['a value with its time', { value: 21.5, time: 1524448722000 }, { value: 21.5, time: 1524448722000 }],
    ['{ value } without a time', { value: 1 }, { value: 1 }],
    ['a struct with other fields', { value: 1, unit: 'C' }, { value: { value: 1, unit: 'C' } }],
    ['a time that is no number', { value: 1, time: 'now' }, { value: 1 }],
  ])('should read %s', (_, raw, expected) => {
    expect(propertyEntry(raw)).toEqual(expected);
  });
});

describe('the payload codecs', () => {
  it.each<[string, { decode: (u: unknown) => E.Either<unknown, unknown> }, unknown, unknown]>([
    [
      'an event post, its time a string',
      EventPostParams,
      { value: { code: 1 }, time: '5' },
      E.right({ value: { code: 1 }, time: 5 }),
    ],
    [
      'desired values, versions as strings',
      DesiredValues,
      { a: { value: 1, version: '3' } },
      E.right({ a: { value: 1, version: 3 } }),
    ],
    [
      'a desired delete',
      DesiredDeleteParams,
      { a: {}, b: { version: 2 } },
      E.right({ a: {}, b: { version: 2 } }),
    ],
  ])('should decode %s', (_, codec, value, expected) => {
    expect(codec.decode(value)).toEqual(expected);
  });

  it('should refuse an event post without its output values', () => {
    expect(E.isLeft(EventPostParams.decode({ time: 1 }))).toBe(true);
  });
});
