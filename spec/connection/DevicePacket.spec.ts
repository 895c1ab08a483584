import type { Packet } from 'mqtt';
import { describePacket, devicePacket, type DevicePacket } from '../../lib/connection/DevicePacket';

const password = Buffer.from('5acdff46eb9e8dfb2dbde0a476822eb4e8daed39');

describe('devicePacket', () => {
  it('should show a CONNECT without its password', () => {
    const connect: Packet = {
      cmd: 'connect',
      clientId: 'c|securemode=3,signmethod=hmacsha1|',
      username: 'dev01&a1TestPK001',
      password,
      keepalive: 60,
      clean: true,
      protocolVersion: 4,
    };
    const shown = devicePacket('sent', connect);
    expect(shown).toEqual({
      direction: 'sent',
      type: 'connect',
      clientId: 'c|securemode=3,signmethod=hmacsha1|',
      username: 'dev01&a1TestPK001',
      password: '[redacted]',
      keepalive: 60,
      clean: true,
    });
    expect(describePacket(shown)).toBe(
      'sent CONNECT clientId "c|securemode=3,signmethod=hmacsha1|" username "dev01&a1TestPK001" password ' +
        '[redacted] keepalive 60 s clean true',
    );
    expect(JSON.stringify(shown)).not.toContain(password.toString());
  });

  it('should say when a CONNECT has no password', () => {
    const shown = devicePacket('sent', { cmd: 'connect', clientId: 'c', keepalive: 30, clean: false });
    expect(shown).not.toHaveProperty('password');
    expect(describePacket(shown)).toContain('password none');
  });

  it('should show a PUBLISH with its payload redacted and its size on the wire', () => {
    const payload = Buffer.from('{"deviceSecret":"s3cret"}');
    const publish: Packet = {
      cmd: 'publish',
      topic: '/ext/register',
      payload,
      qos: 1,
      messageId: 7,
      dup: false,
      retain: false,
    };
    const shown = devicePacket('received', publish);
    expect(shown).toMatchObject({ type: 'publish', topic: '/ext/register', qos: 1, packetId: 7, bytes: 25 });
    expect(Buffer.from((shown as { payload: Uint8Array }).payload).toString()).toBe(
      '{"deviceSecret":"[redacted]"}',
    );
    expect(describePacket(shown)).toBe(
      'received PUBLISH /ext/register qos 1 #7 (25 bytes) "{\\"deviceSecret\\":\\"[redacted]\\"}"',
    );
  });

  it('should give a QoS 0 PUBLISH no packet id', () => {
    const publish: Packet = { cmd: 'publish', topic: 't', payload: 'hi', qos: 0, dup: false, retain: false };
    const shown = devicePacket('sent', publish);
    expect(shown).not.toHaveProperty('packetId');
    expect(describePacket(shown)).toBe('sent PUBLISH t qos 0 (2 bytes) "hi"');
  });

  it.each<[string, Packet, DevicePacket, string]>([
    [
      'CONNACK',
      { cmd: 'connack', returnCode: 4, sessionPresent: false },
      { direction: 'received', type: 'connack', returnCode: 4, sessionPresent: false },
      'received CONNACK return code 4 session present false',
    ],
    [
      'SUBSCRIBE',
      { cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: '/a/+', qos: 1 }] },
      { direction: 'received', type: 'subscribe', packetId: 3, subscriptions: [{ filter: '/a/+', qos: 1 }] },
      'received SUBSCRIBE #3 /a/+ (qos 1)',
    ],
    [
      'SUBACK',
      { cmd: 'suback', messageId: 3, granted: [0, 128] },
      { direction: 'received', type: 'suback', packetId: 3, granted: [0, 128] },
      'received SUBACK #3 granted 0, 128',
    ],
    [
      'UNSUBSCRIBE',
      { cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['/a/+', '/b'] },
      { direction: 'received', type: 'unsubscribe', packetId: 4, filters: ['/a/+', '/b'] },
      'received UNSUBSCRIBE #4 /a/+, /b',
    ],
    [
      'PUBACK',
      { cmd: 'puback', messageId: 9 },
      { direction: 'received', type: 'puback', packetId: 9 },
      'received PUBACK #9',
    ],
    ['PINGRESP', { cmd: 'pingresp' }, { direction: 'received', type: 'pingresp' }, 'received PINGRESP'],
  ])('should show a %s', (_, packet, shown, line) => {
    expect(devicePacket('received', packet)).toEqual(shown);
    expect(describePacket(shown)).toBe(line);
  });
});
