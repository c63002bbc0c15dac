// GPU processes whose host side is awkward: one that exits between NVML's listing and the /proc
// read, a zombie, and another user's process seen by an unprivileged user. Snapshots taken with
// failsafe give N/A fields and nvitop's placeholders, never an exception.
import { execFile, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const cleanup: Array<() => void> = [];
afterAll(() => cleanup.forEach((fn) => fn()));

function scenarioWithPids(pids: number[]): FakeScenario {
  const scenario = loadScenario('one-gpu');
  const device = scenario.devices[0]!;
  return {
    ...scenario,
    devices: [{ ...device, computeProcesses: pids.map((pid) => ({ pid, usedGpuMemory: 1 << 30 })), graphicsProcesses: [], processUtilization: [] }],
  };
}

describe('awkward host processes', () => {
  it('a process that exits after NVML listed it: failsafe snapshot with N/A facts; without failsafe a typed error', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanup.push(() => child.kill('SIGKILL'));
    const env = fakeNvmlEnv(writeScenario(scenarioWithPids([child.pid as number])));
    const script = `
      import { Device, GpuProcess } from ${JSON.stringify(path.join(root, 'dist/index.js'))};
      import { execFileSync } from 'node:child_process';
      const [gpuProcess] = Device.fromIndex(0).processes().values();
      process.kill(${child.pid}, 'SIGKILL');
      // Wait until the kernel has reaped it (its parent, the test runner, reaps it).
      for (let i = 0; i < 200; i++) { try { process.kill(${child.pid}, 0); execFileSync('sleep', ['0.02']); } catch { break; } }
      const [snapshot] = GpuProcess.takeSnapshots([gpuProcess], { failsafe: true });
      let strict;
      try { gpuProcess.username(); strict = 'no error'; } catch (error) { strict = error.constructor.name; }
      process.stdout.write(JSON.stringify({ snapshot, strict }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
    const { snapshot, strict } = JSON.parse(stdout);
    expect(snapshot.pid).toBe(child.pid);
    expect(snapshot.isRunning).toBe(false);
    expect(snapshot.status).toBe('terminated');
    expect(snapshot.cmdline).toEqual(['No Such Process']);
    expect(snapshot.username).toBeNull();
    expect(snapshot.cpuPercent).toBeNull();
    expect(snapshot.gpuMemory).toBe(1 << 30);
    expect(strict).toBe('NoSuchProcessError');
  });

  it('a zombie: status zombie, command "Zombie Process"', async () => {
    // A parent that forks a child which exits at once and is never reaped.
    const parent = spawn('python3', ['-c', 'import os,time,sys\npid=os.fork()\nif pid==0: os._exit(0)\nprint(pid,flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    cleanup.push(() => parent.kill('SIGKILL'));
    const zombie = await new Promise<number>((resolve) => parent.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim()))));
    for (let i = 0; i < 100 && !/\bZ\b/.test(spawnSync('ps', ['-o', 'stat=', '-p', String(zombie)], { encoding: 'utf8' }).stdout); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const env = fakeNvmlEnv(writeScenario(scenarioWithPids([zombie])));
    const script = `
      import { Device, GpuProcess } from ${JSON.stringify(path.join(root, 'dist/index.js'))};
      process.stdout.write(JSON.stringify(GpuProcess.takeSnapshots(Device.fromIndex(0).processes().values(), { failsafe: true })));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
    const [snapshot] = JSON.parse(stdout);
    expect(snapshot.pid).toBe(zombie);
    expect(snapshot.status).toBe('zombie');
    expect(snapshot.command).toBe('Zombie Process');
  });

  it("another user's process seen by an unprivileged user: no exception, readable facts filled", async () => {
    if (process.getuid?.() !== 0) return; // needs root to start the unprivileged observer
    const rootChild = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanup.push(() => rootChild.kill('SIGKILL'));
    const scenarioFile = writeScenario(scenarioWithPids([rootChild.pid as number, 1]));
    spawnSync('chmod', ['a+r', scenarioFile]);
    spawnSync('chmod', ['a+rx', path.dirname(scenarioFile)]);
    const env = fakeNvmlEnv(scenarioFile);
    const script = `
      import { Device, GpuProcess } from ${JSON.stringify(path.join(root, 'dist/index.js'))};
      const processes = [...Device.fromIndex(0).processes().values()];
      const snapshots = GpuProcess.takeSnapshots(processes, { failsafe: true });
      process.stdout.write(JSON.stringify(snapshots));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env, uid: 65534, gid: 65534 });
    const snapshots = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(snapshots).toHaveLength(2);
    for (const snapshot of snapshots) {
      expect(snapshot.username).toBe('root');
      expect(snapshot.isRunning).toBe(true);
      expect(Array.isArray(snapshot.cmdline)).toBe(true);
    }
  });
});
