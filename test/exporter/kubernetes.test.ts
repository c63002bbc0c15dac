// The exporter's Kubernetes labels on the fake MIG machine: process series gain `pod`,
// `namespace` and `container` (each process's cgroup, through the host platform seam, joined
// with a fake kubelet speaking real gRPC), `gpu_allocation_info` shows every GPU or MIG device a
// container holds (with dcgm-exporter's `UUID` and `GPU_I_ID`), and without the option the
// exposition keeps nvitop-exporter's labels.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { K8S_CONTAINERD_SYSTEMD_V2 } from '../fixtures/cgroup-files.js';
import { fakeLibraryPath, fakeNvmlEnv, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { fetchText, startExporter } from '../helpers/exporter-process.js';
import { startFakeKubelet, type FakeKubelet } from '../helpers/fake-kubelet.js';
import { parsePromText } from '../helpers/prom-text.js';

let api: typeof import('../../src/index.js');
let hostApi: typeof import('../../src/core/host/index.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-exporter-k8s-'));
const children: ChildProcess[] = [];
let scenario: FakeScenario;
let kubelet: FakeKubelet;
let inPod: number;
let onHost: number;
let migUuid: string;
let gpu1Uuid: string;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) children.push(spawn('sleep', ['120'], { stdio: 'ignore' }));
  [inPod, onHost] = children.map((c) => c.pid as number) as [number, number];
  const base = loadScenario('mig');
  const gpu0 = base.devices[0]! as FakeScenario['devices'][number] & { migDevices: Array<Record<string, unknown>> };
  gpu0.migDevices[0]!.computeProcesses = [{ pid: inPod, usedGpuMemory: 2 * 2 ** 30 }, { pid: onHost, usedGpuMemory: 1 << 30 }];
  scenario = base;
  migUuid = gpu0.migDevices[0]!.uuid as string;
  gpu1Uuid = base.devices[1]!.uuid as string;
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  api = await import('../../src/index.js');
  hostApi = await import('../../src/core/host/index.js');
  const cgroups = new Map([[inPod, K8S_CONTAINERD_SYSTEMD_V2], [onHost, '0::/user.slice/user-0.slice/session-1.scope\n']]);
  hostApi.setHostPlatform(
    hostApi.createLinuxPlatform({
      reader: {
        ...hostApi.nodeProcReader,
        readFile: (file) => {
          const text = cgroups.get(Number(/^\/proc\/(\d+)\/cgroup$/.exec(file)?.[1]));
          return text === undefined ? hostApi.nodeProcReader.readFile(file) : Buffer.from(text);
        },
      },
    }),
  );
  kubelet = await startFakeKubelet(path.join(dir, 'kubelet.sock'), [
    { name: 'infer-0', namespace: 'serving', containers: [{ name: 'server', devices: [{ resourceName: 'nvidia.com/mig-1g.10gb', deviceIds: [migUuid] }] }] },
    { name: 'train-0', namespace: 'ml', containers: [{ name: 'trainer', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [gpu1Uuid] }] }] },
  ]);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await kubelet.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('createExporter({ kubernetes })', () => {
  it('process series carry pod, namespace and container; gpu_allocation_info lists every allocated device', async () => {
    const source = new api.KubeletPodResources({ socketPath: kubelet.socketPath });
    await source.fetch();
    const registry = new Registry();
    const exporter = api.createExporter({ registry, hostname: 'node-1', interval: 0, kubernetes: source });
    const families = parsePromText(await registry.metrics());
    const memory = families.get('process_gpu_memory_MiB')!.samples;
    const mig = api.Device.fromIndex([0, 0]) as import('../../src/index.js').MigDevice;
    // On the MIG device's row and on its GPU's row (nvitop lists a MIG process under both).
    const rows = memory.filter((s) => s.labels.pid === String(inPod));
    expect(rows.map((s) => s.labels.index).sort()).toEqual(['0', mig.displayIndex]);
    for (const row of rows) expect(row.labels).toMatchObject({ pod: 'infer-0', namespace: 'serving', container: 'server' });
    // A host process on the same MIG device is not the pod's.
    for (const row of memory.filter((s) => s.labels.pid === String(onHost))) expect(row.labels).toMatchObject({ pod: '', namespace: '', container: '' });
    expect(families.get('process_info_info')!.samples.find((s) => s.labels.pid === String(inPod))!.labels).toMatchObject({ pod: 'infer-0', status: 'sleeping' });

    const allocations = families.get('gpu_allocation_info')!.samples.map((s) => ({ ...s.labels, value: s.value }));
    expect(allocations).toEqual([
      {
        hostname: 'node-1', index: mig.displayIndex, devicename: String(mig.name()), uuid: migUuid,
        UUID: scenario.devices[0]!.uuid, GPU_I_ID: String(mig.gpuInstanceId()),
        pod: 'infer-0', namespace: 'serving', container: 'server', resource: 'nvidia.com/mig-1g.10gb', value: 1,
      },
      // No process runs on GPU 1 yet: the allocation shows all the same.
      {
        hostname: 'node-1', index: '1', devicename: String(api.Device.fromIndex(1).name()), uuid: gpu1Uuid,
        UUID: gpu1Uuid, GPU_I_ID: '',
        pod: 'train-0', namespace: 'ml', container: 'trainer', resource: 'nvidia.com/gpu', value: 1,
      },
    ]);
    expect(exporter.podResources).toBe(source);
    // The text the exporter writes itself is the registry's, byte for byte, workload labels included.
    const steady = api.createExporter({ registry: new Registry(), hostname: 'node-1', interval: 60, kubernetes: source });
    expect(await steady.exposition()).toBe(await steady.registry.metrics());
    expect(await steady.exposition()).toContain('gpu_allocation_info{');
    steady.close();
    exporter.close();
  });

  it('without it: no workload labels, no allocation family, no cgroup or kubelet read', async () => {
    const calls = kubelet.calls;
    const registry = new Registry();
    const exporter = api.createExporter({ registry, hostname: 'node-1', interval: 0 });
    const families = parsePromText(await registry.metrics());
    expect(families.has('gpu_allocation_info')).toBe(false);
    for (const name of ['process_gpu_memory_MiB', 'process_info_info']) {
      for (const sample of families.get(name)!.samples) {
        expect(Object.keys(sample.labels)).not.toContain('pod');
        expect(Object.keys(sample.labels)).not.toContain('namespace');
      }
    }
    expect(exporter.podResources).toBeUndefined();
    expect(kubelet.calls).toBe(calls);
    exporter.close();
  });
});

describe('nvitop-exporter --kubernetes (the built bin)', () => {
  it('serves gpu_allocation_info from the kubelet and says so once on stderr', async () => {
    const running = await startExporter(['--kubernetes', '--kubelet-socket', kubelet.socketPath, '--hostname', 'node-1'], fakeNvmlEnv(scenario));
    try {
      const families = parsePromText((await fetchText(`${running.base}/metrics`)).body);
      expect(families.get('gpu_allocation_info')!.samples.map((s) => `${s.labels.index} ${s.labels.namespace}/${s.labels.pod}/${s.labels.container}`)).toEqual([
        '0:0 serving/infer-0/server',
        '1 ml/train-0/trainer',
      ]);
      expect(Object.keys(families.get('process_gpu_memory_MiB')!.samples[0]!.labels)).toEqual(expect.arrayContaining(['pod', 'namespace', 'container']));
      for (let i = 0; i < 50 && !running.stderr().includes('Kubernetes labels'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(running.stderr()).toContain(`INFO: Kubernetes labels from the kubelet at ${kubelet.socketPath} (2 GPU allocation(s) to 2 pod(s)).`);
    } finally {
      await running.stop();
    }
  });

  it('without a kubelet socket: one warning line, and the exporter serves on', async () => {
    const missing = path.join(dir, 'no', 'kubelet.sock');
    const running = await startExporter(['--kubernetes', '--kubelet-socket', missing], fakeNvmlEnv(scenario));
    try {
      const families = parsePromText((await fetchText(`${running.base}/metrics`)).body);
      expect(families.get('gpu_allocation_info')?.samples ?? []).toEqual([]);
      expect(families.get('gpu_utilization_Percentage')!.samples.length).toBeGreaterThan(0);
      for (let i = 0; i < 50 && !running.stderr().includes('WARNING'); i++) await new Promise((r) => setTimeout(r, 100));
      const warnings = running.stderr().split('\n').filter((line) => line.startsWith('WARNING'));
      expect(warnings).toEqual([`WARNING: no kubelet pod-resources socket at ${missing}; pod, namespace and container labels stay empty.`]);
    } finally {
      await running.stop();
    }
  });
});

