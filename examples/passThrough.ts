/**
 * A device of a pass-through ("custom" data format) product, against the embedded emulator:
 *
 *   npx tsx examples/passThrough.ts
 *
 * The device speaks a few bytes of its own, not Alink JSON. The product's data-parsing script, the same
 * JavaScript one submits in the console, turns them into Alink and back in the emulator, so the cloud keeps
 * the device's temperature and sets its target through the platform's server API names as for any device.
 */
import * as E from 'fp-ts/Either';
import { lastValueFrom } from 'rxjs';
import { createDevice, createRawData } from '../lib';
import { startEmulator } from '../lib/emulator';

const identity = { productKey: 'a1Raw000001', deviceName: 'thermo1', deviceSecret: 'raw-demo-secret' };
const log = (who: string, text: string) => console.log(`${who.padEnd(7)} ${text}`);

// Each frame: a command byte, the Alink id in 4 bytes, then a value. 0x00 posts the temperature (tenths of a
// degree, 2 bytes), 0x01 sets the target likewise; 0x02 and 0x03 answer them with a code (2 bytes).
const script = `
function id(bytes) {
  return String(((bytes[1] & 0xff) << 24 >>> 0) + ((bytes[2] & 0xff) << 16) + ((bytes[3] & 0xff) << 8) + (bytes[4] & 0xff));
}
function word(bytes) {
  var value = ((bytes[5] & 0xff) << 8) | (bytes[6] & 0xff);
  return value > 32767 ? value - 65536 : value;
}
function rawDataToProtocol(bytes) {
  if ((bytes[0] & 0xff) === 0x00) {
    return { id: id(bytes), version: '1.0', method: 'thing.event.property.post', params: { temp: word(bytes) / 10 } };
  }
  return { id: id(bytes), version: '1.0', code: word(bytes), data: {} };
}
function protocolToRawData(json) {
  var n = Number(json.id);
  var head = [0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  var value = json.code !== undefined ? json.code : Math.round(json.params.target * 10);
  head[0] = json.code !== undefined ? 0x02 : 0x01;
  return head.concat([(value >> 8) & 0xff, value & 0xff]);
}
`;

/** A frame of the device's protocol. */
const frame = (command: number, id: number, value: number) => {
  const bytes = Buffer.alloc(7);
  bytes[0] = command;
  bytes.writeUInt32BE(id, 1);
  bytes.writeInt16BE(value, 5);
  return bytes;
};

async function main() {
  const cloud = await startEmulator({
    products: [{ productKey: identity.productKey, devices: [identity], dataParser: script }],
  });
  const device = createDevice({ ...identity, endpoint: { url: cloud.url } });
  device.start();
  const raw = createRawData(device);

  // The device answers a target set with 0x03 and code 200, in its own bytes.
  const serving = raw
    .serve(({ payload }) => {
      log('device', `target set to ${payload.readInt16BE(5) / 10}, bytes ${payload.toString('hex')}`);
      return frame(0x03, payload.readUInt32BE(1), 200);
    })
    .subscribe();

  const post = frame(0x00, 1, 215);
  const answered = await lastValueFrom(
    raw.request(post, { matches: (reply) => reply.readUInt32BE(1) === 1 }),
  );
  if (E.isLeft(answered)) throw new Error(`no answer: ${answered.left._tag}`);
  log('device', `posted ${post.toString('hex')}, answered ${answered.right.toString('hex')}`);
  const [temp] = cloud.queryDevicePropertyStatus(identity);
  log('cloud', `temp is ${String(temp?.value)}`);

  const set = await cloud.setDeviceProperty(identity, { target: 19.5 });
  log('cloud', `SetDeviceProperty target 19.5: ${set.code}`);

  serving.unsubscribe();
  await device.close();
  await cloud.close();
  log('setup', 'done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
