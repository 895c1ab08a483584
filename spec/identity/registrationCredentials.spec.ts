import {
  httpsRegistrationForm,
  registrationCredentials,
  registrationEndpoint,
  registrationSign,
  tokenCredentials,
  type RegistrationEndpoint,
} from '../../lib/identity/registrationCredentials';
import type { Endpoint } from '../../lib/identity/resolveEndpoint';
import { REGISTRATION_VECTOR_DEVICE, REGISTRATION_VECTORS } from '../support/registrationVectors';

const device = REGISTRATION_VECTOR_DEVICE;

describe('registrationSign', () => {
  it.each(REGISTRATION_VECTORS)('should sign random %s with %s as %s', (random, signMethod, expected) => {
    expect(registrationSign({ ...device, random, signMethod })).toBe(expected);
  });

  it('should sign with hmacsha256 by default', () => {
    expect(registrationSign({ ...device, random: '1700000000000' })).toBe(
      '433e46d0a9952d295cda4c7acd49e00f4b4caaf6c1cb5011d44f99c83492745d',
    );
  });
});

describe('registrationCredentials', () => {
  it.each<[string, Parameters<typeof registrationCredentials>[0], string, string]>([
    [
      'a pre-registered device on a legacy instance',
      { ...device, random: '8Ygb7ULYh53B6OA', signMethod: 'hmacsha1', authType: 'register', secureMode: 2 },
      'a1TestPK001.dev01|securemode=2,authType=register,random=8Ygb7ULYh53B6OA,signmethod=hmacsha1|',
      'f8cfc9ecd573bbc22db88ec4ca675ae7f3ebbb99',
    ],
    [
      'a pre-registered device on a new instance',
      {
        ...device,
        random: '1700000000000',
        authType: 'register',
        secureMode: -2,
        instanceId: 'iot-06z00ab12cd34ef',
        clientId: 'SN0001',
      },
      'SN0001|securemode=-2,authType=register,random=1700000000000,signmethod=hmacsha256,instanceId=iot-06z00ab12cd34ef|',
      '433e46d0a9952d295cda4c7acd49e00f4b4caaf6c1cb5011d44f99c83492745d',
    ],
    [
      'a device that was not pre-registered',
      { ...device, random: '8Ygb7ULYh53B6OA', signMethod: 'hmacmd5', authType: 'regnwl', secureMode: -2 },
      'a1TestPK001.dev01|securemode=-2,authType=regnwl,random=8Ygb7ULYh53B6OA,signmethod=hmacmd5|',
      '4eaa0afd4bf7bb236512b672f1cac1ce',
    ],
  ])('should give the CONNECT fields of %s', (_, input, clientId, password) => {
    expect(registrationCredentials(input)).toEqual({ clientId, username: 'dev01&a1TestPK001', password });
  });

  it('should never send the productSecret', () => {
    const credentials = registrationCredentials({
      ...device,
      random: 'r1',
      authType: 'register',
      secureMode: 2,
    });
    expect(JSON.stringify(credentials)).not.toContain(device.productSecret);
  });
});

describe('tokenCredentials', () => {
  it('should log in with the token as it is, authType=connwl', () => {
    expect(
      tokenCredentials({
        productKey: 'a1TestPK001',
        deviceName: 'dev01',
        clientId: 'cid01',
        deviceToken: 'tok',
      }),
    ).toEqual({
      clientId: 'cid01|securemode=-2,authType=connwl|',
      username: 'dev01&a1TestPK001',
      password: 'tok',
    });
  });
});

describe('httpsRegistrationForm', () => {
  it('should carry the five fields, the sign from the vectors', () => {
    const form = new URLSearchParams(
      httpsRegistrationForm({ ...device, random: '8Ygb7ULYh53B6OA', signMethod: 'hmacsha1' }),
    );
    expect(Object.fromEntries(form)).toEqual({
      productKey: 'a1TestPK001',
      deviceName: 'dev01',
      random: '8Ygb7ULYh53B6OA',
      sign: 'f8cfc9ecd573bbc22db88ec4ca675ae7f3ebbb99',
      signMethod: 'hmacsha1',
    });
  });

  it('should escape what needs it', () => {
    const form = httpsRegistrationForm({ ...device, deviceName: 'dev:01@x', random: 'r' });
    expect(form).toContain('deviceName=dev%3A01%40x');
  });
});

describe('registrationEndpoint', () => {
  it.each<[Endpoint, 'register' | 'regnwl' | 'https', RegistrationEndpoint]>([
    [
      { region: 'cn-shanghai' },
      'register',
      { url: 'mqtts://a1TestPK001.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', secureMode: 2 },
    ],
    [
      { region: 'cn-shanghai' },
      'regnwl',
      { url: 'mqtts://a1TestPK001.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', secureMode: -2 },
    ],
    [
      { region: 'ap-southeast-1' },
      'https',
      { url: 'https://iot-auth.ap-southeast-1.aliyuncs.com', secureMode: 2 },
    ],
    [
      { instanceId: 'iot-06z00ab12cd34ef' },
      'register',
      {
        url: 'mqtts://iot-06z00ab12cd34ef.mqtt.iothub.aliyuncs.com:8883',
        secureMode: -2,
        instanceId: 'iot-06z00ab12cd34ef',
      },
    ],
    [
      { instanceId: 'iot-06z00ab12cd34ef' },
      'https',
      {
        url: 'https://iot-06z00ab12cd34ef.auth.iothub.aliyuncs.com',
        secureMode: -2,
        instanceId: 'iot-06z00ab12cd34ef',
      },
    ],
    [{ url: 'mqtts://127.0.0.1:8883' }, 'register', { url: 'mqtts://127.0.0.1:8883', secureMode: 2 }],
    [{ url: 'wss://127.0.0.1:8084/mqtt' }, 'regnwl', { url: 'wss://127.0.0.1:8084/mqtt', secureMode: -2 }],
  ])('should register %j with %s at %j', (endpoint, method, expected) => {
    expect(registrationEndpoint(endpoint, 'a1TestPK001', method)).toEqual(expected);
  });
});
