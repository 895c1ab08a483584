import {
  authenticateDevice,
  deviceDirectory,
  parseClientId,
  parseUsername,
  type ConnectFields,
} from '../../lib/emulator/authenticateDevice';
import type { Transport } from '../../lib/emulator/transport';
import { signContent } from '../../lib/identity/signContent';

const directory = deviceDirectory([
  {
    productKey: 'a1TestPK001',
    devices: [{ deviceName: 'dev01', deviceSecret: '0123456789abcdef0123456789abcdef' }],
  },
  { productKey: 'pk', devices: [{ deviceName: 'device', deviceSecret: 'secret' }] },
]);

const vectorConnect = (signmethod: string, password: string): ConnectFields => ({
  clientId: `a1TestPK001&dev01|securemode=3,signmethod=${signmethod},timestamp=1700000000000|`,
  username: 'dev01&a1TestPK001',
  password: Buffer.from(password),
  keepalive: 60,
  transport: 'mqtt',
});

describe('authenticateDevice', () => {
  // Passwords are the independent vectors of PROTOCOL.md §1, not recomputed here.
  it.each([
    ['hmacmd5', '18ff32d0640c602a51e5bdd0a2400b8e'],
    ['hmacsha1', '5acdff46eb9e8dfb2dbde0a476822eb4e8daed39'],
    ['hmacsha256', 'c54dda9eb3fd268bbf401a8d0f2b6a07f9e95ab1f08474d2de3d186058201cb5'],
    ['hmacsha1', '5ACDFF46EB9E8DFB2DBDE0A476822EB4E8DAED39'],
  ])('should accept %s with a timestamp (password %s)', (method, password) => {
    expect(authenticateDevice(directory, vectorConnect(method, password))).toEqual({
      _tag: 'Accepted',
      device: { productKey: 'a1TestPK001', deviceName: 'dev01' },
      clientId: 'a1TestPK001&dev01',
    });
  });

  it.each([
    [
      'myClient01|securemode=3,signmethod=hmacsha256|',
      'dev01&a1TestPK001',
      '039d38b56063af9fe3c86d07b14e96234193b0e02b56be2d251c66d2a9e0eaaa',
    ],
    [
      '12345|securemode=3,signmethod=hmacsha1,timestamp=789|',
      'device&pk',
      'fafd82a3d602b37fb0fa8b7892f24a477f851a14',
    ],
    [
      '12345|signmethod=hmacsha256,timestamp=789,securemode=3|',
      'device&pk',
      '6074a46a91b1ebb2cc4ea42790ad0e80202c9843859fc292e57c4eb19fad9e57',
    ],
  ])('should accept clientId %s', (clientId, username, password) => {
    const connect = { clientId, username, password, keepalive: 60, transport: 'mqtt' } as const;
    expect(authenticateDevice(directory, connect)._tag).toBe('Accepted');
  });

  // securemode follows the transport (PROTOCOL.md §1): 2 over TLS and wss, 3 over TCP and ws; -2 only for
  // registration and token logins.
  const md5 = (securemode: string): Partial<ConnectFields> => ({
    clientId: `12345|signmethod=hmacmd5,timestamp=789,ext=1,securemode=${securemode}|`,
    username: 'device&pk',
    password: '14b198324fe55e1d3c88f2e705e201ee',
  });
  it.each<[Transport, string, string]>([
    ['mqtt', '3', 'Accepted'],
    ['ws', '3', 'Accepted'],
    ['mqtts', '2', 'Accepted'],
    ['wss', '2', 'Accepted'],
    ['mqtt', '2', 'secure-mode-mismatch'],
    ['ws', '2', 'secure-mode-mismatch'],
    ['mqtts', '3', 'secure-mode-mismatch'],
    ['wss', '3', 'secure-mode-mismatch'],
    ['mqtts', '-2', 'secure-mode-mismatch'],
    ['mqtt', '-2', 'secure-mode-mismatch'],
    ['mqtts', '1', 'secure-mode-mismatch'],
  ])('should, over %s with securemode=%s, answer %s', (transport, securemode, outcome) => {
    const auth = authenticateDevice(directory, { ...good, ...md5(securemode), transport });
    expect(auth._tag === 'Accepted' ? 'Accepted' : auth).toEqual(
      outcome === 'Accepted' ? 'Accepted' : { _tag: 'Refused', reason: outcome, returnCode: 2 },
    );
  });

  it('should refuse a login without securemode', () => {
    const clientId = '12345|signmethod=hmacmd5,timestamp=789|';
    expect(authenticateDevice(directory, { ...good, ...md5('3'), clientId })).toMatchObject({
      reason: 'secure-mode-mismatch',
    });
  });

  it.each([
    [64, 'Accepted'],
    [65, 'client-id-too-long'],
  ])('should, for a clientId of %i characters, answer %s', (length, outcome) => {
    const id = 'c'.repeat(length);
    const password = signContent('hmacsha1', 'secret', {
      clientId: id,
      deviceName: 'device',
      productKey: 'pk',
    });
    const connect = {
      ...good,
      clientId: `${id}|securemode=3,signmethod=hmacsha1|`,
      username: 'device&pk',
      password,
    };
    const auth = authenticateDevice(directory, connect);
    expect(auth._tag === 'Accepted' ? 'Accepted' : auth).toEqual(
      outcome === 'Accepted' ? 'Accepted' : { _tag: 'Refused', reason: outcome, returnCode: 2 },
    );
  });

  const good = vectorConnect('hmacsha1', '5acdff46eb9e8dfb2dbde0a476822eb4e8daed39');
  it.each<[string, Partial<ConnectFields>, string, number]>([
    ['a wrong secret', { password: '0000ff46eb9e8dfb2dbde0a476822eb4e8daed39' }, 'bad-signature', 4],
    ['no password', { password: undefined }, 'bad-signature', 4],
    ['a shorter password', { password: '5acdff46' }, 'bad-signature', 4],
    [
      'a timestamp other than the one signed',
      { clientId: good.clientId.replace('1700000000000', '1700000000001') },
      'bad-signature',
      4,
    ],
    [
      'a clientId other than the one signed',
      { clientId: good.clientId.replace('&dev01', '&dev02') },
      'bad-signature',
      4,
    ],
    ['an unknown device', { username: 'dev99&a1TestPK001' }, 'unknown-device', 4],
    ['an unknown product', { username: 'dev01&a1OtherPK' }, 'unknown-device', 4],
    ['a username without &', { username: 'dev01a1TestPK001' }, 'bad-username', 4],
    ['a username with an empty part', { username: 'dev01&' }, 'bad-username', 4],
    ['no username', { username: undefined }, 'bad-username', 4],
    ['a clientId without |…|', { clientId: 'a1TestPK001&dev01' }, 'malformed-client-id', 4],
    [
      'a clientId without the closing |',
      { clientId: 'a1TestPK001&dev01|signmethod=hmacsha1' },
      'malformed-client-id',
      4,
    ],
    [
      'no signmethod',
      { clientId: 'a1TestPK001&dev01|securemode=3,timestamp=1700000000000|' },
      'unknown-sign-method',
      4,
    ],
    [
      'signmethod hmacsha512',
      { clientId: 'x|securemode=3,signmethod=hmacsha512|' },
      'unknown-sign-method',
      4,
    ],
    ['keepalive 10', { keepalive: 10 }, 'keepalive-out-of-range', 2],
    ['keepalive 29', { keepalive: 29 }, 'keepalive-out-of-range', 2],
    ['keepalive 0', { keepalive: 0 }, 'keepalive-out-of-range', 2],
    ['keepalive 1201', { keepalive: 1201 }, 'keepalive-out-of-range', 2],
  ])('should refuse %s', (_, change, reason, returnCode) => {
    expect(authenticateDevice(directory, { ...good, ...change })).toEqual({
      _tag: 'Refused',
      reason,
      returnCode,
    });
  });

  it.each([30, 1200])('should accept keepalive %i', (keepalive) => {
    expect(authenticateDevice(directory, { ...good, keepalive })._tag).toBe('Accepted');
  });
});

describe('parseClientId', () => {
  it.each([
    ['a|securemode=3,signmethod=hmacsha1|', { id: 'a', params: { securemode: '3', signmethod: 'hmacsha1' } }],
    ['a&b|x=1,y=|', { id: 'a&b', params: { x: '1', y: '' } }],
    ['|signmethod=hmacmd5|', { id: '', params: { signmethod: 'hmacmd5' } }],
    ['a||', { id: 'a', params: {} }],
    ['a|junk,k=v=w|', { id: 'a', params: { k: 'v=w' } }],
    ['a', undefined],
    ['a|', undefined],
    ['a|k=v', undefined],
  ])('should parse %s', (raw, expected) => {
    expect(parseClientId(raw)).toEqual(expected);
  });
});

describe('parseUsername', () => {
  it.each([
    ['dev01&pk', { deviceName: 'dev01', productKey: 'pk' }],
    ['a&b&pk', { deviceName: 'a&b', productKey: 'pk' }],
    ['&pk', undefined],
    ['dev01&', undefined],
    ['dev01', undefined],
    [undefined, undefined],
  ])('should parse %s', (raw, expected) => {
    expect(parseUsername(raw)).toEqual(expected);
  });
});
