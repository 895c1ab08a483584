// The emulator's HTTPS endpoint, over a real HTTPS connection.
import { lastValueFrom } from 'rxjs';
import { httpsPost } from '../../lib/connection/defaultRegistrationPorts';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { httpsRegistrationForm } from '../../lib/identity/registrationCredentials';

const PK = 'a1TestPK001';
const PS = 'ProductSecret123';
let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator({
    products: [
      { productKey: PK, productSecret: PS, dynamicRegistration: true, devices: [{ deviceName: 'dev01' }] },
    ],
  });
});
afterEach(() => emulator.close());

const post = (path: string, form: string) =>
  lastValueFrom(httpsPost({ url: `${emulator.urls.https}${path}`, form, tls: { ca: emulator.ca } })).then(
    ({ status, body }) => ({
      status,
      body: body.length > 0 ? (JSON.parse(body.toString()) as unknown) : undefined,
    }),
  );

describe('the emulator HTTPS registration', () => {
  const form = httpsRegistrationForm({
    productKey: PK,
    deviceName: 'dev01',
    productSecret: PS,
    random: 'r0123',
  });

  it('should answer a valid form with the secret, as PROTOCOL.md §2 shows it', async () => {
    await expect(post('/auth/register/device', form)).resolves.toEqual({
      status: 200,
      body: {
        code: 200,
        data: { productKey: PK, deviceName: 'dev01', deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) },
        message: 'success',
      },
    });
  });

  it('should answer a form without a field with code 460', async () => {
    const partial = new URLSearchParams(form);
    partial.delete('sign');
    await expect(post('/auth/register/device', partial.toString())).resolves.toEqual({
      status: 200,
      body: { code: 460, message: 'request parameter error' },
    });
  });

  it('should answer any other path with 404', async () => {
    await expect(post('/auth/other', form)).resolves.toEqual({ status: 404, body: undefined });
  });

  it('should serve MQTT over wss on the same port', () => {
    expect(new URL(emulator.urls.https).port).toBe(new URL(emulator.urls.wss).port);
  });
});
