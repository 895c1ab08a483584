// The emulator's NTP service against a raw MQTT.js device.
import { PK, deviceHarness, nextMessage } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

describe('serveNtp', () => {
  it('should answer a request with the time sent back and its clock, as strings', async () => {
    let now = 5000;
    const emulator = await harness.start({ clock: () => (now += 5) });
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`/ext/ntp/${PK}/dev01/response`);
    const answer = nextMessage(client);
    await client.publishAsync(`/ext/ntp/${PK}/dev01/request`, JSON.stringify({ deviceSendTime: 1234 }));
    const { topic, payload } = await answer;
    expect(topic).toBe(`/ext/ntp/${PK}/dev01/response`);
    expect(JSON.parse(payload.toString())).toEqual({
      deviceSendTime: '1234',
      serverRecvTime: '5005',
      serverSendTime: '5010',
    });
  });

  it('should not answer a request that does not decode', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    await client.subscribeAsync(`/ext/ntp/${PK}/dev01/response`);
    const answers: string[] = [];
    client.on('message', (_topic, payload) => answers.push(payload.toString()));
    await client.publishAsync(`/ext/ntp/${PK}/dev01/request`, '{"deviceSendTime":"soon"}');
    await client.publishAsync(`/ext/ntp/${PK}/dev01/request`, JSON.stringify({ deviceSendTime: '1' }));
    await new Promise((resolve) => client.once('message', resolve));
    expect(answers.map((a) => (JSON.parse(a) as { deviceSendTime: string }).deviceSendTime)).toEqual(['1']);
  });
});
