import type { MqttClient } from 'mqtt';
import { Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { delayPingResponses } from '../../lib/emulator/delayPingResponses';
import { DEV01, deviceHarness, whenClosed } from './deviceHarness';

const PINGRESP = Buffer.from([0xd0, 0x00]);
const PUBACK = Buffer.from([0x40, 0x02, 0x00, 0x01]);

/** A connection that records its writes, with the virtual time of each. */
function connection(now: () => number) {
  const written: string[] = [];
  const conn = {
    destroyed: false,
    writable: true,
    write: (chunk: unknown) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
      written.push(`${now()} ${bytes.toString('hex')}`);
      return true;
    },
  };
  return { conn, written };
}

describe('delayPingResponses', () => {
  it('should hold each PINGRESP for the delay it reads at the write, and let every other write through', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ flush }) => {
      const { conn, written } = connection(() => scheduler.now());
      let delayMs = 30;
      const timers = new Subscription();
      delayPingResponses(conn, () => delayMs, timers);
      conn.write(PINGRESP);
      conn.write(PUBACK);
      flush();
      delayMs = 0;
      conn.write(PINGRESP);
      expect(written).toEqual(['0 40020001', '30 d000', '30 d000']);
    });
  });

  it('should hold only a whole PINGRESP, not the bytes d0 00 written as a piece of another packet', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ flush }) => {
      const { conn, written } = connection(() => scheduler.now());
      delayPingResponses(conn, () => 30, new Subscription());
      // As mqtt-packet writes them: a QoS 1 PUBLISH with packet id 53248 and the payload d0 00, its PUBACK,
      // then a PINGRESP. Each piece apart: the header, the remaining length, the topic's length, the topic
      // (a string), the packet id, the payload.
      const pieces = ['32', '07', '0001', 'a', 'd000', 'd000', '40', '02', 'd000', 'd000'];
      for (const piece of pieces) conn.write(piece === 'a' ? piece : Buffer.from(piece, 'hex'));
      flush();
      expect(written).toEqual([
        ...pieces.slice(0, -1).map((piece) => `0 ${piece === 'a' ? '61' : piece}`),
        '30 d000',
      ]);
    });
  });

  it('should not write a PINGRESP to a connection closed meanwhile, nor one whose timers were dropped', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ flush }) => {
      const { conn, written } = connection(() => scheduler.now());
      const timers = new Subscription();
      delayPingResponses(conn, () => 10, timers);
      conn.write(PINGRESP);
      conn.destroyed = true;
      flush();
      conn.destroyed = false;
      conn.write(PINGRESP);
      timers.unsubscribe();
      flush();
      expect(written).toEqual([]);
    });
  });
});

describe('Emulator.setDeviceLatency: pingResponseMs', () => {
  const harness = deviceHarness();
  afterEach(() => harness.cleanup());

  /** The order in which the answers to a PINGREQ and a QoS 1 PUBLISH sent right after it come back. */
  function answers(client: MqttClient): Promise<string[]> {
    return new Promise((resolve) => {
      const seen: string[] = [];
      const heard = (packet: { cmd: string }) => {
        if (packet.cmd !== 'pingresp' && packet.cmd !== 'puback') return;
        seen.push(packet.cmd);
        if (seen.length < 2) return;
        client.off('packetreceive', heard);
        resolve(seen);
      };
      client.on('packetreceive', heard);
      client.sendPing();
      client.publish('/a1TestPK001/dev01/user/update', 'x', { qos: 1 });
    });
  }

  it('should answer PINGREQs late while told to, on this connection and the next, and on time again after', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    expect(await answers(client)).toEqual(['pingresp', 'puback']);
    emulator.setDeviceLatency(DEV01, { pingResponseMs: 300 });
    expect(await answers(client)).toEqual(['puback', 'pingresp']);
    await client.endAsync();
    const next = await harness.connectDevice(emulator);
    expect(await answers(next)).toEqual(['puback', 'pingresp']);
    emulator.setDeviceLatency(DEV01, {});
    expect(await answers(next)).toEqual(['pingresp', 'puback']);
    expect(() => emulator.setDeviceLatency(DEV01, { pingResponseMs: -1 })).toThrow(RangeError);
  });

  it('should deliver a PUBLISH whose payload is the bytes of a PINGRESP, and those after it, while PINGRESPs are held', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    const topic = '/a1TestPK001/dev01/user/get';
    await client.subscribeAsync(topic);
    emulator.setDeviceLatency(DEV01, { pingResponseMs: 300 });
    const heard: string[] = [];
    const answered = new Promise<void>((resolve) =>
      client.on('packetreceive', (packet) => {
        heard.push(packet.cmd === 'publish' ? Buffer.from(packet.payload).toString('hex') : packet.cmd);
        if (packet.cmd === 'pingresp') resolve();
      }),
    );
    await emulator.publish(topic, Buffer.from([0xd0, 0x00]));
    await emulator.publish(topic, Buffer.from('after'));
    client.sendPing();
    await answered;
    // Held, the PINGRESP comes after all that was written before it, and no byte of those is held with it.
    expect(heard).toEqual(['d000', Buffer.from('after').toString('hex'), 'pingresp']);
    expect(client.connected).toBe(true);
  });

  it('should close with a PINGRESP still held, dropping it', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    emulator.setDeviceLatency(DEV01, { pingResponseMs: 60_000 });
    const heard: string[] = [];
    client.on('packetreceive', (packet) => heard.push(packet.cmd));
    client.sendPing();
    await client.publishAsync('/a1TestPK001/dev01/user/update', 'x', { qos: 1 });
    const closed = whenClosed(client);
    await emulator.close();
    await closed;
    expect(heard).toEqual(['puback']);
  });
});
