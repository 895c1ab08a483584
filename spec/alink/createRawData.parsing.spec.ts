// Both ends of the pass-through data format: a device's createRawData against the emulator running the
// product's data-parsing script, so that every cloud service answers the device in its own bytes.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createRawData } from '../../lib/alink/createRawData';
import { platformErrors } from '../../lib/alink/platformErrors';
import { ReplyError } from '../../lib/alink/ReplyError';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { ReplyTimeoutError, type Emulator } from '../../lib/emulator';
import { ALINK_CODES } from '../../lib/protocol';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import {
  DEVICE_NAME,
  DEVICE_SECRET,
  PRODUCT_KEY,
  emulatorDevice,
  type EmulatorDevice,
} from '../support/emulatorDevice';
import { gatewayEmulator, SENSOR, type GatewayEmulator } from '../support/gatewayEmulator';
import { RAW_DATA_SCRIPT, rawAnswer, rawCommand, rawId, rawPost } from '../support/rawDataScript';

const target = { productKey: PRODUCT_KEY, deviceName: DEVICE_NAME };
const tsl = parseTsl({
  properties: [
    { identifier: 'temp', accessMode: 'rw', dataType: { type: 'int', specs: { min: '-40', max: '120' } } },
    { identifier: 'on', accessMode: 'rw', dataType: { type: 'bool', specs: { '0': 'off', '1': 'on' } } },
  ],
  services: [
    {
      identifier: 'reboot',
      callType: 'sync',
      inputData: [{ identifier: 'delay', dataType: { type: 'int', specs: { min: '0', max: '60' } } }],
      outputData: [],
    },
  ],
});

/** Resolves once the emulator has the device's subscriptions to every one of `filters`. */
const subscribed = (rig: EmulatorDevice, ...filters: string[]) => subscribedOn(rig.cloud, filters);

function subscribedOn(cloud: Emulator, filters: readonly string[]): Promise<unknown> {
  const seen = new Set<string>();
  return firstValueFrom(
    cloud.events$.pipe(
      filter((e) => {
        if (e.type === 'subscribe') e.filters.forEach((f) => seen.add(f));
        return filters.every((f) => seen.has(f));
      }),
    ),
  );
}

describe('createRawData against the emulator running the data-parsing script', () => {
  let rig: EmulatorDevice;
  const serving: Subscription[] = [];

  beforeEach(async () => {
    rig = await emulatorDevice({
      products: [
        {
          productKey: PRODUCT_KEY,
          devices: [{ deviceName: DEVICE_NAME, deviceSecret: DEVICE_SECRET }],
          dataParser: RAW_DATA_SCRIPT,
          tsl,
        },
      ],
    });
  });
  afterEach(async () => {
    serving.splice(0).forEach((s) => s.unsubscribe());
    await rig.close();
  });

  it('should post properties as bytes, get the answer in bytes, and leave the values with the cloud', async () => {
    const raw = createRawData(rig.device);
    const posted = await lastValueFrom(raw.request(rawPost(7, 21, 1), { matches: (r) => rawId(r) === 7 }));
    expect(posted).toEqual(E.right(rawAnswer(0x02, 7, 200)));
    expect(rig.cloud.queryDevicePropertyStatus(target)).toMatchObject([
      { identifier: 'temp', value: 21, dataType: 'int' },
      { identifier: 'on', value: 1, dataType: 'bool' },
    ]);
    // A value the thing model refuses is answered with its code, in bytes.
    const refused = await lastValueFrom(raw.request(rawPost(8, 200, 0), { matches: (r) => rawId(r) === 8 }));
    expect(refused).toEqual(E.right(rawAnswer(0x02, 8, ALINK_CODES.invalidParameter)));
  });

  it('should hear on /ext/error what the script cannot parse', async () => {
    const ready = subscribed(rig, rig.device.topics.error);
    const errors = firstValueFrom(platformErrors(rig.device));
    await ready;
    await lastValueFrom(createRawData(rig.device).post(rawCommand(0xfd, 9)));
    expect(await errors).toEqual(
      E.right({
        _tag: 'PlatformError',
        topic: rig.device.topics.error,
        code: ALINK_CODES.parseScriptError,
        message: 'rawDataToProtocol failed: Error: frame 0xfd',
      }),
    );
  });

  it("should serve the cloud's property set and sync service call, answering in bytes", async () => {
    const raw = createRawData(rig.device);
    const { topics } = rig.device;
    const ready = subscribed(rig, topics.downRaw, topics.extRrpc('+', topics.downRaw));
    const asked: Buffer[] = [];
    const outcomes: ServeOutcome[] = [];
    serving.push(
      raw
        .serve(({ payload }) => {
          asked.push(payload);
          return rawAnswer(payload[0] === 0x01 ? 0x03 : 0x06, rawId(payload), 200);
        })
        .subscribe((o) => outcomes.push(o)),
    );
    await ready;
    const set = await rig.cloud.setDeviceProperty(target, { temp: -5 });
    const call = await rig.cloud.invokeThingService(target, 'reboot', { delay: 3 });
    expect(set).toMatchObject({ code: 200 });
    expect(call).toMatchObject({ code: 200 });
    expect(asked).toEqual([
      Buffer.concat([rawCommand(0x01, Number(set.id)), Buffer.from([0xff, 0xfb])]),
      Buffer.concat([rawCommand(0x05, Number(call.id)), Buffer.from([3])]),
    ]);
    // The async set is numbered by the serve; the sync call has its RRPC message id.
    expect(outcomes).toEqual([
      expect.objectContaining({ _tag: 'Answered', id: '1', topic: rig.device.topics.downRaw }),
      expect.objectContaining({ _tag: 'Answered', id: call.id }),
    ]);
  });

  it('should let a set the device does not answer time out in the cloud', async () => {
    const raw = createRawData(rig.device);
    const ready = subscribed(rig, rig.device.topics.downRaw);
    const outcomes: ServeOutcome[] = [];
    serving.push(
      raw.serve(() => Promise.reject(new ReplyError(100001, 'busy'))).subscribe((o) => outcomes.push(o)),
    );
    await ready;
    const set = rig.cloud.setDeviceProperty(target, { temp: 1 }, { timeoutMs: 300 });
    await expect(set).rejects.toThrow(ReplyTimeoutError);
    expect(outcomes).toEqual([expect.objectContaining({ _tag: 'Failed', code: 100001, message: 'busy' })]);
  });
});

describe('createRawData for a raw sub-device behind a JSON gateway, the emulator running its script', () => {
  let rig: GatewayEmulator;
  let cloud: Emulator;
  const running: Subscription[] = [];

  beforeEach(async () => {
    rig = await gatewayEmulator({ dataParser: RAW_DATA_SCRIPT });
    cloud = rig.cloud;
  });

  afterEach(async () => {
    running.splice(0).forEach((s) => s.unsubscribe());
    await rig.close();
  });

  it('should post, and be set and called (sync), in its bytes', async () => {
    const sub = await rig.loggedIn();
    const raw = createRawData(sub);
    const post = await lastValueFrom(raw.request(rawPost(5, 21, 1), { matches: (r) => rawId(r) === 5 }));
    expect(post).toEqual(E.right(rawAnswer(0x02, 5, 200)));

    const { downRaw } = sub.topics;
    const ready = subscribedOn(cloud, [downRaw, sub.topics.extRrpc('+', downRaw)]);
    running.push(
      raw
        .serve(({ payload }) => rawAnswer(payload[0] === 0x01 ? 0x03 : 0x06, rawId(payload), 200))
        .subscribe(),
    );
    await ready;
    await expect(cloud.setDeviceProperty(SENSOR, { temp: 3 }, { timeoutMs: 3000 })).resolves.toMatchObject({
      code: 200,
    });
    await expect(
      cloud.invokeThingService(SENSOR, 'reboot', { delay: 1 }, { callType: 'sync', timeoutMs: 3000 }),
    ).resolves.toMatchObject({ code: 200 });
  });
});
