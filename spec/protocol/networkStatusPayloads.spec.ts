import * as E from 'fp-ts/Either';
import { NETWORK_STATUS_MODELS, NetworkStatusParams, networkStatusRequest } from '../../lib/protocol';

// The docs' examples (device network status, doc 140585).
const wifi = { rssi: 75, snr: 20, per: 10, err_stats: '10,02,01;10,05,01' };
const sample = { wifi, _time: 1566432629000 };

describe('NetworkStatusParams', () => {
  it.each<[string, unknown, unknown]>([
    ['the docs’ current reading', { p: sample, model: 'quantity=single|format=simple|time=now' }, undefined],
    ['the docs’ history', { p: [sample], model: 'format=simple|quantity=batch|time=history' }, undefined],
    [
      'a reading without errors or time',
      { p: { wifi: { rssi: -50, snr: 3, per: 0 } }, model: 'x' },
      undefined,
    ],
    [
      'numbers as strings',
      { p: { wifi: { rssi: '-50', snr: '3', per: '0' }, _time: '5' }, model: 'x' },
      { p: { wifi: { rssi: -50, snr: 3, per: 0 }, _time: 5 }, model: 'x' },
    ],
  ])('should take %s', (_, params, decoded) => {
    expect(NetworkStatusParams.decode(params)).toEqual(E.right(decoded ?? params));
  });

  it.each<[string, unknown]>([
    ['no wifi', { p: { _time: 1 }, model: 'x' }],
    ['no rssi', { p: { wifi: { snr: 1, per: 1 } }, model: 'x' }],
    ['rssi that is no number', { p: { wifi: { rssi: 'strong', snr: 1, per: 1 } }, model: 'x' }],
    ['no model', { p: sample }],
  ])('should refuse %s', (_, params) => {
    expect(E.isLeft(NetworkStatusParams.decode(params))).toBe(true);
  });
});

describe('networkStatusRequest', () => {
  it('should write one reading as now and several as history, with no method', () => {
    expect(networkStatusRequest('123', sample)).toEqual({
      id: '123',
      version: '1.0',
      params: { p: sample, model: NETWORK_STATUS_MODELS.now },
    });
    const history = networkStatusRequest('124', [sample, sample]);
    expect(history.params.model).toBe(NETWORK_STATUS_MODELS.history);
    expect(history).not.toHaveProperty('method');
    expect(NetworkStatusParams.decode(history.params)).toEqual(E.right(history.params));
  });
});
