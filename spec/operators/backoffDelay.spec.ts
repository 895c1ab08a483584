import { backoffDelay, type BackoffPolicy } from '../../lib/operators/backoffDelay';
import { MAX_TIMER_MS } from '../../lib/operators/timerMs';

const always = (value: number) => () => value;

describe('backoffDelay', () => {
  describe("jitter: 'none'", () => {
    it.each`
      policy                                                  | attempt | expected
      ${{}}                                                   | ${1}    | ${1000}
      ${{}}                                                   | ${2}    | ${2000}
      ${{}}                                                   | ${3}    | ${4000}
      ${{}}                                                   | ${6}    | ${32_000}
      ${{}}                                                   | ${7}    | ${60_000}
      ${{}}                                                   | ${2000} | ${60_000}
      ${{}}                                                   | ${0}    | ${1000}
      ${{ initialDelayMs: 100, factor: 3 }}                   | ${3}    | ${900}
      ${{ initialDelayMs: 100, factor: 1.5 }}                 | ${3}    | ${225}
      ${{ initialDelayMs: 500, maxDelayMs: 1500 }}            | ${3}    | ${1500}
      ${{ initialDelayMs: 0 }}                                | ${2000} | ${0}
      ${{ initialDelayMs: 100, factor: 1, maxDelayMs: 1000 }} | ${50}   | ${100}
      ${{ initialDelayMs: 2 ** 31, maxDelayMs: 2 ** 31 }}     | ${1}    | ${MAX_TIMER_MS}
      ${{ maxDelayMs: 2 ** 40 }}                              | ${40}   | ${MAX_TIMER_MS}
      ${{ maxDelayMs: Infinity }}                             | ${2000} | ${MAX_TIMER_MS}
    `('should wait $expected ms before attempt $attempt with $policy', ({ policy, attempt, expected }) => {
      expect(backoffDelay({ ...policy, jitter: 'none' }, attempt)).toBe(expected);
    });

    it('should never call random', () => {
      const random = jest.fn(() => 0.5);
      backoffDelay({ jitter: 'none', random }, 3);
      expect(random).not.toHaveBeenCalled();
    });
  });

  describe("jitter: 'full' (the default)", () => {
    it.each`
      random    | attempt | expected
      ${0}      | ${1}    | ${0}
      ${0.5}    | ${1}    | ${500}
      ${0.5}    | ${3}    | ${2000}
      ${0.25}   | ${4}    | ${2000}
      ${0.999}  | ${1}    | ${999}
      ${0.5}    | ${7}    | ${30_000}
      ${0.9999} | ${20}   | ${59_994}
    `(
      'should wait $expected ms before attempt $attempt when random() is $random',
      ({ random, attempt, expected }) => {
        expect(backoffDelay({ random: always(random) }, attempt)).toBe(expected);
        expect(backoffDelay({ jitter: 'full', random: always(random) }, attempt)).toBe(expected);
      },
    );

    it('should stay within [0, the unjittered delay] with Math.random', () => {
      for (let attempt = 1; attempt <= 10; attempt++) {
        const delay = backoffDelay({}, attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(backoffDelay({ jitter: 'none' }, attempt));
      }
    });
  });

  describe("jitter: 'decorrelated'", () => {
    it.each`
      policy                                   | random  | previous     | expected
      ${{}}                                    | ${0}    | ${undefined} | ${1000}
      ${{}}                                    | ${0.5}  | ${undefined} | ${2000}
      ${{}}                                    | ${0.99} | ${undefined} | ${2980}
      ${{}}                                    | ${0}    | ${5000}      | ${1000}
      ${{}}                                    | ${0.5}  | ${5000}      | ${8000}
      ${{}}                                    | ${0.9}  | ${40_000}    | ${60_000}
      ${{ initialDelayMs: 100 }}               | ${0.5}  | ${100}       | ${200}
      ${{ initialDelayMs: 100, factor: 10 }}   | ${0.5}  | ${100}       | ${200}
      ${{ maxDelayMs: 2500 }}                  | ${0.9}  | ${undefined} | ${2500}
      ${{ initialDelayMs: 10, maxDelayMs: 5 }} | ${0}    | ${undefined} | ${5}
    `(
      'should wait $expected ms after $previous ms when random() is $random with $policy',
      ({ policy, random, previous, expected }) => {
        const decorrelated: BackoffPolicy = { ...policy, jitter: 'decorrelated', random: always(random) };
        expect(backoffDelay(decorrelated, 1, previous)).toBe(expected);
      },
    );

    it('should ignore the attempt number', () => {
      const policy: BackoffPolicy = { jitter: 'decorrelated', random: always(0.5) };
      expect(backoffDelay(policy, 9, 3000)).toBe(backoffDelay(policy, 1, 3000));
    });
  });

  it.each(['none', 'full', 'decorrelated'] as const)(
    'should never wait longer than a Node.js timer holds (2^31 - 1 ms), with %s jitter',
    (jitter) => {
      const policy: BackoffPolicy = {
        initialDelayMs: 2 ** 30,
        maxDelayMs: 2 ** 40,
        jitter,
        random: always(0.999),
      };
      for (const attempt of [1, 2, 3, 50]) {
        expect(backoffDelay(policy, attempt, 2 ** 35)).toBeLessThanOrEqual(MAX_TIMER_MS);
      }
      expect(backoffDelay(policy, 50, 2 ** 35)).toBe(
        jitter === 'full' ? Math.round(0.999 * MAX_TIMER_MS) : MAX_TIMER_MS,
      );
    },
  );
});
