// registerDevice against the emulator, over real sockets: every way to register, and every refusal.
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { RegistrationRefusedError } from '../lib/alink/registrationErrors';
import { TlsError } from '../lib/connection/TlsError';
import { createDevice, type AliyunDevice } from '../lib/device';
import { startEmulator, type Emulator, type EmulatorOptions } from '../lib/emulator';
import type { EmulatorEvent } from '../lib/emulator/emulatorEvent';
import { registerDevice, type RegisterDeviceOptions } from '../lib/registerDevice';

const PK = 'a1RegPK0001';
const PS = 'ProductSecret123';

const products: EmulatorOptions['products'] = [
  {
    productKey: PK,
    productSecret: PS,
    dynamicRegistration: true,
    devices: [
      { deviceName: 'dev01' },
      { deviceName: 'dev02' },
      { deviceName: 'given01', deviceSecret: 'given-secret' },
    ],
  },
  { productKey: 'a1NoDynReg', productSecret: PS, devices: [{ deviceName: 'dev01' }] },
];

let emulator: Emulator;
const devices: AliyunDevice[] = [];
beforeEach(async () => {
  emulator = await startEmulator({ products });
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await emulator.close();
});

const options = (patch: Partial<RegisterDeviceOptions> = {}): RegisterDeviceOptions => ({
  productKey: PK,
  deviceName: 'dev01',
  productSecret: PS,
  endpoint: { url: emulator.urls.mqtts },
  tls: { ca: emulator.ca },
  ...patch,
});
const register = (patch: Partial<RegisterDeviceOptions> = {}) =>
  lastValueFrom(registerDevice(options(patch)));
const refusal = (patch: Partial<RegisterDeviceOptions> = {}) =>
  register(patch).then(
    () => undefined,
    (error: unknown) => error,
  );
const nextEvent = <T extends EmulatorEvent['type']>(type: T) =>
  firstValueFrom(
    emulator.events$.pipe(filter((e): e is Extract<EmulatorEvent, { type: T }> => e.type === type)),
  );

/** Connects a device with what registration gave, and resolves with the state it settles in. */
async function loginWith(deviceName: string, credential: Partial<Record<string, string>>) {
  const device = createDevice({
    productKey: PK,
    deviceName,
    deviceSecret: credential['deviceSecret'] ?? 'none',
    endpoint: { url: emulator.urls.mqtts },
    tls: { ca: emulator.ca },
    reconnect: false,
  });
  devices.push(device);
  device.start();
  return firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected' || s.status === 'closed')));
}

describe('registerDevice against the emulator', () => {
  it.each<['mqtts' | 'wss']>([['mqtts'], ['wss']])(
    'should register a pre-registered device over %s and give a secret it then logs in with',
    async (transport) => {
      const registered = nextEvent('registered');
      const credential = await register({ endpoint: { url: emulator.urls[transport] } });
      expect(credential).toEqual({ deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(await registered).toEqual({
        type: 'registered',
        device: { productKey: PK, deviceName: 'dev01' },
        method: 'register',
      });
      expect(JSON.stringify(await registered)).not.toContain(
        (credential as { deviceSecret: string }).deviceSecret,
      );
      await expect(loginWith('dev01', credential)).resolves.toMatchObject({ status: 'connected' });
    },
  );

  it('should sign the random it is given, as in the vectors', async () => {
    const credential = await register({
      signMethod: 'hmacsha1',
      registration: { random: '8Ygb7ULYh53B6OA' },
    });
    expect(credential).toHaveProperty('deviceSecret');
  });

  it.each(['hmacmd5', 'hmacsha1', 'hmacsha256'] as const)('should register with %s', async (signMethod) => {
    await expect(register({ signMethod })).resolves.toHaveProperty('deviceSecret');
  });

  it('should let the last secret issued win while the device is not activated', async () => {
    const first = await register();
    const second = await register();
    expect(first).not.toEqual(second);
    await expect(loginWith('dev01', first)).resolves.toMatchObject({ status: 'closed' });
    await expect(loginWith('dev01', second)).resolves.toMatchObject({ status: 'connected' });
  });

  it('should replace the secret a device was created with, until it is activated', async () => {
    const credential = await register({ deviceName: 'given01' });
    await expect(loginWith('given01', { deviceSecret: 'given-secret' })).resolves.toMatchObject({
      status: 'closed',
    });
    await expect(loginWith('given01', credential)).resolves.toMatchObject({ status: 'connected' });
  });

  it('should refuse an activated device, saying it must be reset in the console', async () => {
    await loginWith('dev01', await register());
    const refused = nextEvent('refused');
    const error = await refusal();
    expect(error).toBeInstanceOf(RegistrationRefusedError);
    expect(error).toMatchObject({ reason: 'not-authorized', code: 5 });
    expect((error as Error).message).toContain('reset the device in the console to register it again');
    expect(await refused).toMatchObject({ reason: 'device-already-activated', returnCode: 5 });
  });

  it.each<[string, Partial<RegisterDeviceOptions>, string, number, string]>([
    ['a wrong productSecret', { productSecret: 'WrongSecret0000' }, 'bad-signature', 4, 'bad-signature'],
    ['a device the console does not have', { deviceName: 'dev99' }, 'not-authorized', 5, 'unknown-device'],
    [
      'a product without dynamic registration',
      { productKey: 'a1NoDynReg' },
      'not-authorized',
      5,
      'registration-not-allowed',
    ],
    ['an unknown product', { productKey: 'a1Unknown' }, 'not-authorized', 5, 'registration-not-allowed'],
  ])('should refuse %s', async (_, patch, reason, code, emulatorReason) => {
    const refused = nextEvent('refused');
    await expect(refusal(patch)).resolves.toMatchObject({ name: 'RegistrationRefusedError', reason, code });
    expect(await refused).toMatchObject({ reason: emulatorReason, returnCode: code });
  });

  it('should refuse, before anything is sent, to register at a plain TCP endpoint (registration needs TLS)', () => {
    expect(() =>
      registerDevice({ ...options(), endpoint: { url: emulator.urls.mqtt }, tls: undefined }),
    ).toThrow('registration.url: required: the endpoint');
  });

  it('should fail with a TlsError against a server it does not trust', async () => {
    await expect(refusal({ tls: undefined })).resolves.toBeInstanceOf(TlsError);
  });

  it('should register a device the console does not have with regnwl, and log it in with the token', async () => {
    const credential = await register({ deviceName: 'newDevice01', registration: { method: 'regnwl' } });
    expect(credential).toEqual({ clientId: expect.any(String), deviceToken: expect.any(String) });
    const { clientId, deviceToken } = credential as { clientId: string; deviceToken: string };
    expect(clientId).not.toBe(`${PK}.newDevice01`);
    const device = createDevice({
      productKey: PK,
      deviceName: 'newDevice01',
      productSecret: PS,
      secretStore: {
        load: () => Promise.resolve({ clientId, deviceToken }),
        save: () => Promise.resolve(),
      },
      endpoint: { url: emulator.urls.mqtts },
      tls: { ca: emulator.ca },
      reconnect: false,
    });
    devices.push(device);
    const connected = nextEvent('connect');
    device.start();
    expect(await connected).toEqual({
      type: 'connect',
      device: { productKey: PK, deviceName: 'newDevice01', clientId },
    });
  });

  it('should refuse a token login with another token', async () => {
    const credential = (await register({
      deviceName: 'newDevice02',
      registration: { method: 'regnwl' },
    })) as {
      clientId: string;
    };
    const device = createDevice({
      productKey: PK,
      deviceName: 'newDevice02',
      productSecret: PS,
      secretStore: {
        load: () => Promise.resolve({ ...credential, deviceToken: 'forged' }),
        save: () => Promise.resolve(),
      },
      endpoint: { url: emulator.urls.mqtts },
      tls: { ca: emulator.ca },
      reconnect: false,
    });
    devices.push(device);
    const refused = nextEvent('refused');
    device.start();
    expect(await refused).toMatchObject({ reason: 'bad-signature', returnCode: 4 });
  });

  it('should register over HTTPS and give a secret the device logs in with', async () => {
    const registered = nextEvent('registered');
    const credential = await register({ registration: { method: 'https', url: emulator.urls.https } });
    expect(credential).toEqual({ deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await registered).toMatchObject({ method: 'https' });
    await expect(loginWith('dev01', credential)).resolves.toMatchObject({ status: 'connected' });
  });

  it.each<[string, Partial<RegisterDeviceOptions>, string, number, string]>([
    ['a wrong productSecret', { productSecret: 'WrongSecret0000' }, 'bad-signature', 6601, 'bad-signature'],
    ['a device the console does not have', { deviceName: 'dev99' }, 'not-allowed', 6100, 'unknown-device'],
    [
      'a product without dynamic registration',
      { productKey: 'a1NoDynReg' },
      'not-allowed',
      6250,
      'registration-not-allowed',
    ],
  ])('should refuse over HTTPS %s', async (_, patch, reason, code, emulatorReason) => {
    const refused = nextEvent('registration-refused');
    const https = { registration: { method: 'https' as const, url: emulator.urls.https } };
    await expect(refusal({ ...https, ...patch })).resolves.toMatchObject({
      name: 'RegistrationRefusedError',
      reason,
      code,
    });
    expect(await refused).toMatchObject({ method: 'https', reason: emulatorReason });
  });

  it('should refuse over HTTPS an activated device, saying it must be reset in the console', async () => {
    const https = { registration: { method: 'https' as const, url: emulator.urls.https } };
    await loginWith('dev01', await register(https));
    const error = await refusal(https);
    expect(error).toMatchObject({
      name: 'RegistrationRefusedError',
      reason: 'already-activated',
      code: 6289,
    });
    expect((error as Error).message).toContain('reset the device in the console');
  });

  it('should throw DeviceOptionsError at once for options it cannot use', () => {
    expect(() => registerDevice({ ...options(), productSecret: '' })).toThrow(
      'productSecret: must be a non-empty string',
    );
    expect(() =>
      registerDevice({
        productKey: PK,
        deviceName: 'dev01',
        deviceSecret: 's',
      } as unknown as RegisterDeviceOptions),
    ).toThrow('productSecret: required to register the device');
  });
});
