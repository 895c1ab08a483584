// The default HTTPS port of dynamic registration, against the emulator's HTTPS server.
import { lastValueFrom } from 'rxjs';
import { httpsPost } from '../../lib/connection/httpsPost';
import { ConnectionLostError } from '../../lib/connection/errors';
import { TlsError } from '../../lib/connection/TlsError';
import { startEmulator, type Emulator } from '../../lib/emulator';

let emulator: Emulator;
beforeEach(async () => (emulator = await startEmulator({ products: [] })));
afterEach(() => emulator.close());

describe('httpsPost', () => {
  it('should post the form and emit the status and body', async () => {
    const answer = await lastValueFrom(
      httpsPost({ url: `${emulator.urls.https}/nowhere`, form: 'a=1', tls: { ca: emulator.ca } }),
    );
    expect(answer.status).toBe(404);
  });

  it('should error with a TlsError against a server it does not trust', async () => {
    await expect(
      lastValueFrom(httpsPost({ url: `${emulator.urls.https}/auth/register/device`, form: '' })),
    ).rejects.toBeInstanceOf(TlsError);
  });

  it('should error with a ConnectionLostError when nothing listens', async () => {
    const closed = await startEmulator({ products: [] });
    const url = closed.urls.https;
    await closed.close();
    await expect(lastValueFrom(httpsPost({ url, form: '', tls: { ca: closed.ca } }))).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
  });
});
