// Remote configuration from both ends: the emulator writes, serves and pushes; the device fetches and checks.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { createRemoteConfig } from '../../lib/alink/createRemoteConfig';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

describe('createRemoteConfig', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  const subscribed = (topic: string) =>
    firstValueFrom(
      rig.cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(topic))),
    );

  it('should get the product configuration, fetched over HTTP and its SHA-256 checked', async () => {
    const { cloud, device } = rig;
    const config = createRemoteConfig(device);
    const none = await lastValueFrom(config.get());
    expect(none).toEqual(E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 6710 })));

    const written = await cloud.setConfig(PRODUCT_KEY, { sampleEveryS: 30, unit: 'C' });
    expect(written).toMatchObject({
      signMethod: 'SHA256',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
    });
    const got = await lastValueFrom(config.get());
    if (E.isLeft(got)) throw new Error(got.left._tag);
    expect(JSON.parse(got.right.text)).toEqual({ sampleEveryS: 30, unit: 'C' });
    expect(Buffer.from(got.right.content).toString()).toBe(got.right.text);
    expect(got.right).toMatchObject({
      configId: written.configId,
      signMethod: 'SHA256',
      sign: written.sign,
      source: 'get',
    });
  });

  it('should fail a get whose file does not match its digest, as a value', async () => {
    const { cloud, device } = rig;
    await cloud.setConfig(PRODUCT_KEY, 'a=1\n', { faults: { corrupt: true } });
    const got = await lastValueFrom(createRemoteConfig(device, { retry: { maxRetries: 0 } }).get());
    expect(got).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'ConfigDownloadFailure',
          error: expect.objectContaining({ name: 'DigestMismatchError' }),
        }),
      ),
    );
  });

  it('should take a pushed configuration, fetch and check it, then answer the push with 200', async () => {
    const { cloud, device } = rig;
    const pushes = firstValueFrom(createRemoteConfig(device).pushes$.pipe(take(1), toArray()));
    await subscribed(device.topics.configPush);
    const reply = firstValueFrom(cloud.configPushReplies$);
    const written = await cloud.pushConfig(PRODUCT_KEY, 'mode=eco\n');
    const [pushed] = await pushes;
    expect(pushed).toEqual(
      E.right(
        expect.objectContaining({
          configId: written.configId,
          source: 'push',
          text: 'mode=eco\n',
        }),
      ),
    );
    expect(await reply).toMatchObject({ productKey: PRODUCT_KEY, deviceName: 'dev01', code: 200 });
  });

  it('should answer a push whose file fails its check with 400, and say why on the stream', async () => {
    const { cloud, device } = rig;
    const pushes = firstValueFrom(createRemoteConfig(device, { retry: { maxRetries: 0 } }).pushes$);
    await subscribed(device.topics.configPush);
    const reply = firstValueFrom(cloud.configPushReplies$);
    await cloud.pushConfig(PRODUCT_KEY, 'mode=eco\n', { faults: { corrupt: true } });
    expect(await pushes).toEqual(E.left(expect.objectContaining({ _tag: 'ConfigDownloadFailure' })));
    expect(await reply).toMatchObject({ code: 400, message: expect.stringMatching(/SHA256 of .* expected/) });
  });

  it('should answer a push that does not decode with 460, and give the DecodeError', async () => {
    const { cloud, device } = rig;
    const pushes = firstValueFrom(createRemoteConfig(device).pushes$);
    await subscribed(device.topics.configPush);
    const reply = firstValueFrom(cloud.configPushReplies$);
    await cloud.publish(
      device.topics.configPush,
      { id: '31', version: '1.0', params: { configId: 'x' }, method: 'thing.config.push' },
      { qos: 1 },
    );
    expect(await pushes).toEqual(E.left(expect.objectContaining({ _tag: 'DecodeError' })));
    expect(await reply).toMatchObject({ id: '31', code: 460 });
  });
});
