// nvitop -1 / --json with --containers, from the built bin: the CONTAINER column beside or
// instead of the command, the JSON `container` objects and the kubelet's `podResources` (a fake
// kubelet speaking real gRPC over a unix socket, named by $NVITOP_POD_RESOURCES_SOCKET), and the
// default output untouched. (Pod names joined to processes: test/core/containers.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';
import { startFakeKubelet, type FakeKubelet } from '../helpers/fake-kubelet.js';
import { killAll, runNvitop, spawnSleepers } from './nvitop-run.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-containers-cli-'));
const sleepers = spawnSleepers(2, { tag: 'container-job' });
let env: NodeJS.ProcessEnv;
let kubelet: FakeKubelet;
let uuid: string;

beforeAll(async () => {
  const scenario = loadScenario('one-gpu');
  const device = scenario.devices[0]!;
  uuid = device.uuid as string;
  scenario.devices[0] = {
    ...device,
    computeProcesses: sleepers.map((child) => ({ pid: child.pid as number, usedGpuMemory: 1 << 30 })),
    graphicsProcesses: [],
    processUtilization: [],
  };
  kubelet = await startFakeKubelet(path.join(dir, 'kubelet.sock'), [
    { name: 'train-0', namespace: 'ml', containers: [{ name: 'trainer', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [uuid] }] }] },
  ]);
  env = fakeNvmlEnv(scenario, { COLUMNS: '140', NVITOP_POD_RESOURCES_SOCKET: kubelet.socketPath });
});

afterAll(async () => {
  killAll(sleepers);
  await kubelet.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const header = (stdout: string) => stdout.split('\n').find((line) => line.includes('%GMBW'))!;
const rowOf = (stdout: string, pid: number) => stdout.split('\n').find((line) => new RegExp(`\\b${pid} C\\b`).test(line))!;
// What this machine's cgroup says about the test's own processes (a container when the tests run in one).
const ownLabel = (pid: number): string => {
  const text = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  return /docker|kubepods|libpod|crio|containerd|slurm/.test(text) ? '' : '-';
};

describe('nvitop --containers', () => {
  it('beside: a CONTAINER column before the command; instead: no command', async () => {
    const pid = sleepers[0]!.pid as number;
    const beside = await runNvitop(['-1', '--containers'], env);
    expect(beside.code).toBe(0);
    expect(header(beside.stdout)).toMatch(/TIME  CONTAINER  COMMAND\s+│$/);
    const row = rowOf(beside.stdout, pid);
    expect(row).toContain('container-job-0');
    if (ownLabel(pid) === '-') expect(row).toMatch(/ - {10}\S*node /);

    const instead = await runNvitop(['-1', '--containers=instead'], env);
    expect(instead.code).toBe(0);
    expect(header(instead.stdout)).toMatch(/TIME  CONTAINER\s+│$/);
    expect(rowOf(instead.stdout, pid)).not.toContain('container-job-0');
  });

  it('--json --containers: each process has its container, the document the kubelet\'s allocations', async () => {
    const { stdout, code } = await runNvitop(['--json', '--containers'], env);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { processes: Array<{ pid: number; container: Record<string, unknown> | null }>; podResources: Record<string, unknown> };
    expect(doc.podResources).toMatchObject({ status: 'ok', reason: null, socketPath: kubelet.socketPath });
    expect(doc.podResources.allocations).toEqual([
      { pod: 'train-0', namespace: 'ml', container: 'trainer', resourceName: 'nvidia.com/gpu', deviceId: uuid, uuid, replica: null },
    ]);
    for (const process of doc.processes) {
      expect(process.container).not.toBeNull();
      expect(process.container!.cgroupPath).toBe(
        fs.readFileSync(`/proc/${process.pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3) ?? process.container!.cgroupPath,
      );
      // A process outside any pod is not given the pod that holds its GPU.
      if (ownLabel(process.pid) === '-') expect(process.container).toMatchObject({ inContainer: false, podName: null, label: '-' });
    }
  });

  it('without the option: no column, no container facts, no kubelet call', async () => {
    const calls = kubelet.calls;
    const table = await runNvitop(['-1'], env);
    expect(header(table.stdout)).toMatch(/TIME  COMMAND\s+│$/);
    const { stdout } = await runNvitop(['--json'], env);
    const doc = JSON.parse(stdout) as { processes: Array<{ container: unknown }>; podResources: unknown };
    expect(doc.podResources).toBeNull();
    for (const process of doc.processes) expect(process.container).toBeNull();
    expect(kubelet.calls).toBe(calls);
  });

  it('a bad value is a usage error', async () => {
    const { code, stderr, stdout } = await runNvitop(['-1', '--containers=sideways'], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("argument --containers: invalid choice: 'sideways' (choose from 'beside', 'instead')");
  });
});
