import { runExample } from '../support/runExample';

// Runs the thing-model example for real, against its embedded emulator, and reads what it printed.
describe('examples/thingModel', () => {
  it('should fetch the thing model from the cloud and be checked, set and called by it', async () => {
    const { output, code } = await runExample('thingModel.ts');
    const lines = output.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'device properties: temp, target',
      'device events: overheat',
      'device services: reboot',
      'device post temp 21.5: answered 200',
      'device post temp 500: refused before sending: at temp: 500 is above the max 120',
      'device event overheat: answered 200',
      'cloud temp is [21.5]',
      'device target set to 23',
      'cloud SetDeviceProperty target 23: 200',
      'cloud SetDeviceProperty target 99 refused: refused by the thing model: at target: 99 is above the max 30',
      'device reboot in 5 s',
      'cloud InvokeThingService reboot: 200 {"accepted":1}',
      'setup done',
      '',
    ]);
    expect(code).toBe(0);
  });
});
