// The default MQTT port of dynamic registration, over real sockets.
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { mqttExchange } from '../../lib/connection/mqttExchange';
import { ConnectionRefusedError } from '../../lib/connection/errors';
import { TlsError } from '../../lib/connection/TlsError';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { registrationCredentials } from '../../lib/identity/registrationCredentials';

const PK = 'a1TestPK001';
const PS = 'ProductSecret123';
let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator({
    products: [
      {
        productKey: PK,
        productSecret: PS,
        dynamicRegistration: true,
        devices: [{ deviceName: 'dev01' }, { deviceName: 'dev02', deviceSecret: 'ds02' }],
      },
    ],
  });
});
afterEach(() => emulator.close());

const register = registrationCredentials({
  productKey: PK,
  deviceName: 'dev01',
  productSecret: PS,
  random: 'r1',
  authType: 'register',
  secureMode: 2,
});

describe('mqttExchange', () => {
  it('should emit the one message the server publishes, then complete', async () => {
    const messages = await lastValueFrom(
      mqttExchange({ url: emulator.urls.mqtts, credentials: register, tls: { ca: emulator.ca } }).pipe(
        toArray(),
      ),
    );
    expect(messages.map((m) => m.topic)).toEqual(['/ext/register']);
  });

  it('should be answered when two registrations of one device are made at once, each on its own', async () => {
    // A device that tries again while its first attempt is still open: the broker must not take the second
    // for the same session as the first and close it.
    const again = registrationCredentials({
      productKey: PK,
      deviceName: 'dev01',
      productSecret: PS,
      random: 'r2',
      authType: 'register',
      secureMode: 2,
    });
    const exchange = (credentials: typeof register) =>
      lastValueFrom(
        mqttExchange({ url: emulator.urls.mqtts, credentials, tls: { ca: emulator.ca } }).pipe(toArray()),
      );
    const answers = await Promise.all([exchange(register), exchange(again)]);
    expect(answers.map((messages) => messages.map((m) => m.topic))).toEqual([
      ['/ext/register'],
      ['/ext/register'],
    ]);
  });

  it('should error with the CONNACK refusal', async () => {
    const wrong = { ...register, password: '00' };
    await expect(
      lastValueFrom(mqttExchange({ url: emulator.urls.mqtts, credentials: wrong, tls: { ca: emulator.ca } })),
    ).rejects.toBeInstanceOf(ConnectionRefusedError);
  });

  it('should error with a TlsError against a server it does not trust', async () => {
    await expect(
      lastValueFrom(mqttExchange({ url: emulator.urls.mqtts, credentials: register })),
    ).rejects.toBeInstanceOf(TlsError);
  });

  it('should end empty when the server closes the connection without a message', async () => {
    // A device login that the emulator accepts and then drops.
    const login = mqttCredentials({ productKey: PK, deviceName: 'dev02', deviceSecret: 'ds02' });
    const exchange = lastValueFrom(
      mqttExchange({ url: emulator.urls.mqtt, credentials: login }).pipe(toArray()),
    );
    await firstValueFrom(emulator.devices$.pipe(filter((online) => online.length > 0)));
    await emulator.disconnect();
    await expect(exchange).resolves.toEqual([]);
  });
});
