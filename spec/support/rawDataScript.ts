// Test support (not a spec): a pass-through product's data-parsing script, as a console user would submit it
// (ECMAScript 5), for a small binary protocol of the tests' own. Each frame is a command byte, the Alink id as
// 4 bytes (big-endian), then the command's fields:
// - 0x00 property post: temp (int16), on (1 byte);     0x02 its reply: code (uint16)
// - 0x01 property set: temp (int16);                   0x03 its answer: code (uint16)
// - 0x05 service reboot: delay (1 byte);               0x06 its answer: code (uint16)
// - 0xfd makes the script throw, 0xfe gives no method, 0xfc gives no object.
export const RAW_DATA_SCRIPT = `
function u32(b, at) {
  return (b[at] & 0xff) * 16777216 + ((b[at + 1] & 0xff) << 16) + ((b[at + 2] & 0xff) << 8) + (b[at + 3] & 0xff);
}
function i16(b, at) {
  var v = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  return v > 32767 ? v - 65536 : v;
}
function rawDataToProtocol(bytes) {
  var command = bytes[0] & 0xff;
  var id = String(u32(bytes, 1));
  if (command === 0x00) {
    return { id: id, version: '1.0', method: 'thing.event.property.post',
      params: { temp: i16(bytes, 5), on: bytes[7] & 0xff } };
  }
  if (command === 0x03 || command === 0x06) {
    return { id: id, code: ((bytes[5] & 0xff) << 8) | (bytes[6] & 0xff), data: {}, version: '1.0' };
  }
  if (command === 0xfd) throw new Error('frame 0xfd');
  if (command === 0xfe) return { id: id, version: '1.0', params: {} };
  return 'no object';
}
function protocolToRawData(json) {
  var id = Number(json.id);
  var frame = [0, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff];
  if (json.code !== undefined) {
    frame[0] = 0x02;
    return frame.concat([(json.code >> 8) & 0xff, json.code & 0xff]);
  }
  if (json.method === 'thing.service.property.set') {
    frame[0] = 0x01;
    return frame.concat([(json.params.temp >> 8) & 0xff, json.params.temp & 0xff]);
  }
  if (json.method === 'thing.service.reboot') {
    frame[0] = 0x05;
    return frame.concat([json.params.delay]);
  }
  return 'no bytes';
}
`;

/** The 4 bytes of an id, big-endian. */
const idBytes = (id: number) => [(id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff];

/** A property post of the script's protocol. */
export const rawPost = (id: number, temp: number, on: 0 | 1) =>
  Buffer.from([0x00, ...idBytes(id), (temp >> 8) & 0xff, temp & 0xff, on]);

/** A frame with a command and a code (the answers 0x02, 0x03 and 0x06). */
export const rawAnswer = (command: number, id: number, code: number) =>
  Buffer.from([command, ...idBytes(id), (code >> 8) & 0xff, code & 0xff]);

/** A frame of only a command and an id (0xfc, 0xfd, 0xfe). */
export const rawCommand = (command: number, id: number) => Buffer.from([command, ...idBytes(id)]);

/** The id of a frame. */
export const rawId = (frame: Buffer) => frame.readUInt32BE(1);
