import {
  describeCloudPublish,
  describedSafely,
  describeEmulatorEvent,
  describeReceived,
} from '../../lib/emulator/describeEmulatorEvent';
import type { EmulatorEvent } from '../../lib/emulator/emulatorEvent';

const device = { productKey: 'a1TestPK001', deviceName: 'dev01', clientId: 'a1TestPK001.dev01' };

describe('describeEmulatorEvent', () => {
  it.each<[EmulatorEvent, string]>([
    [{ type: 'connect', device }, 'a1TestPK001/dev01 connected as client a1TestPK001.dev01'],
    [
      {
        type: 'sub-device-login',
        gateway: device,
        device: { productKey: 'a1Sub', deviceName: 's01', clientId: 'a1Sub&s01' },
      },
      'a1Sub/s01 logged in through gateway a1TestPK001/dev01 as client a1Sub&s01',
    ],
    [
      {
        type: 'sub-device-logout',
        gateway: device,
        device: { productKey: 'a1Sub', deviceName: 's01', clientId: 'a1Sub&s01' },
        reason: 'gateway-disconnected',
      },
      'a1Sub/s01 logged out of gateway a1TestPK001/dev01 (gateway-disconnected)',
    ],
    [
      {
        type: 'topology',
        gateway: device,
        change: 'added',
        devices: [
          { productKey: 'a1Sub', deviceName: 's01' },
          { productKey: 'a1Sub', deviceName: 's02' },
        ],
      },
      'added a1Sub/s01, a1Sub/s02 to the topology of gateway a1TestPK001/dev01',
    ],
    [
      {
        type: 'topology',
        gateway: device,
        change: 'removed',
        devices: [{ productKey: 'a1Sub', deviceName: 's01' }],
      },
      'removed a1Sub/s01 from the topology of gateway a1TestPK001/dev01',
    ],
    [
      {
        type: 'refused',
        reason: 'bad-signature',
        returnCode: 4,
        clientId: 'c|securemode=3|',
        username: 'dev01&a1',
      },
      'refused client "c|securemode=3|" username "dev01&a1": bad-signature (CONNACK 4)',
    ],
    [
      { type: 'refused', reason: 'malformed-client-id', returnCode: 4, clientId: 'x', username: undefined },
      'refused client "x" username undefined: malformed-client-id (CONNACK 4)',
    ],
    [{ type: 'disconnect', device, reason: 'kicked' }, 'a1TestPK001/dev01 disconnected (kicked)'],
    [
      { type: 'subscribe', device, filters: ['/a1TestPK001/dev01/user/get', '/other'], granted: [1, 128] },
      'a1TestPK001/dev01 subscribed /a1TestPK001/dev01/user/get (qos 1), /other (refused)',
    ],
    [{ type: 'unsubscribe', device, filters: ['/x', '/y'] }, 'a1TestPK001/dev01 unsubscribed /x, /y'],
    [
      { type: 'kicked', device, byClientId: 'second' },
      'a1TestPK001/dev01 kicked off by a new login as client second',
    ],
    [
      { type: 'violation', device, reason: 'topic-not-allowed', topic: '/sys/other/dn/x', action: 'closed' },
      'a1TestPK001/dev01 broke a rule on /sys/other/dn/x: topic-not-allowed; disconnecting it',
    ],
    [
      { type: 'violation', device, reason: 'not-publishable', topic: '/broadcast/pk/1', action: 'dropped' },
      'a1TestPK001/dev01 broke a rule on /broadcast/pk/1: not-publishable; dropped the message',
    ],
    [
      { type: 'subscription-refused', device, filter: '/sys/pk/dn/x', reason: 'not-subscribable' },
      'a1TestPK001/dev01 may not subscribe to /sys/pk/dn/x: not-subscribable',
    ],
    [
      { type: 'registered', device: { productKey: 'a1TestPK001', deviceName: 'dev01' }, method: 'register' },
      'a1TestPK001/dev01 registered (register)',
    ],
    [
      { type: 'registration-refused', method: 'https', reason: 'bad-signature' },
      'refused an HTTPS registration: bad-signature',
    ],
    [
      { type: 'thing', device, method: 'thing.event.property.post', id: '12', code: 200 },
      'a1TestPK001/dev01 thing.event.property.post #12 answered 200',
    ],
    [
      {
        type: 'thing',
        device,
        method: 'thing.event.property.post',
        id: '13',
        code: 460,
        violations: [{ path: 'temp', rule: 'max', message: 'at temp: 130 is over the maximum 120' }],
      },
      'a1TestPK001/dev01 thing.event.property.post #13 answered 460: at temp: 130 is over the maximum 120',
    ],
    [
      { type: 'thing', device, method: 'thing.event.property.post', id: '14' },
      'a1TestPK001/dev01 thing.event.property.post #14 not answered (ack 0)',
    ],
    [
      {
        type: 'compression',
        device,
        code: 200,
        uplink: ['/sys/a1TestPK001/dev01/thing/event/property/post'],
        downlink: [],
      },
      'a1TestPK001/dev01 compression declared: uplink /sys/a1TestPK001/dev01/thing/event/property/post; downlink none',
    ],
    [
      {
        type: 'compression',
        device,
        code: 460,
        uplink: [],
        downlink: ['/sys/a1TestPK001/dev01/thing/service/+'],
        message:
          'request parameter error: "/sys/a1TestPK001/dev01/thing/service/+" is no complete topic (no wildcards)',
      },
      'a1TestPK001/dev01 compression refused 460: request parameter error: "/sys/a1TestPK001/dev01/thing/service/+" is no complete topic (no wildcards)',
    ],
    [
      {
        type: 'decompression-failed',
        device,
        topic: '/a1TestPK001/dev01/user/update',
        reason: 'not-gzip',
        bytes: 12,
      },
      'a1TestPK001/dev01 sent 12 bytes on /a1TestPK001/dev01/user/update that did not gunzip (not-gzip): dropped',
    ],
    [
      {
        type: 'diagnostic',
        device,
        diagnostic: {
          kind: 'alert',
          item: 'uplink',
          level: 'warning',
          elapsedMs: 700,
          messageId: '12',
          utcTime: 't',
          receivedAt: 1,
        },
      },
      'a1TestPK001/dev01 diag uplink warning: Alink message 12 waited 700 ms',
    ],
    [
      {
        type: 'diagnostic',
        device,
        diagnostic: {
          kind: 'alert',
          item: 'connect',
          level: 'fatal',
          elapsedMs: 500,
          utcTime: 't',
          receivedAt: 1,
        },
      },
      'a1TestPK001/dev01 diag connect fatal: took 500 ms',
    ],
    [
      {
        type: 'diagnostic',
        device,
        diagnostic: {
          kind: 'summary',
          item: 'heartbeat',
          level: 'warning',
          count: 3,
          periodMs: 30000,
          utcTime: 't',
          receivedAt: 1,
        },
      },
      'a1TestPK001/dev01 diag heartbeat warning: 3 more alerts in 30000 ms',
    ],
    [
      {
        type: 'diagnostic',
        device,
        diagnostic: {
          kind: 'network-status',
          samples: [{ wifi: { rssi: 75, snr: 20, per: 10, err_stats: '10,02,01' }, _time: 1 }],
          model: 'quantity=single|format=simple|time=now',
          receivedAt: 1,
        },
      },
      'a1TestPK001/dev01 network status rssi 75 snr 20 per 10 errors 10,02,01',
    ],
    [
      {
        type: 'diagnostic',
        device,
        diagnostic: {
          kind: 'network-status',
          samples: [],
          model: 'format=simple|quantity=batch|time=history',
          receivedAt: 1,
        },
      },
      'a1TestPK001/dev01 network status: 0 readings (format=simple|quantity=batch|time=history)',
    ],
    [
      {
        type: 'call',
        call: 'rrpc',
        device,
        topic: '/sys/a1TestPK001/dev01/rrpc/request/1',
        outcome: 'timeout',
        durationMs: 8000,
      },
      'cloud rrpc to a1TestPK001/dev01 on /sys/a1TestPK001/dev01/rrpc/request/1: timeout after 8000 ms',
    ],
    [
      {
        type: 'raw-data',
        device,
        topic: '/sys/a1TestPK001/dev01/thing/model/up_raw',
        json: { id: '15', method: 'thing.event.property.post', params: { temp: 1 } },
      },
      'a1TestPK001/dev01 data parsing on /sys/a1TestPK001/dev01/thing/model/up_raw: thing.event.property.post #15',
    ],
    [
      {
        type: 'raw-data',
        device,
        topic: '/sys/a1TestPK001/dev01/thing/model/down_raw_reply',
        json: { id: '16', code: 200, data: {} },
      },
      'a1TestPK001/dev01 data parsing on /sys/a1TestPK001/dev01/thing/model/down_raw_reply: a reply 200 #16',
    ],
    [
      {
        type: 'raw-data',
        device,
        topic: '/sys/a1TestPK001/dev01/thing/model/up_raw',
        json: { method: 'thing.event.property.post', params: {} },
      },
      'a1TestPK001/dev01 data parsing on /sys/a1TestPK001/dev01/thing/model/up_raw: thing.event.property.post',
    ],
    [{ type: 'lifecycle', device, change: 'disabled' }, 'a1TestPK001/dev01 disabled in the console'],
    [
      {
        type: 'raw-data',
        device,
        topic: '/sys/a1TestPK001/dev01/thing/model/up_raw',
        code: 26002,
        message: 'rawDataToProtocol failed: Error: x',
      },
      'a1TestPK001/dev01 data parsing on /sys/a1TestPK001/dev01/thing/model/up_raw failed (26002): rawDataToProtocol failed: Error: x',
    ],
  ])('should describe %j', (event, line) => {
    expect(describeEmulatorEvent(event)).toBe(line);
  });
});

describe('describeReceived', () => {
  it('should name the device, the topic and the size, and preview the payload redacted', () => {
    const payload = Buffer.from('{"id":"1","params":{"sign":"abc"}}');
    expect(describeReceived({ ...device, topic: '/t', qos: 1, payload })).toBe(
      'a1TestPK001/dev01 published on /t qos 1 (34 bytes) "{\\"id\\":\\"1\\",\\"params\\":{\\"sign\\":\\"[redacted]\\"}}"',
    );
  });
});

describe('describeCloudPublish', () => {
  it('should give the topic, QoS and size', () => {
    expect(describeCloudPublish('/t', Buffer.from('hi'), 0)).toBe(
      'cloud published on /t qos 0 (2 bytes) "hi"',
    );
  });
});

describe('describedSafely', () => {
  it('should give the line, or say that it could not be written when describing throws', () => {
    expect(describedSafely(() => 'a line')).toBe('a line');
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(describedSafely(() => JSON.stringify(cycle))).toBe(
      '(an event that could not be described: TypeError)',
    );
  });
});
