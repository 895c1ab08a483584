import * as E from 'fp-ts/Either';
import { tslTypes, type AnyTslType } from '../../../lib/protocol/tsl/tslTypes';

describe('tslTypes', () => {
  it.each<[string, AnyTslType, unknown, unknown]>([
    ['int', tslTypes.int({ min: 0, max: 10 }), 3, E.right(3)],
    ['float', tslTypes.float({ max: 1 }), 2, E.left(['at (root): 2 is above the max 1'])],
    ['double', tslTypes.double(), 'x', E.left(['at (root): expected double, got "x"'])],
    ['text', tslTypes.text({ length: 2 }), 'abc', E.left(['at (root): 3 characters is over the length 2'])],
    ['bool', tslTypes.bool({ 0: 'off', 1: 'on' }), 1, E.right(1)],
    ['enumOf', tslTypes.enumOf({ 0: 'a', 2: 'b' }), 1, E.left(['at (root): 1 is not one of 0, 2'])],
    ['date, from a number', tslTypes.date(), 1700000000000, E.right('1700000000000')],
    ['struct', tslTypes.struct({ a: tslTypes.int() }), { a: 1, b: 2 }, E.left(['at b: b is not defined'])],
    [
      'array',
      tslTypes.array(tslTypes.int(), { size: 1 }),
      [1, 2],
      E.left(['at (root): 2 items is over the size 1']),
    ],
  ])('should make a codec of %s', (_, codec, value, expected) => {
    expect(
      E.mapLeft((errors: { message?: string }[]) => errors.map((e) => e.message))(codec.decode(value)),
    ).toEqual(expected);
  });

  it('should give each codec the type the platform takes', () => {
    const mode = tslTypes.enumOf({ 0: 'auto', 1: 'manual' });
    const pos = tslTypes.struct({ lat: tslTypes.double(), label: tslTypes.text() });
    const stops = tslTypes.array(pos);
    const m: typeof mode._A = 1;
    const p: typeof pos._A = { lat: 1 };
    const s: typeof stops._A = [p, { label: 'x' }];
    // @ts-expect-error 2 is not a key of the enum
    const wrongKey: typeof mode._A = 2;
    // @ts-expect-error a struct field has its own type
    const wrongField: typeof pos._A = { lat: 'north' };
    // @ts-expect-error a struct has no other fields
    const extraField: typeof pos._A = { lat: 1, alt: 2 };
    // @ts-expect-error bool is 0 or 1, not a boolean
    const wrongBool: ReturnType<typeof tslTypes.bool>['_A'] = true;
    expect([mode.is(m), pos.is(p), stops.is(s)]).toEqual([true, true, true]);
    expect([
      mode.is(wrongKey),
      pos.is(wrongField),
      pos.is(extraField),
      tslTypes.bool().is(wrongBool),
    ]).toEqual([false, false, false, false]);
  });
});
