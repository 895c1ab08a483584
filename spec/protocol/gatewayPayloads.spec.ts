import * as E from 'fp-ts/Either';
import { registrationSign } from '../../lib/identity/registrationCredentials';
import {
  CombineBatchLoginParams,
  combineBatchLoginParams,
  CombineLoginParams,
  combineLoginParams,
  ProductRegisterData,
  proxiedEntry,
  SignMethodName,
  subDeviceSign,
  TopoAddEntry,
  topoAddEntry,
  TopoChangeParams,
  topoChangeStatusName,
} from '../../lib/protocol/gatewayPayloads';

// PROTOCOL.md §7's vector.
const vector = {
  productKey: 'a1PB5fp1234',
  deviceName: '868575026974305',
  clientId: '868575026974305',
  timestamp: '1646277090411',
};

describe('gateway payloads', () => {
  it("should sign a sub-device as PROTOCOL.md's vector says", () => {
    expect(subDeviceSign('hmacmd5', '1234', vector)).toBe('3ba0dfa4c477b40c007d84d30d6466cc');
  });

  it('should sign the topology entry and the login with the same fields, leaving sign method and clean session out', () => {
    const sub = { ...vector, deviceSecret: '1234' };
    const signing = { signMethod: 'hmacmd5' as const, timestamp: 1646277090411 };
    expect(topoAddEntry(sub, signing)).toEqual({
      ...vector,
      signmethod: 'hmacmd5',
      sign: '3ba0dfa4c477b40c007d84d30d6466cc',
    });
    const login = combineLoginParams(sub, signing, false);
    expect(login).toEqual({
      ...vector,
      signMethod: 'hmacmd5',
      sign: '3ba0dfa4c477b40c007d84d30d6466cc',
      cleanSession: 'false',
    });
    expect(combineLoginParams(sub, signing, true).sign).toBe(login.sign);
    expect(combineBatchLoginParams([sub], signing, true)).toEqual({
      signMethod: 'hmacmd5',
      deviceList: [{ ...vector, sign: '3ba0dfa4c477b40c007d84d30d6466cc', cleanSession: 'true' }],
    });
  });

  it('should make the client id `${productKey}&${deviceName}` when none is given', () => {
    const entry = topoAddEntry(
      { productKey: 'a1Sub', deviceName: 's01', deviceSecret: 'x' },
      { signMethod: 'hmacsha256', timestamp: 1 },
    );
    expect(entry).toMatchObject({ clientId: 'a1Sub&s01', timestamp: '1' });
    expect(entry.sign).toBe(
      subDeviceSign('hmacsha256', 'x', {
        productKey: 'a1Sub',
        deviceName: 's01',
        clientId: 'a1Sub&s01',
        timestamp: '1',
      }),
    );
  });

  it('should read sign methods in any case and timestamps as numbers, and refuse other methods', () => {
    expect(SignMethodName.decode('hmacSha256')).toEqual(E.right('hmacsha256'));
    expect(SignMethodName.decode('HmacSHA1')).toEqual(E.right('hmacsha1'));
    expect(E.isLeft(SignMethodName.decode('sha256'))).toBe(true);
    const entry = { ...vector, timestamp: 1646277090411, signmethod: 'hmacMd5', sign: 'x' };
    expect(TopoAddEntry.decode(entry)).toEqual(E.right({ ...vector, signmethod: 'hmacmd5', sign: 'x' }));
    expect(E.isLeft(TopoAddEntry.decode({ ...entry, timestamp: 'yesterday' }))).toBe(true);
  });

  it('should read logins with or without cleanSession, and a batch with one sign method', () => {
    const login = { ...vector, signMethod: 'hmacmd5', sign: 's' };
    expect(E.isRight(CombineLoginParams.decode(login))).toBe(true);
    expect(E.isRight(CombineLoginParams.decode({ ...login, cleanSession: 'true' }))).toBe(true);
    expect(E.isLeft(CombineLoginParams.decode({ ...login, cleanSession: 'yes' }))).toBe(true);
    expect(E.isLeft(CombineLoginParams.decode({ ...login, sign: undefined }))).toBe(true);
    const batch = { signMethod: 'hmacSha1', deviceList: [{ ...vector, sign: 's' }] };
    expect(CombineBatchLoginParams.decode(batch)).toEqual(
      E.right({ signMethod: 'hmacsha1', deviceList: [{ ...vector, sign: 's' }] }),
    );
  });

  it('should sign a proxied registration as a device registers itself, and read either shape of its reply', () => {
    const sub = { productKey: 'a1Dyn', deviceName: 'p01', productSecret: 'ps' };
    expect(proxiedEntry(sub, 'hmacsha256', 'r4nd')).toEqual({
      productKey: 'a1Dyn',
      deviceName: 'p01',
      random: 'r4nd',
      signMethod: 'hmacsha256',
      sign: registrationSign({ ...sub, random: 'r4nd', signMethod: 'hmacsha256' }),
    });
    const registered = { productKey: 'a1Dyn', deviceName: 'p01', deviceSecret: 's' };
    expect(E.isRight(ProductRegisterData.decode({ successes: [registered], failures: [] }))).toBe(true);
    expect(E.isRight(ProductRegisterData.decode([registered]))).toBe(true);
    expect(
      E.isRight(
        ProductRegisterData.decode({ failures: [{ productKey: 'a1Dyn', deviceName: 'p01', code: '460' }] }),
      ),
    ).toBe(true);
    expect(E.isLeft(ProductRegisterData.decode('none'))).toBe(true);
    // Neither list: no answer, not an empty one.
    expect(E.isLeft(ProductRegisterData.decode({}))).toBe(true);
    expect(E.isLeft(ProductRegisterData.decode({ successList: [registered] }))).toBe(true);
  });

  it('should read a topology change, its status as a number or a string, and name the documented ones', () => {
    const change = { status: '1', subList: [{ productKey: 'a1Sub', deviceName: 's01', iotId: 'i' }] };
    expect(TopoChangeParams.decode(change)).toEqual(E.right({ ...change, status: 1 }));
    expect([0, 1, 2, 8, 5].map(topoChangeStatusName)).toEqual([
      'created',
      'deleted',
      'enabled',
      'disabled',
      undefined,
    ]);
    expect(E.isLeft(TopoChangeParams.decode({ status: 1 }))).toBe(true);
  });
});
