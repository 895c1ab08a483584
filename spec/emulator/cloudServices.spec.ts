// System RRPC and OTA push, played by the emulator against a raw MQTT.js device.
import { DeviceOfflineError, EmulatorClosedError, RrpcTimeoutError } from '../../lib/emulator';
import { DEV01, DEV02, PK, deviceHarness, nextMessage } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

describe('cloudServices', () => {
  describe('rrpc', () => {
    it('should send a request and resolve with the response', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      client.on('message', (topic, payload) => {
        const request = JSON.parse(payload.toString()) as { method: string };
        client.publish(topic.replace('/rrpc/request/', '/rrpc/response/'), `${request.method}:pong`);
      });
      const response = await emulator.rrpc(DEV01, { method: 'ping' });
      expect(response).toEqual(Buffer.from('ping:pong'));
    });

    it('should call a custom topic over /ext/rrpc/ and resolve with what the device answers on it', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const asked: string[] = [];
      client.on('message', (topic, payload) => {
        asked.push(topic);
        client.publish(topic, `${payload.toString()}:pong`);
      });
      const response = await emulator.rrpc(DEV01, 'ping', { topic: `/${PK}/dev01/user/get` });
      expect(response).toEqual(Buffer.from('ping:pong'));
      expect(asked).toEqual([expect.stringMatching(new RegExp(`^/ext/rrpc/\\d+/${PK}/dev01/user/get$`))]);
    });

    it('should use a fresh digit messageId per call', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const ids: string[] = [];
      client.on('message', (topic) => {
        ids.push(topic.split('/').pop() ?? '');
        client.publish(topic.replace('/rrpc/request/', '/rrpc/response/'), 'ok');
      });
      await emulator.rrpc(DEV01, 'a');
      await emulator.rrpc(DEV01, 'b');
      expect(ids).toHaveLength(2);
      expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('should reject on timeout when the device does not answer', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const request = nextMessage(client);
      await expect(emulator.rrpc(DEV01, 'hello', { timeoutMs: 50 })).rejects.toBeInstanceOf(RrpcTimeoutError);
      expect((await request).payload.toString()).toBe('hello');
    });

    it('should reject at once for a device that is not online', async () => {
      const emulator = await harness.start();
      await harness.connectDevice(emulator);
      await expect(emulator.rrpc(DEV02, 'hello')).rejects.toBeInstanceOf(DeviceOfflineError);
    });

    it('should reject when the emulator closes', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const request = nextMessage(client);
      const call = emulator.rrpc(DEV01, 'hello', { timeoutMs: 60000 });
      await request;
      await emulator.close();
      await expect(call).rejects.toBeInstanceOf(EmulatorClosedError);
    });

    it('should reject a call made after close', async () => {
      const emulator = await harness.start();
      await harness.connectDevice(emulator);
      await emulator.close();
      await expect(emulator.rrpc(DEV01, 'hello')).rejects.toBeInstanceOf(EmulatorClosedError);
      await expect(emulator.pushOta(DEV01, { version: '1' })).rejects.toBeInstanceOf(EmulatorClosedError);
    });
  });

  describe('pushOta', () => {
    it('should publish the OTA push of PROTOCOL §4 at QoS 1', async () => {
      const emulator = await harness.start();
      const client = await harness.connectDevice(emulator);
      const topic = `/ota/device/upgrade/${PK}/dev01`;
      await client.subscribeAsync(topic, { qos: 1 });
      const message = nextMessage(client);
      await emulator.pushOta(DEV01, {
        version: '2.0.0',
        url: 'https://x/fw.bin',
        size: 10,
        md5: 'abc',
        module: 'MCU',
      });
      const { topic: got, qos, payload } = await message;
      expect({ got, qos }).toEqual({ got: topic, qos: 1 });
      expect(JSON.parse(payload.toString())).toEqual({
        code: '1000',
        id: expect.stringMatching(/^\d+$/) as unknown as string,
        message: 'success',
        data: {
          size: 10,
          version: '2.0.0',
          url: 'https://x/fw.bin',
          md5: 'abc',
          sign: 'abc',
          signMethod: 'MD5',
          module: 'MCU',
        },
      });
    });
  });
});
