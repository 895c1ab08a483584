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
      written.push(`${now()} ${Buffer.from(chunk as Uint8Array).toString('hex')}`);
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
