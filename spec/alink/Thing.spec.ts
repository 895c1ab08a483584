// The types a generated thing model gives a thing: wrong identifiers and values do not compile. ts-jest and
// `npm run typecheck` compile this file; each `@ts-expect-error` fails the build if its line compiles.
import * as E from 'fp-ts/Either';
import { lastValueFrom, of } from 'rxjs';
import { createThing } from '../../lib/alink/createThing';
import { event, property, service, thingModel } from '../../lib/protocol/tsl/ThingModel';
import { tslTypes } from '../../lib/protocol/tsl/tslTypes';
import { fakeAlinkDevice } from '../support/fakeAlinkDevice';

const model = thingModel({
  productKey: 'pk',
  properties: {
    temp: property('r', tslTypes.float({ min: -40, max: 120 })),
    mode: property('rw', tslTypes.enumOf({ 0: 'auto', 1: 'manual' })),
    'battery:level': property('r', tslTypes.int({ min: 0, max: 100 })),
  },
  events: { fault: event('error', { code: tslTypes.int({ min: 0, max: 255 }) }) },
  services: { reboot: service('sync', { delay: tslTypes.int() }, { at: tslTypes.date() }) },
});

describe('Thing', () => {
  it('should type posts, sets and services by identifier, from the thing model', async () => {
    const { device } = fakeAlinkDevice();
    const thing = createThing(device, { tsl: model });

    thing.postProperties({ temp: 21.5, mode: 1, 'battery:level': 80 });
    thing.postProperties({ temp: { value: 21.5, time: 1700000000000 } });
    // @ts-expect-error humidity is not a property of the thing model
    thing.postProperties({ humidity: 40 });
    // @ts-expect-error temp is a float
    thing.postProperties({ temp: 'hot' });
    // @ts-expect-error 2 is not a key of the enum mode
    thing.postProperties({ mode: 2 });

    thing.postEvent('fault', { code: 7 }, { time: 1700000000000 });
    // @ts-expect-error explode is not an event of the thing model
    thing.postEvent('explode', {});
    // @ts-expect-error code is an int
    thing.postEvent('fault', { code: 'E7' });

    thing.getDesiredProperties(['mode']);
    // @ts-expect-error humidity is not a property
    thing.getDesiredProperties(['humidity']);

    thing.serveProperties((values) => {
      const mode: 0 | 1 | undefined = values.mode;
      // @ts-expect-error temp is read-only: a property set never carries it
      void values.temp;
      return of({ mode });
    });

    thing.serveService('reboot', ({ delay }) => of({ at: String(Date.now() + (delay ?? 0)) }));
    // @ts-expect-error fly is not a service of the thing model
    thing.serveService('fly', () => of({}));
    // @ts-expect-error at is a date: a string of digits
    thing.serveService('reboot', () => of({ at: 5 }));

    // What compiles is still checked at run time against the specs.
    expect(await lastValueFrom(thing.postProperties({ temp: 500 }))).toEqual(
      E.left(expect.objectContaining({ _tag: 'TslFailure' }) as never),
    );
  });

  it('should take any identifier and value without a thing model', () => {
    const { device } = fakeAlinkDevice();
    const thing = createThing(device);
    thing.postProperties({ anything: { nested: [1, 'two'] } });
    thing.postEvent('whatever', { x: 1 });
    thing.serveService('any', (input) => of({ echo: input }));
    expect(thing.tsl).toBeUndefined();
  });
});
