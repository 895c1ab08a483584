/**
 * A device that learns its thing model from the platform, against the embedded emulator:
 *
 *   npx tsx examples/thingModel.ts
 *
 * The product's TSL lives in the cloud only. The device asks for it (`thing.dsltemplate.get`), and the thing
 * model it builds from it checks every post before it is sent, decodes the cloud's property sets and serves
 * the product's service as its call type says. The cloud, through the platform's server API names, sets a
 * property and calls the service.
 */
import * as E from 'fp-ts/Either';
import { lastValueFrom, map, merge, of } from 'rxjs';
import { createDevice, createThing, fetchThingModel, parseTsl } from '../lib';
import { startEmulator, TslViolationError } from '../lib/emulator';

const identity = { productKey: 'a1Thermo001', deviceName: 'thermo1', deviceSecret: 'thermo-demo-secret' };
const log = (who: string, text: string) => console.log(`${who.padEnd(7)} ${text}`);

/** The product's thing model, as the console exports it. */
const tsl = {
  schema: 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json',
  profile: { productKey: identity.productKey },
  properties: [
    {
      identifier: 'temp',
      name: 'Temperature',
      accessMode: 'r',
      dataType: { type: 'float', specs: { min: '-40', max: '120', unit: '°C' } },
    },
    {
      identifier: 'target',
      name: 'Target',
      accessMode: 'rw',
      dataType: { type: 'float', specs: { min: '5', max: '30', unit: '°C' } },
    },
  ],
  events: [
    {
      identifier: 'overheat',
      type: 'alert',
      outputData: [{ identifier: 'temp', dataType: { type: 'float', specs: {} } }],
    },
  ],
  services: [
    {
      identifier: 'reboot',
      callType: 'sync',
      inputData: [{ identifier: 'delay', dataType: { type: 'int', specs: { min: '0', max: '60' } } }],
      outputData: [{ identifier: 'accepted', dataType: { type: 'bool', specs: { 0: 'no', 1: 'yes' } } }],
    },
  ],
};

async function main() {
  const cloud = await startEmulator({
    products: [{ productKey: identity.productKey, devices: [identity], tsl: parseTsl(tsl) }],
  });
  const device = createDevice({ ...identity, endpoint: { url: cloud.url } });
  device.start();

  const fetched = await lastValueFrom(fetchThingModel(device));
  if (E.isLeft(fetched)) throw new Error(`no thing model: ${fetched.left._tag}`);
  const model = fetched.right;
  log('device', `properties: ${Object.keys(model.properties).join(', ')}`);
  log('device', `events: ${Object.keys(model.events).join(', ')}`);
  log('device', `services: ${Object.keys(model.services).join(', ')}`);

  const thing = createThing(device, { tsl: model });
  let target = 21;
  const serving = merge(
    thing.serveProperties((values) => {
      target = Number(values['target'] ?? target);
      log('device', `target set to ${target}`);
      return of({});
    }),
    thing.serveService('reboot', (input) => {
      log('device', `reboot in ${String(input['delay'])} s`);
      return of({ accepted: 1 });
    }),
  ).subscribe();

  for (const temp of [21.5, 500]) {
    const posted = await lastValueFrom(thing.postProperties({ temp }));
    const result = E.isRight(posted)
      ? 'answered 200'
      : posted.left._tag === 'TslFailure'
        ? `refused before sending: ${posted.left.violations.map((v) => v.message).join('; ')}`
        : posted.left._tag;
    log('device', `post temp ${temp}: ${result}`);
  }
  const alert = await lastValueFrom(
    thing.postEvent('overheat', { temp: 31 }).pipe(map((r) => (E.isRight(r) ? 'answered 200' : r.left._tag))),
  );
  log('device', `event overheat: ${alert}`);
  log('cloud', `temp is ${JSON.stringify(cloud.queryDevicePropertyStatus(identity).map((p) => p.value))}`);

  const set = await cloud.setDeviceProperty(identity, { target: 23 });
  log('cloud', `SetDeviceProperty target 23: ${set.code}`);
  await cloud.setDeviceProperty(identity, { target: 99 }).catch((error: unknown) => {
    const reason = error instanceof TslViolationError ? error.message : String(error);
    log('cloud', `SetDeviceProperty target 99 refused: ${reason}`);
  });
  const called = await cloud.invokeThingService(identity, 'reboot', { delay: 5 });
  log('cloud', `InvokeThingService reboot: ${called.code} ${JSON.stringify(called.data)}`);

  serving.unsubscribe();
  await device.close();
  await cloud.close();
  log('setup', 'done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
