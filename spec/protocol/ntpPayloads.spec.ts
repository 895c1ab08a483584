import * as E from 'fp-ts/Either';
import { NtpResponse, ntpRequestPayload, ntpResponsePayload, ntpSample } from '../../lib/protocol';

describe('ntpSample', () => {
  it('should give the time of the PROTOCOL.md §4 vector, with its offset and round trip', () => {
    const response = {
      deviceSendTime: 1571724098000,
      serverRecvTime: 1571724098110,
      serverSendTime: 1571724098115,
    };
    expect(ntpSample(response, 1571724098373)).toEqual({
      platformTime: 1571724098299,
      offsetMs: -74,
      roundTripMs: 368,
    });
  });

  it.each([
    [0, 0, 0, 0, { platformTime: 0, offsetMs: 0, roundTripMs: 0 }],
    // A device 1 s behind, 100 ms each way, 10 ms in the server.
    [1000, 2100, 2110, 1210, { platformTime: 2210, offsetMs: 1000, roundTripMs: 200 }],
  ])('should solve send %p, server %p–%p, receive %p', (dSend, sRecv, sSend, dRecv, expected) => {
    expect(ntpSample({ deviceSendTime: dSend, serverRecvTime: sRecv, serverSendTime: sSend }, dRecv)).toEqual(
      expected,
    );
  });
});

describe('NtpResponse', () => {
  it.each<[string, unknown]>([
    [
      'strings',
      { deviceSendTime: '1571724098000', serverRecvTime: '1571724098110', serverSendTime: '1571724098115' },
    ],
    [
      'numbers',
      { deviceSendTime: 1571724098000, serverRecvTime: 1571724098110, serverSendTime: 1571724098115 },
    ],
    [
      'both',
      { deviceSendTime: '1571724098000', serverRecvTime: 1571724098110, serverSendTime: '1571724098115' },
    ],
  ])('should decode times as %s', (_, payload) => {
    expect(NtpResponse.decode(payload)).toEqual(
      E.right({
        deviceSendTime: 1571724098000,
        serverRecvTime: 1571724098110,
        serverSendTime: 1571724098115,
      }),
    );
  });

  it.each<unknown>([{}, { deviceSendTime: '1', serverRecvTime: 'x', serverSendTime: '2' }, null])(
    'should refuse %p',
    (payload) => {
      expect(E.isLeft(NtpResponse.decode(payload))).toBe(true);
    },
  );
});

describe('ntp payload builders', () => {
  it('should send times as strings of digits, as the platform documents them', () => {
    expect(ntpRequestPayload(1571724098000)).toEqual({ deviceSendTime: '1571724098000' });
    expect(ntpResponsePayload({ deviceSendTime: 1, serverRecvTime: 2, serverSendTime: 3 })).toEqual({
      deviceSendTime: '1',
      serverRecvTime: '2',
      serverSendTime: '3',
    });
  });
});
