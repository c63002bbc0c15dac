// `nvitop --json`: one JSON document, parsed back and checked against the scenario and /proc,
// with NA as null and the command line's filters applied.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario, withPids, type FakeScenario } from '../helpers/fake-nvml.js';
import { ROOT, killAll, runNvitop, spawnSleepers } from './nvitop-run.js';

type Json = Record<string, unknown>;
let children: ChildProcess[] = [];
let scenario: FakeScenario;
beforeAll(() => {
  children = spawnSleepers(9, { tag: 'json-job' });
  scenario = withPids(loadScenario('eight-gpu'), children.map((c) => c.pid as number));
});
afterAll(() => killAll(children));

async function json(args: string[], env: NodeJS.ProcessEnv): Promise<{ doc: Json; stderr: string; code: number }> {
  const { stdout, stderr, code } = await runNvitop(['--json', ...args], env);
  return { doc: JSON.parse(stdout) as Json, stderr, code };
}

describe('--json', () => {
  it('eight GPUs: versions, every device with the scenario values, processes with host facts', async () => {
    const before = Date.now();
    const { doc, stderr, code } = await json([], fakeNvmlEnv(scenario));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string }).version;
    expect(doc).toMatchObject({ schemaVersion: 1, version, driverVersion: '560.35.03', cudaDriverVersion: '12.6', missingFunctions: [], invalidIndices: [] });
    expect(doc.timestamp as number).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(doc.time as string).getTime()).toBe(doc.timestamp);
    const host = doc.host as Json;
    expect(host.username).toBe(userInfo().username);
    expect(typeof host.cpuPercent).toBe('number');
    expect((host.virtualMemory as Json).total).toBeGreaterThan(0);

    const devices = doc.devices as Json[];
    expect(devices).toHaveLength(8);
    devices.forEach((device, index) => {
      const gpu = scenario.devices[index]!;
      expect(device).toMatchObject({
        index,
        displayIndex: `${index}`,
        kind: 'physical',
        isMigDevice: false,
        name: gpu.name,
        uuid: gpu.uuid,
        memoryTotal: gpu.memory!.total,
        memoryUsed: gpu.memory!.used,
        temperature: gpu.temperature,
        powerUsage: gpu.powerUsage ?? null,
        gpuUtilization: gpu.utilization?.gpu ?? null,
        migDevices: [],
      });
      // Every snapshot field is there (the table's light snapshot is not used for JSON).
      for (const key of ['busId', 'pcieTxThroughput', 'clockInfos', 'maxClockInfos', 'encoderUtilization', 'cudaComputeCapability', 'serial']) {
        expect(device, key).toHaveProperty(key);
      }
      expect(device.fanSpeed).toBe(gpu.fanSpeed ?? null);
    });
    expect(devices[0]!.pcieTxThroughput).toBe(scenario.devices[0]!.pcie?.tx ?? null);

    const processes = doc.processes as Json[];
    const listed = scenario.devices.reduce((n, gpu) => n + new Set([...(gpu.computeProcesses ?? []), ...(gpu.graphicsProcesses ?? [])].map((p) => p.pid)).size, 0);
    expect(processes).toHaveLength(listed);
    for (const process of processes) {
      expect(children.map((c) => c.pid)).toContain(process.pid);
      expect(process).toMatchObject({ isRunning: true, username: userInfo().username, hostInfoHidden: false });
      expect(process.cmdline).toEqual([expect.stringMatching(/node$/), '-e', 'setTimeout(() => {}, 120000)', expect.stringMatching(/^json-job-\d$/)]);
      expect(typeof process.cpuPercent).toBe('number');
      expect(typeof process.runningTime).toBe('number');
      expect(['C', 'G', 'C+G']).toContain(process.type);
    }
  });

  it('filters apply; invalid -o indices are listed and make the exit status 1', async () => {
    const { doc, stderr, code } = await json(['-o', '7', '11', '-G'], fakeNvmlEnv(scenario));
    expect(code).toBe(1);
    expect(stderr).toBe('ERROR: Invalid device index: 11.\n');
    expect((doc.devices as Json[]).map((d) => d.index)).toEqual([7]);
    expect(doc.invalidIndices).toEqual([11]);
    const processes = doc.processes as Json[];
    expect(processes.map((p) => p.type)).toEqual(['G', 'G']);
    expect(processes.every((p) => p.deviceIndex === '7')).toBe(true);
  });

  it('MIG devices are nested under their parent; unknown values are null', async () => {
    const mig = loadScenario('mig');
    const { doc, code } = await json([], fakeNvmlEnv('mig'));
    expect(code).toBe(0);
    const [gpu0, gpu1] = doc.devices as Json[];
    expect(gpu0!.migMode).toBe('Enabled');
    expect(gpu1!.migMode).toBe('Disabled');
    const migs = gpu0!.migDevices as Json[];
    expect(migs.map((m) => m.displayIndex)).toEqual(mig.devices[0]!.migDevices!.map((_, i) => `0:${i}`));
    expect(migs.map((m) => m.gpuInstanceId)).toEqual(mig.devices[0]!.migDevices!.map((m) => m.gpuInstanceId));
    expect(migs[0]!).toMatchObject({ isMigDevice: true, kind: 'mig', index: [0, 0], fanSpeed: null, migMode: null });
    const nullMemory = (doc.processes as Json[]).find((p) => p.deviceIndex === '0:0');
    expect(nullMemory).toMatchObject({ gpuMemory: null, gpuMemoryHuman: null, username: null, isRunning: false });
  });

  it('old GPU: what the driver cannot answer is null, never a string', async () => {
    const { doc } = await json([], fakeNvmlEnv('old-gpu'));
    const gpu = (doc.devices as Json[])[0]!;
    expect(gpu).toMatchObject({ gpuUtilization: null, powerUsage: null, totalVolatileUncorrectedEccErrors: null, migMode: null, processGpuMemory: null });
    expect(gpu.powerStatus).toBe('N/A / N/A');
  });

  it('never colours, even with --force-color', async () => {
    const { stdout } = await runNvitop(['--json', '--force-color'], fakeNvmlEnv('one-gpu'));
    expect(stdout).not.toContain('\x1b[');
    expect(() => JSON.parse(stdout)).not.toThrow();
  });
});
