import * as E from 'fp-ts/Either';
import {
  BatchPostParams,
  DesiredDeleteParams,
  DesiredValues,
  EventPostParams,
  HistoryPostParams,
  PackPostParams,
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
      thingMethods.propertyPackPost,
      thingMethods.propertyHistoryPost,
      thingMethods.propertyBatchPost,
    ]).toEqual([
      'thing.event.property.post',
      'thing.event.battery:low.post',
      'thing.service.property.set',
      'thing.service.reboot',
      'thing.property.desired.get',
      'thing.property.desired.delete',
      'thing.event.property.pack.post',
      'thing.event.property.history.post',
      'thing.event.property.batch.post',
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
    ['a time that is no finite number', { value: 1, time: Infinity }, { value: 1 }],
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

describe('the pack and history post codecs', () => {
  // The request samples of the platform's page on TSL messages (Alink JSON), their values shortened.
  const packSample = {
    properties: { Power: { value: 'on', time: 1524448722000 }, WF: { value: {}, time: 1524448722000 } },
    events: { alarmEvent1: { value: { param1: 'on', param2: '2' }, time: 1524448722000 } },
    subDevices: [
      {
        identity: { productKey: 'a1Sub', deviceName: 's1' },
        properties: { Power: { value: 'on', time: 1524448722000 } },
        events: { alertEvent2: { value: { param1: 'on' }, time: '1524448722000' } },
      },
    ],
  };
  const historySample = [
    {
      identity: { productKey: 'a1Gw', deviceName: 'gw' },
      properties: [
        { Power: { value: 'on', time: 123456 }, WF: { value: '3', time: 123456 } },
        { Power: { value: 'off', time: '123457' } },
      ],
      events: [{ alarmEvent: { value: { Power: 'on', WF: '2' }, time: 123456 } }],
    },
  ];

  it("should decode the platform's pack sample, an event's time given as a string", () => {
    const decoded = PackPostParams.decode(packSample);
    expect(E.isRight(decoded) && decoded.right.subDevices?.[0]?.events).toEqual({
      alertEvent2: { value: { param1: 'on' }, time: 1524448722000 },
    });
  });

  it('should keep only the value and the time of a pack property', () => {
    expect(PackPostParams.decode({ properties: { Power: { value: 'on', time: '5', unit: 'x' } } })).toEqual(
      E.right({ properties: { Power: { value: 'on', time: 5 } } }),
    );
  });

  it("should decode the platform's history sample, times given as strings", () => {
    const decoded = HistoryPostParams.decode(historySample);
    expect(E.isRight(decoded) && decoded.right[0]?.properties?.[1]).toEqual({
      Power: { value: 'off', time: 123457 },
    });
  });

  it("should decode the Link SDK's batch sample, a time as a string and a value without one", () => {
    const sample = {
      properties: {
        Power: [{ value: 'on', time: 1612684518 }, { value: 'off' }],
        WF: [{ value: 3, time: '5' }],
      },
    };
    expect(BatchPostParams.decode(sample)).toEqual(
      E.right({
        properties: {
          Power: [{ value: 'on', time: 1612684518 }, { value: 'off' }],
          WF: [{ value: 3, time: 5 }],
        },
      }),
    );
  });

  it.each<[string, { decode: (u: unknown) => E.Either<unknown, unknown> }, unknown]>([
    ['a pack whose sub-device has no identity', PackPostParams, { subDevices: [{ properties: {} }] }],
    ['a pack whose property is a value alone', PackPostParams, { properties: { Power: 'on' } }],
    [
      'a pack whose property time is no number',
      PackPostParams,
      { properties: { Power: { value: 1, time: 'x' } } },
    ],
    ['a pack whose event has no output values', PackPostParams, { events: { alarm: { time: 1 } } }],
    ['a history that is no array', HistoryPostParams, historySample[0]],
    ['a batch whose property is no list', BatchPostParams, { properties: { Power: { value: 'on' } } }],
    ['a batch value without its value', BatchPostParams, { properties: { Power: [{ time: 1 }] } }],
    [
      'a history property without its time',
      HistoryPostParams,
      [{ identity: { productKey: 'p', deviceName: 'd' }, properties: [{ Power: { value: 'on' } }] }],
    ],
    [
      'a history property without its value',
      HistoryPostParams,
      [{ identity: { productKey: 'p', deviceName: 'd' }, properties: [{ Power: { time: 1 } }] }],
    ],
    [
      'a history event without its time',
      HistoryPostParams,
      [{ identity: { productKey: 'p', deviceName: 'd' }, events: [{ alarm: { value: {} } }] }],
    ],
  ])('should refuse %s', (_, codec, value) => {
    expect(E.isLeft(codec.decode(value))).toBe(true);
  });
});
