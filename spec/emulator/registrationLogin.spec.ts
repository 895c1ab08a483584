import type { ConnectFields } from '../../lib/emulator/authenticateDevice';
import { deviceRegistry } from '../../lib/emulator/deviceRegistry';
import { registrationLogin, registrationProblem, tokenLogin } from '../../lib/emulator/registrationLogin';
import type { Transport } from '../../lib/emulator/transport';
import { registrationCredentials, tokenCredentials } from '../../lib/identity/registrationCredentials';

const PK = 'a1TestPK001';
const PS = 'ProductSecret123';
const registry = () =>
  deviceRegistry([
    {
      productKey: PK,
      productSecret: PS,
      dynamicRegistration: true,
      devices: [{ deviceName: 'dev01' }, { deviceName: 'active01' }],
    },
    { productKey: 'a1Off', productSecret: PS, devices: [{ deviceName: 'dev01' }] },
    { productKey: 'a1NoPS', dynamicRegistration: true, devices: [{ deviceName: 'dev01' }] },
  ]);

/** A registration CONNECT signed as PROTOCOL.md §2 says, over `transport`. */
function connect(
  patch: {
    deviceName?: string;
    productKey?: string;
    secureMode?: 2 | -2;
    transport?: Transport;
    authType?: 'register' | 'regnwl';
    productSecret?: string;
  } = {},
): ConnectFields {
  const {
    deviceName = 'dev01',
    productKey = PK,
    secureMode = 2,
    transport = 'mqtts',
    authType = 'register',
    productSecret = PS,
  } = patch;
  const credentials = registrationCredentials({
    productKey,
    deviceName,
    productSecret,
    random: '8Ygb7ULYh53B6OA',
    authType,
    secureMode,
  });
  return { ...credentials, keepalive: 0, transport };
}

describe('registrationLogin', () => {
  it.each<[string, Parameters<typeof connect>[0], string | undefined, number | undefined]>([
    ['a pre-registered device over mqtts', {}, undefined, undefined],
    ['a pre-registered device over wss', { transport: 'wss' }, undefined, undefined],
    ['securemode -2 over TLS', { secureMode: -2 }, undefined, undefined],
    [
      'regnwl for a device the console does not have',
      { authType: 'regnwl', deviceName: 'dev99', secureMode: -2 },
      undefined,
      undefined,
    ],
    ['plain TCP', { transport: 'mqtt' }, 'secure-mode-mismatch', 2],
    ['plain websockets', { transport: 'ws' }, 'secure-mode-mismatch', 2],
    ['a wrong productSecret', { productSecret: 'Wrong' }, 'bad-signature', 4],
    ['register for a device the console does not have', { deviceName: 'dev99' }, 'unknown-device', 5],
    ['a product without dynamic registration', { productKey: 'a1Off' }, 'registration-not-allowed', 5],
    ['a product without productSecret', { productKey: 'a1NoPS' }, 'registration-not-allowed', 5],
    ['an unknown product', { productKey: 'a1None' }, 'registration-not-allowed', 5],
  ])('should answer %s', (_, patch, reason, returnCode) => {
    const login = registrationLogin(registry(), connect(patch));
    expect(login).toEqual(
      reason === undefined
        ? {
            _tag: 'Registration',
            device: { productKey: patch?.productKey ?? PK, deviceName: patch?.deviceName ?? 'dev01' },
            method: patch?.authType ?? 'register',
          }
        : { _tag: 'Refused', reason, returnCode },
    );
  });

  it('should refuse an activated device with CONNACK 5', () => {
    const devices = registry();
    devices.activate({ productKey: PK, deviceName: 'active01' });
    expect(registrationLogin(devices, connect({ deviceName: 'active01' }))).toEqual({
      _tag: 'Refused',
      reason: 'device-already-activated',
      returnCode: 5,
    });
  });

  it.each<[string, string]>([
    ['no random', 'a1TestPK001.dev01|securemode=2,authType=register,signmethod=hmacsha256|'],
    ['an empty random', 'a1TestPK001.dev01|securemode=2,authType=register,random=,signmethod=hmacsha256|'],
    ['another authType', 'a1TestPK001.dev01|securemode=2,authType=bogus,random=r,signmethod=hmacsha256|'],
  ])('should refuse a clientId with %s as malformed', (_, clientId) => {
    expect(registrationLogin(registry(), { ...connect(), clientId })).toMatchObject({
      reason: 'malformed-client-id',
    });
  });

  it('should not check the keepalive of a registration', () => {
    expect(registrationLogin(registry(), { ...connect(), keepalive: 5 })._tag).toBe('Registration');
  });
});

describe('registrationProblem', () => {
  it.each<[string, string | undefined]>([
    ['hmacsha1', 'bad-signature'],
    ['hmacsha512', 'unknown-sign-method'],
    [undefined as unknown as string, 'unknown-sign-method'],
  ])('should check the sign method %p', (signMethod, expected) => {
    const sign = registrationCredentials({
      productKey: PK,
      deviceName: 'dev01',
      productSecret: PS,
      random: 'r',
      authType: 'register',
      secureMode: 2,
    }).password;
    expect(
      registrationProblem(registry(), {
        device: { productKey: PK, deviceName: 'dev01' },
        method: 'https',
        random: 'r',
        signMethod,
        sign,
      }),
    ).toBe(expected);
  });
});

describe('tokenLogin', () => {
  it('should accept the clientId and token issued last, and refuse others', async () => {
    const devices = registry();
    const device = { productKey: PK, deviceName: 'dev77' };
    const token = await devices.issueToken(device);
    const login = (patch: Partial<ConnectFields>) =>
      tokenLogin(devices, {
        ...tokenCredentials({ ...device, ...token }),
        keepalive: 60,
        transport: 'mqtts',
        ...patch,
      });
    expect(login({})).toEqual({ _tag: 'Accepted', device, clientId: token.clientId });
    expect(login({ password: 'forged' })).toMatchObject({ reason: 'bad-signature', returnCode: 4 });
    expect(login({ clientId: `other|securemode=-2,authType=connwl|` })).toMatchObject({
      reason: 'bad-signature',
    });
    expect(login({ clientId: `${token.clientId}|securemode=2,authType=connwl|` })).toMatchObject({
      reason: 'secure-mode-mismatch',
    });
    expect(login({ transport: 'mqtt' })).toMatchObject({ reason: 'secure-mode-mismatch' });
    expect(login({ keepalive: 10 })).toMatchObject({ reason: 'keepalive-out-of-range' });
    expect(login({ username: 'dev78&a1TestPK001' })).toMatchObject({ reason: 'unknown-device' });
    const renewed = await devices.issueToken(device);
    expect(login({})).toMatchObject({ reason: 'bad-signature' });
    expect(login({ ...tokenCredentials({ ...device, ...renewed }) })._tag).toBe('Accepted');
  });
});
