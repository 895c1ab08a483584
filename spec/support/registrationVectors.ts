import type { SignMethod } from '../../lib/identity/signContent';

/**
 * The dynamic registration vectors of PROTOCOL.md §2, computed independently: deviceName, productKey and
 * random signed with the productSecret. `[random, signMethod, sign]`.
 */
export const REGISTRATION_VECTOR_DEVICE = {
  productKey: 'a1TestPK001',
  deviceName: 'dev01',
  productSecret: 'ProductSecret123',
} as const;

export const REGISTRATION_VECTORS: readonly (readonly [string, SignMethod, string])[] = [
  ['1700000000000', 'hmacsha1', '4c1a4425097005b42e297977b16f330c9326c688'],
  ['1700000000000', 'hmacsha256', '433e46d0a9952d295cda4c7acd49e00f4b4caaf6c1cb5011d44f99c83492745d'],
  ['8Ygb7ULYh53B6OA', 'hmacmd5', '4eaa0afd4bf7bb236512b672f1cac1ce'],
  ['8Ygb7ULYh53B6OA', 'hmacsha1', 'f8cfc9ecd573bbc22db88ec4ca675ae7f3ebbb99'],
  ['8Ygb7ULYh53B6OA', 'hmacsha256', 'e28749118f4405f232e6737e41b3e15be48687ff7f5e6e90534879f73ebbda57'],
];
