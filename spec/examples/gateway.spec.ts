import { runExample } from '../support/runExample';

// Runs the gateway example for real, against its embedded emulator, and reads what it printed.
describe('examples/gateway', () => {
  it('should carry two sensors, a pack of their readings, a property set, and their logins again after the gateway reconnects', async () => {
    const { output, code } = await runExample('gateway.ts');
    const lines = output.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'gateway topology: sensor1, sensor2',
        'sensor1 posted temp 21.5',
        'sensor2 posted temp 19',
        'gateway packed both temps',
        'cloud sensor1 temp 22',
        'cloud sensor2 temp 23',
        'sensor2 set by the cloud: {"target":20}',
        'cloud property set on sensor2 answered 200',
        'cloud sensor1 logged out (gateway-disconnected)',
        'gateway both back',
        'cloud sensor2 logged out (logout)',
        'setup done',
      ]),
    );
    expect(lines.filter((line) => line === 'cloud sensor1 logged in')).toHaveLength(2);
    expect(code).toBe(0);
  });
});
