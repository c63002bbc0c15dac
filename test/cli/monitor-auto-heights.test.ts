// The monitor's `auto` mode switches panels between full and compact at the heights nvitop 1.7.0
// uses (MainScreen.update_size): with n GPUs, m MIG devices on k MIG-enabled GPUs, P process rows
// on D GPUs, the device panel takes 4 + 2(n + 1) + m + k rows compact and n + 1 more full, the
// host panel 2 or 12, the process panel 1 + max(6, 5 + P + D − 1); the device panel goes compact
// below full + full + full, the host panel below compact + full + full, the process panel below
// compact + compact + full. The thresholds are computed here from the scenario, and the monitor
// is shown one row above and below each of them (tmux).
import { resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, type FakeDevice } from '../helpers/fake-nvml.js';
import { TmuxSession } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const scenario = loadScenario('mig');

const migOn = (d: FakeDevice): boolean => (typeof d.migMode === 'number' ? d.migMode === 1 : d.migMode?.current === 1) && (d.migDevices ?? []).length > 0;
const n = scenario.devices.length;
const m = scenario.devices.reduce((sum, d) => sum + (migOn(d) ? d.migDevices!.length : 0), 0);
const k = scenario.devices.filter(migOn).length;
let processRows = 0;
let devicesWithProcesses = 0;
for (const d of scenario.devices) {
  const leaves = migOn(d) ? d.migDevices! : [d];
  const counts = leaves.map((leaf) => new Set([...(leaf.computeProcesses ?? []), ...(leaf.graphicsProcesses ?? [])].map((p) => p.pid)).size);
  const sum = counts.reduce((a, b) => a + b, 0);
  processRows += sum;
  if (sum > 0) devicesWithProcesses += 1;
}
const deviceCompact = 4 + 2 * (n + 1) + m + k;
const deviceFull = deviceCompact + n + 1;
const processFull = 1 + Math.max(6, 5 + processRows + devicesWithProcesses - 1);
const allFull = deviceFull + 12 + processFull;
const hostFull = deviceCompact + 12 + processFull;
const processFullFits = deviceCompact + 2 + processFull;

interface Forms {
  device: 'full' | 'compact';
  host: 'full' | 'compact';
  process: 'full' | 'compact';
}

function formsOf(lines: readonly string[]): Forms {
  const processes = lines.findIndex((line) => line.includes('Processes:'));
  return {
    device: lines.some((line) => line.includes('Persistence-M')) ? 'full' : 'compact',
    host: lines.some((line) => line.startsWith('│ Load Average:')) ? 'full' : 'compact',
    // Full: a line between the GPUs' processes.
    process: lines.slice(processes).some((line) => /^├─+┤$/.test(line)) ? 'full' : 'compact',
  };
}

describe("auto mode switches at nvitop's heights", () => {
  const sessions: TmuxSession[] = [];
  afterAll(() => {
    for (const session of sessions) session.kill();
  });

  it('the thresholds of this scenario are what the formula gives (2 GPUs, 3 MIG devices on 1, 5 processes on 2)', () => {
    expect([n, m, k, processRows, devicesWithProcesses]).toEqual([2, 3, 1, 5, 2]);
    expect([allFull, hostFull, processFullFits]).toEqual([41, 38, 28]);
  });

  it.each([
    [allFull, { device: 'full', host: 'full', process: 'full' }],
    [allFull - 1, { device: 'compact', host: 'full', process: 'full' }],
    [hostFull, { device: 'compact', host: 'full', process: 'full' }],
    [hostFull - 1, { device: 'compact', host: 'compact', process: 'full' }],
    [processFullFits, { device: 'compact', host: 'compact', process: 'full' }],
    [processFullFits - 1, { device: 'compact', host: 'compact', process: 'compact' }],
  ] as [number, Forms][])('%i rows: %o', async (rows, forms) => {
    const env = fakeNvmlEnv(scenario);
    const session = new TmuxSession({
      columns: 100,
      rows,
      cwd: ROOT,
      command: ['node', 'bin/nvitop.js'],
      env: { NVITOP_NVML_LIBRARY: env.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: env.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '' },
    });
    sessions.push(session);
    const same = (lines: string[]): boolean => JSON.stringify(formsOf(lines)) === JSON.stringify(forms);
    // Wait for the process rows (the first frame has none), then for the forms to be right.
    await session.waitFor((lines) => lines.some((line) => line.includes('No Such Process') || /^│ +\d+:?\d* +\d+ /.test(line)), 'the process rows');
    const screen = await session.waitFor(same, 'the expected forms', 5_000).catch(() => session.screen());
    expect(formsOf(screen)).toEqual(forms);
  });
});
