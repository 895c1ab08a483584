import { mqttCredentials, type CredentialsInput } from '../../lib/identity/mqttCredentials';
import { signContent } from '../../lib/identity/signContent';

const example1: CredentialsInput = {
  productKey: 'pk',
  deviceName: 'device',
  deviceSecret: 'secret',
  clientId: '12345',
  signMethod: 'hmacsha1',
  timestamp: 789,
};

const testDevice = {
  productKey: 'a1TestPK001',
  deviceName: 'dev01',
  deviceSecret: '0123456789abcdef0123456789abcdef',
};

describe('mqttCredentials', () => {
  it('should give Example 1 of PROTOCOL.md §1 in full', () => {
    expect(mqttCredentials(example1)).toEqual({
      clientId: '12345|securemode=3,signmethod=hmacsha1,timestamp=789|',
      username: 'device&pk',
      password: 'fafd82a3d602b37fb0fa8b7892f24a477f851a14',
    });
  });

  it('should sign the same timestamp given as a string', () => {
    expect(mqttCredentials({ ...example1, timestamp: '789' })).toEqual(mqttCredentials(example1));
  });

  it('should leave the timestamp out of the clientId and the content when there is none', () => {
    expect(mqttCredentials({ ...testDevice, clientId: 'myClient01', signMethod: 'hmacsha256' })).toEqual({
      clientId: 'myClient01|securemode=3,signmethod=hmacsha256|',
      username: 'dev01&a1TestPK001',
      password: '039d38b56063af9fe3c86d07b14e96234193b0e02b56be2d251c66d2a9e0eaaa',
    });
  });

  it('should sign with hmacsha256 by default and always announce the method', () => {
    const credentials = mqttCredentials({ ...testDevice, clientId: 'myClient01' });
    expect(credentials.clientId).toBe('myClient01|securemode=3,signmethod=hmacsha256|');
    expect(credentials.password).toBe('039d38b56063af9fe3c86d07b14e96234193b0e02b56be2d251c66d2a9e0eaaa');
  });

  it.each<[CredentialsInput['signMethod'], string]>([
    ['hmacmd5', '18ff32d0640c602a51e5bdd0a2400b8e'],
    ['hmacsha1', '5acdff46eb9e8dfb2dbde0a476822eb4e8daed39'],
    ['hmacsha256', 'c54dda9eb3fd268bbf401a8d0f2b6a07f9e95ab1f08474d2de3d186058201cb5'],
  ])('should sign by %s with the method it announces', (signMethod, password) => {
    const input = { ...testDevice, clientId: 'a1TestPK001&dev01', timestamp: 1700000000000, signMethod };
    expect(mqttCredentials(input)).toEqual({
      clientId: `a1TestPK001&dev01|securemode=3,signmethod=${signMethod},timestamp=1700000000000|`,
      username: 'dev01&a1TestPK001',
      password,
    });
  });

  it.each<[CredentialsInput['secureMode'], string]>([
    [2, '12345|securemode=2,signmethod=hmacsha1,timestamp=789|'],
    [3, '12345|securemode=3,signmethod=hmacsha1,timestamp=789|'],
    [-2, '12345|securemode=-2,signmethod=hmacsha1,timestamp=789|'],
  ])('should announce securemode %d without changing the password', (secureMode, clientId) => {
    expect(mqttCredentials({ ...example1, secureMode })).toEqual({
      clientId,
      username: 'device&pk',
      password: 'fafd82a3d602b37fb0fa8b7892f24a477f851a14',
    });
  });

  it('should put extra parameters in the clientId but not in the sign content', () => {
    expect(mqttCredentials({ ...example1, extra: { ext: '1' } })).toEqual({
      clientId: '12345|securemode=3,signmethod=hmacsha1,timestamp=789,ext=1|',
      username: 'device&pk',
      password: 'fafd82a3d602b37fb0fa8b7892f24a477f851a14',
    });
  });

  it('should use `${productKey}.${deviceName}` as the default clientId, in the clientId and the content', () => {
    const { clientId: _, ...withoutClientId } = example1;
    expect(mqttCredentials(withoutClientId)).toEqual({
      clientId: 'pk.device|securemode=3,signmethod=hmacsha1,timestamp=789|',
      username: 'device&pk',
      password: signContent('hmacsha1', 'secret', {
        clientId: 'pk.device',
        deviceName: 'device',
        productKey: 'pk',
        timestamp: '789',
      }),
    });
  });

  it('should not keep the secret in the credentials', () => {
    expect(JSON.stringify(mqttCredentials(example1))).not.toContain('secret');
  });
});
