// What `nvitop -1` asks NVML, counted by the fake library: the table reads each value once per
// GPU, never the PCIe throughput (the driver samples it over ~20 ms per GPU), and only the clocks
// its bars can show: none below 100 columns, the SM clock (UTL bar) in one column of bars, the SM
// and memory clocks (UTL and MBW bars) in two.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario, readCallCounts } from '../helpers/fake-nvml.js';
import { runNvitop } from './nvitop-run.js';

const scenario = loadScenario('eight-gpu');
const gpus = scenario.devices.length;

async function counts(columns: string): Promise<Record<string, number>> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nvitop-calls-')), 'counts.json');
  const result = await runNvitop(['-1'], fakeNvmlEnv(scenario, { COLUMNS: columns, NVITOP_FAKE_NVML_COUNTS: file }));
  expect(result.code).toBe(0);
  return readCallCounts(file);
}

describe('NVML calls of nvitop -1 on eight GPUs', () => {
  it('79 columns: no clocks, no PCIe throughput, each shown value once per GPU', async () => {
    const calls = await counts('79');
    expect(calls.nvmlDeviceGetClockInfo ?? 0).toBe(0);
    expect(calls.nvmlDeviceGetPcieThroughput ?? 0).toBe(0);
    for (const name of ['nvmlDeviceGetMemoryInfo_v2', 'nvmlDeviceGetUtilizationRates', 'nvmlDeviceGetTemperatureV', 'nvmlDeviceGetPowerUsage', 'nvmlDeviceGetName']) {
      expect([name, calls[name]]).toEqual([name, gpus]);
    }
  });

  it('120 columns (one column of bars): the SM clock of the UTL bar, nothing more', async () => {
    const calls = await counts('120');
    expect(calls.nvmlDeviceGetClockInfo).toBe(gpus);
    expect(calls.nvmlDeviceGetMaxClockInfo ?? 0).toBe(0);
    expect(calls.nvmlDeviceGetPcieThroughput ?? 0).toBe(0);
  });

  it('200 columns: the SM and memory clocks of the bars, nothing more', async () => {
    const calls = await counts('200');
    expect(calls.nvmlDeviceGetClockInfo).toBe(2 * gpus);
    expect(calls.nvmlDeviceGetMaxClockInfo ?? 0).toBe(0);
    expect(calls.nvmlDeviceGetPcieThroughput ?? 0).toBe(0);
  });
});
