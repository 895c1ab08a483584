import type { DevicePacket } from '../../lib/connection/DevicePacket';
import { firstSends, replyOf } from '../../lib/alink/uplinkPackets';

const topic = '/sys/a1TestPK001/dev01/thing/event/property/post';
const publish = (direction: 'sent' | 'received', json: unknown, packetId = 1): DevicePacket => ({
  direction,
  type: 'publish',
  topic: direction === 'sent' ? topic : `${topic}_reply`,
  qos: 1,
  retain: false,
  dup: false,
  packetId,
  payload: new TextEncoder().encode(typeof json === 'string' ? json : JSON.stringify(json)),
  bytes: 1,
});
const post = (id: string, packetId?: number) =>
  publish('sent', { id, version: '1.0', method: 'thing.event.property.post', params: {} }, packetId);
const connect: DevicePacket = {
  direction: 'sent',
  type: 'connect',
  clientId: 'c',
  keepalive: 60,
  clean: true,
};
const puback = (packetId: number): DevicePacket => ({ direction: 'received', type: 'puback', packetId });

describe('replyOf', () => {
  it.each<[string, DevicePacket, ReturnType<typeof replyOf>]>([
    [
      'a reply with its id as a number',
      publish('received', { id: 7, code: 200 }),
      { id: '7', topic: `${topic}_reply` },
    ],
    ['no reply in a publish without a code', publish('received', { id: '7' }), undefined],
    ['no reply in a payload that is no JSON object', publish('received', '[1]'), undefined],
    ['no reply in a publish sent', publish('sent', { id: '7', code: 200 }), undefined],
  ])('should read %s', (_, packet, expected) => {
    expect(replyOf(packet)).toEqual(expected);
  });
});

describe('firstSends', () => {
  it.each<[string, readonly DevicePacket[], readonly (string | undefined)[]]>([
    [
      'a request sent again on the next connection before its PUBACK: a resend',
      [connect, post('1'), connect, post('1')],
      [undefined, '1', undefined, undefined],
    ],
    [
      'an id used again after its PUBACK: a new request',
      [connect, post('1'), puback(1), connect, post('1')],
      [undefined, '1', undefined, undefined, '1'],
    ],
    [
      'two requests with one id (a fixed id), both sent again on the next connection: two resends',
      [connect, post('1', 1), post('1', 2), connect, post('1', 1), post('1', 2)],
      [undefined, '1', '1', undefined, undefined, undefined],
    ],
    [
      'two requests with one id, one acknowledged, then the other sent again: a resend',
      [connect, post('1', 1), post('1', 2), puback(1), connect, post('1', 1)],
      [undefined, '1', '1', undefined, undefined, undefined],
    ],
    [
      'an id used again on the same connection: a new request',
      [connect, post('1', 1), post('1', 2)],
      [undefined, '1', '1'],
    ],
  ])('should tell %s', (_, packets, expected) => {
    const requestOf = firstSends();
    expect(packets.map((packet) => requestOf(packet)?.id)).toEqual(expected);
  });
});
