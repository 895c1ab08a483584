import { lastValueFrom, toArray } from 'rxjs';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { startCloudApi, type CloudApi } from '../../lib/emulator/startCloudApi';

const products = [{ productKey: 'a1Api000001', devices: [{ deviceName: 'd1', deviceSecret: 's3cret' }] }];

describe('startCloudApi', () => {
  let emulator: Emulator;
  let api: CloudApi;
  beforeEach(async () => {
    emulator = await startEmulator({ products });
    api = await startCloudApi(emulator, { products });
  });
  afterEach(async () => {
    await api.close();
    await emulator.close();
  });

  const post = async (body: string, type: string) => {
    const response = await fetch(api.url, { method: 'POST', headers: { 'content-type': type }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('should listen on loopback and take a form body, as the platform SDKs send it', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const answer = await post(
      'Action=GetDeviceStatus&ProductKey=a1Api000001&DeviceName=d1',
      'application/x-www-form-urlencoded',
    );
    expect(answer).toEqual({
      status: 200,
      body: { RequestId: expect.any(String), Success: true, Data: { Status: 'UNACTIVE' } },
    });
  });

  it('should refuse a body that is not JSON, or not an object, or too large', async () => {
    expect(await post('{', 'application/json')).toMatchObject({
      status: 400,
      body: { Success: false, Code: 'iot.system.IllegalRequest' },
    });
    expect(await post('[1]', 'application/json')).toMatchObject({
      status: 400,
      body: { ErrorMessage: 'the body must be a JSON object' },
    });
    expect(await post(`x=${'a'.repeat(1024 * 1024)}`, 'text/plain')).toMatchObject({ status: 413 });
    expect(await post('', 'text/plain')).toMatchObject({ status: 400, body: { Code: 'MissingAction' } });
  });

  it('should report each call, and complete on close', async () => {
    const calls = lastValueFrom(api.calls$.pipe(toArray()));
    await fetch(`${api.url}?Action=GetDeviceStatus&ProductKey=a1Api000001&DeviceName=d1`);
    await api.close();
    expect(await calls).toEqual([
      {
        action: 'GetDeviceStatus',
        params: { ProductKey: 'a1Api000001', DeviceName: 'd1' },
        status: 200,
        response: expect.objectContaining({ Success: true }),
      },
    ]);
  });
});
