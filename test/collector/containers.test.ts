// The collector's per-container keys (option `containers`): real processes on the fake eight-GPU
// machine (real koffi path), their /proc/<pid>/cgroup replaced through the host platform seam by
// real-world contents (test/fixtures/cgroup-files.ts, cited there) and by Kubernetes pod cgroups,
// joined with a fake kubelet speaking real gRPC over a unix socket. The expected sums come from
// the scenario written here, not from the package.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as CGROUPS from '../fixtures/cgroup-files.js';
import { fakeLibraryPath, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { startFakeKubelet, type FakeKubelet } from '../helpers/fake-kubelet.js';

type Api = typeof import('../../src/index.js');
let api: Api;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-collector-containers-'));
const children: ChildProcess[] = [];
const sleeper = (): number => {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  children.push(child);
  return child.pid as number;
};

const MiB = 1024 * 1024;
const UID_TRAIN = '11111111-2222-4333-8444-555555555555';
const UID_NOTEBOOK = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const UID_STRANGER = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
const id = (c: string): string => c.repeat(64);
// containerd under Kubernetes with the systemd driver, cgroup v2 (the form of
// K8S_CONTAINERD_SYSTEMD_V2 in the fixtures), for pods of our own.
const podCgroup = (uid: string, containerId: string): string =>
  `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${containerId}.scope\n`;

const cgroupOf = new Map<number, string>();
let cgroupReads = 0;
const pids: Record<string, number> = {};
let uuids: string[];
let kubelet: FakeKubelet;
let scenario: FakeScenario;

// [name, GPU, GPU memory in MiB, SM %, memory bandwidth %]
const PLACEMENT: ReadonlyArray<readonly [string, number, number, number, number]> = [
  ['train', 0, 1024, 40, 10],
  ['trainHelper', 0, 2048, 25, 5], // the same container as train: summed
  ['notebook', 1, 3072, 7, 3],
  ['hostOnNotebookGpu', 1, 512, 50, 20], // not in any container: no container key
  ['trainOnShared', 2, 256, 1, 1],
  ['strangerOnShared', 2, 128, 2, 2], // a pod the kubelet does not name on this shared GPU
  ['docker', 7, 700, 30, 9],
  ['slurm', 7, 300, 11, 4],
];

beforeAll(async () => {
  for (const [name] of PLACEMENT) pids[name] = sleeper();
  cgroupOf.set(pids.train!, podCgroup(UID_TRAIN, id('a')));
  cgroupOf.set(pids.trainHelper!, podCgroup(UID_TRAIN, id('a')));
  cgroupOf.set(pids.trainOnShared!, podCgroup(UID_TRAIN, id('a')));
  cgroupOf.set(pids.notebook!, podCgroup(UID_NOTEBOOK, id('c')));
  cgroupOf.set(pids.hostOnNotebookGpu!, CGROUPS.HOST_SESSION);
  cgroupOf.set(pids.strangerOnShared!, podCgroup(UID_STRANGER, id('d')));
  cgroupOf.set(pids.docker!, CGROUPS.DOCKER_V2);
  cgroupOf.set(pids.slurm!, CGROUPS.SLURM_V2);

  const base = loadScenario('eight-gpu');
  scenario = {
    ...base,
    devices: base.devices.map((device, gpu) => {
      const here = PLACEMENT.filter(([, on]) => on === gpu);
      return {
        ...device,
        computeProcesses: here.map(([name, , mib]) => ({ pid: pids[name]!, usedGpuMemory: mib * MiB })),
        graphicsProcesses: [],
        processUtilization: here.map(([name, , , sm, mem]) => ({ pid: pids[name]!, smUtil: sm, memUtil: mem, encUtil: 0, decUtil: 0 })),
      };
    }),
  } as FakeScenario;
  uuids = scenario.devices.map((d) => d.uuid as string);
  kubelet = await startFakeKubelet(path.join(dir, 'kubelet.sock'), [
    { name: 'train-0', namespace: 'ml', containers: [{ name: 'trainer', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [uuids[0]!, `${uuids[2]}::0`] }] }] },
    { name: 'notebook', namespace: 'lab', containers: [{ name: 'jupyter', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [uuids[1]!] }] }] },
    { name: 'other', namespace: 'lab', containers: [{ name: 'main', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [`${uuids[2]}::1`] }] }] },
  ]);
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  // The shared kubelet view (`containers: true`) asks this socket.
  process.env.NVITOP_POD_RESOURCES_SOCKET = kubelet.socketPath;
  api = await import('../../src/index.js');
  const hostApi = await import('../../src/core/host/index.js');
  const reader: import('../../src/core/host/linux.js').ProcReader = {
    ...hostApi.nodeProcReader,
    readFile: (file) => {
      const match = /^\/proc\/(\d+)\/cgroup$/.exec(file);
      if (match !== null) {
        cgroupReads++;
        const text = cgroupOf.get(Number(match[1]));
        if (text !== undefined) return Buffer.from(text);
      }
      return hostApi.nodeProcReader.readFile(file);
    },
  };
  hostApi.setHostPlatform(hostApi.createLinuxPlatform({ reader }));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await kubelet.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The sums each container must show, from PLACEMENT: scope → [MiB, % of the GPU's memory, SM %, bandwidth %]. */
function expectedTotals(): Map<string, [number, number, number, number]> {
  const scopeOf: Record<string, string | null> = {
    train: 'container:ml/train-0/trainer/gpu:0',
    trainHelper: 'container:ml/train-0/trainer/gpu:0',
    notebook: 'container:lab/notebook/jupyter/gpu:1',
    hostOnNotebookGpu: null,
    trainOnShared: 'container:ml/train-0/trainer/gpu:2',
    strangerOnShared: `container:pod:${UID_STRANGER}/dddddddddddd/gpu:2`,
    docker: 'container:docker:9ec39b91f3d7/gpu:7',
    slurm: 'container:slurm:1392969/gpu:7',
  };
  const totals = new Map<string, [number, number, number, number]>();
  for (const [name, gpu, mib, sm, mem] of PLACEMENT) {
    const scope = scopeOf[name];
    if (scope === null || scope === undefined) continue;
    const total = totals.get(scope) ?? [0, 0, 0, 0];
    const gpuMiB = (scenario.devices[gpu]!.memory as { total: number }).total / MiB;
    totals.set(scope, [total[0] + mib, total[1] + (mib / gpuMiB) * 100, total[2] + sm, total[3] + mem]);
  }
  return totals;
}

const containerKeys = (values: Iterable<string>): string[] => [...values].filter((key) => key.includes('container:')).sort();

describe('ResourceMetricCollector containers option', () => {
  it('off by default: no container keys, no cgroup read, no kubelet call', () => {
    const callsBefore = kubelet.calls;
    const readsBefore = cgroupReads;
    const collector = new api.ResourceMetricCollector({ interval: 60 });
    const sample = collector.sample();
    expect([...sample.values.keys()].some((key) => key.startsWith(`pid:${pids.train}/`))).toBe(true);
    expect(containerKeys(sample.values.keys())).toEqual([]);
    collector.takeSnapshots();
    expect(cgroupReads).toBe(readsBefore);
    expect(kubelet.calls).toBe(callsBefore);
  });

  it('sums GPU memory and utilization per container and device, named by the kubelet (containers: true)', async () => {
    await api.kubeletPodResources().fetch(); // names from the first sample on
    const collector = new api.ResourceMetricCollector({ interval: 60, containers: true });
    collector.activate('fleet');
    const metrics = collector.collect();
    collector.deactivate();
    const expected = expectedTotals();
    const expectedKeys = [...expected.keys()].flatMap((scope) =>
      ['gpu_memory (MiB)', 'gpu_memory_percent (%)', 'gpu_memory_utilization (%)', 'gpu_sm_utilization (%)'].flatMap((name) =>
        ['mean', 'min', 'max', 'last'].map((stat) => `fleet/${scope}/${name}/${stat}`),
      ),
    );
    expect(containerKeys(Object.keys(metrics))).toEqual(expectedKeys.sort());
    for (const [scope, [mib, percent, sm, mem]] of expected) {
      expect(metrics[`fleet/${scope}/gpu_memory (MiB)/last`], scope).toBe(mib);
      expect(metrics[`fleet/${scope}/gpu_memory_percent (%)/last`] as number, scope).toBeCloseTo(percent, 1);
      expect(metrics[`fleet/${scope}/gpu_sm_utilization (%)/last`], scope).toBe(sm);
      expect(metrics[`fleet/${scope}/gpu_memory_utilization (%)/last`], scope).toBe(mem);
    }
    // The per-process keys are unchanged beside them.
    expect(metrics[`fleet/pid:${pids.trainHelper}/gpu:0/gpu_memory (MiB)/last`]).toBe(2048);
    expect(metrics[`fleet/pid:${pids.hostOnNotebookGpu}/gpu:1/gpu_memory (MiB)/last`]).toBe(512);
  });

  it('takeSnapshots() records the same container keys and values as a lean sample', () => {
    const source = new api.KubeletPodResources({ socketPath: kubelet.socketPath });
    return source.fetch().then(() => {
      const collector = new api.ResourceMetricCollector({ interval: 60, containers: source });
      const seen: Array<ReadonlyMap<string, number>> = [];
      collector.on('sample', (sample) => seen.push(sample.values));
      collector.activate('a');
      collector.sample();
      collector.takeSnapshots();
      collector.deactivate();
      const [lean, full] = seen.map((values) => new Map([...values].filter(([key]) => key.startsWith('container:'))));
      expect(lean!.size).toBe(expectedTotals().size * 4);
      expect([...full!.keys()].sort()).toEqual([...lean!.keys()].sort());
      for (const [key, value] of lean!) expect(full!.get(key), key).toBeCloseTo(value, 6);
    });
  });

  it('without a kubelet: pods by UID and container id, Docker by runtime and id, Slurm by job', () => {
    const collector = new api.ResourceMetricCollector({
      interval: 60,
      containers: new api.KubeletPodResources({ socketPath: path.join(dir, 'absent.sock') }),
    });
    const keys = containerKeys(collector.sample().values.keys()).filter((key) => key.endsWith('/gpu_memory (MiB)'));
    expect(keys).toEqual(
      [
        `container:pod:${UID_TRAIN}/aaaaaaaaaaaa/gpu:0/gpu_memory (MiB)`,
        `container:pod:${UID_NOTEBOOK}/cccccccccccc/gpu:1/gpu_memory (MiB)`,
        `container:pod:${UID_TRAIN}/aaaaaaaaaaaa/gpu:2/gpu_memory (MiB)`,
        `container:pod:${UID_STRANGER}/dddddddddddd/gpu:2/gpu_memory (MiB)`,
        'container:docker:9ec39b91f3d7/gpu:7/gpu_memory (MiB)',
        'container:slurm:1392969/gpu:7/gpu_memory (MiB)',
      ].sort(),
    );
  });

  it('collectInBackground delivers them; the option is checked', async () => {
    const collector = new api.ResourceMetricCollector({ interval: 0.05, containers: true });
    let resolveFirst: (metrics: Record<string, unknown>) => void = () => {};
    const firstCollected = new Promise<Record<string, unknown>>((resolve) => (resolveFirst = resolve));
    const handle = api.collectInBackground((metrics) => resolveFirst(metrics), collector, { interval: 0.05, tag: 'bg' });
    const first = await firstCollected;
    await handle.stop();
    expect(first['bg/container:lab/notebook/jupyter/gpu:1/gpu_memory (MiB)/last']).toBe(3072);
    expect(() => new api.ResourceMetricCollector({ containers: 'yes' as unknown as boolean })).toThrow(api.InvalidInputError);
    expect(() => new api.ResourceMetricCollector({ containers: 'yes' as unknown as boolean })).toThrow(/containers/);
  });
});
