// GpuProcess snapshots with containers: real processes on the fake eight-GPU machine (real koffi
// path), their /proc/<pid>/cgroup replaced through the host platform seam by the real-world
// contents of each runtime (test/fixtures/cgroup-files.ts), joined with a fake kubelet speaking
// real gRPC over a unix socket.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as CGROUPS from '../../fixtures/cgroup-files.js';
import { fakeLibraryPath, loadScenario, writeScenario, type FakeScenario } from '../../helpers/fake-nvml.js';
import { startFakeKubelet } from '../../helpers/fake-kubelet.js';

type Api = typeof import('../../../src/index.js');
let api: Api;
let containers: typeof import('../../../src/core/containers/index.js');
let hostApi: typeof import('../../../src/core/host/index.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-containers-'));
const children: ChildProcess[] = [];
const sleeper = (): number => {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  children.push(child);
  return child.pid as number;
};

// What each runtime's process shows in a table cell, through the seam.
const LABELS: Record<keyof typeof CGROUPS, string> = {
  DOCKER_V1_CGROUPFS: 'docker:3726184226f5',
  DOCKER_V1_SYSTEMD: 'docker:9ec39b91f3d7',
  DOCKER_V2: 'docker:9ec39b91f3d7',
  K8S_CONTAINERD_SYSTEMD_V2: 'pod 6dbbf17e/6552905b87fd',
  K8S_CONTAINERD_STATIC_POD: 'pod c704ef4c/2327a2aec169',
  K8S_CGROUPFS_V1: 'pod 74c13223/34dc0b5e626f',
  K8S_CGROUPFS_GUARANTEED: 'pod 8dbc5577/14011c7d92a9',
  K8S_CRIO_SYSTEMD: 'pod 63b3ebfc/17d8c9eacc62',
  K8S_CRIO_CGROUPFS: 'pod 0fc6e9ad/17d8c9eacc62',
  K8S_CRIO_CONMON: 'pod 63b3ebfc',
  PODMAN_SYSTEMD_V2: 'podman:9ce45faf7719',
  PODMAN_ROOTLESS: 'podman:cf5947988412',
  PODMAN_CGROUPFS_V1: 'podman:cf5947988412',
  SLURM_V2: 'slurm job 1392969',
  SLURM_V1: 'slurm job 280678',
  SLURM_V2_MULTI: 'slurm job 42',
  HOST_SESSION: '-',
  HOST_SERVICE: '-',
  HOST_HYBRID: '-',
  FROM_OTHER_NAMESPACE: 'pod 6dbbf17e/6552905b87fd',
};

const cgroupOf = new Map<number, string>();
let cgroupReads = 0;
let scenario: FakeScenario;
let uuids: string[];

const podCgroup = (uid: string, id: string): string =>
  `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope\n`;
const UID_TRAIN = '11111111-2222-4333-8444-555555555555';
const UID_NOTEBOOK = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const UID_STRANGER = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
const id = (c: string): string => c.repeat(64);

const pids: Record<string, number> = {};

beforeAll(async () => {
  // One real process per runtime fixture on GPU 7, and the kubelet-join cast on GPUs 0-2.
  for (const name of Object.keys(CGROUPS)) pids[name] = sleeper();
  for (const name of ['train', 'notebook', 'hostOnNotebookGpu', 'trainOnShared', 'strangerOnShared']) pids[name] = sleeper();
  cgroupOf.set(pids.train!, podCgroup(UID_TRAIN, id('a')));
  cgroupOf.set(pids.trainOnShared!, podCgroup(UID_TRAIN, id('a'))); // the same container, another process
  cgroupOf.set(pids.notebook!, podCgroup(UID_NOTEBOOK, id('c')));
  cgroupOf.set(pids.hostOnNotebookGpu!, CGROUPS.HOST_SESSION);
  cgroupOf.set(pids.strangerOnShared!, podCgroup(UID_STRANGER, id('d')));
  for (const [name, text] of Object.entries(CGROUPS)) cgroupOf.set(pids[name]!, text);

  const base = loadScenario('eight-gpu');
  const on = (...list: number[]) => list.map((pid) => ({ pid, usedGpuMemory: 1 << 30 }));
  const placement: number[][] = [
    [pids.train!],
    [pids.notebook!, pids.hostOnNotebookGpu!],
    [pids.trainOnShared!, pids.strangerOnShared!],
    [],
    [],
    [],
    [],
    Object.keys(CGROUPS).map((name) => pids[name]!),
  ];
  scenario = {
    ...base,
    devices: base.devices.map((device, i) => ({ ...device, computeProcesses: on(...placement[i]!), graphicsProcesses: [], processUtilization: [] })),
  } as FakeScenario;
  uuids = scenario.devices.map((d) => d.uuid as string);
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  api = await import('../../../src/index.js');
  containers = await import('../../../src/core/containers/index.js');
  hostApi = await import('../../../src/core/host/index.js');
  // The seam: the real Linux platform, whose cgroup files come from the fixtures.
  const reader: import('../../../src/core/host/linux.js').ProcReader = {
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

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const processesOn = (index: number) => [...api.Device.fromIndex(index).processes().values()];

describe('GpuProcess snapshots with containers', () => {
  it('off by default: container is NA, no cgroup read, no kubelet call', async () => {
    const kubelet = await startFakeKubelet(path.join(dir, 'off.sock'), []);
    const before = cgroupReads;
    const snapshots = api.GpuProcess.takeSnapshots(processesOn(7), { failsafe: true });
    expect(snapshots).toHaveLength(Object.keys(CGROUPS).length);
    for (const s of snapshots) expect(s.container).toBe(api.NA);
    expect(JSON.parse(JSON.stringify(snapshots[0])).container).toBeNull();
    expect(cgroupReads).toBe(before);
    expect(kubelet.calls).toBe(0);
    await kubelet.close();
  });

  it("every runtime's real cgroup contents, read through the host platform seam", () => {
    const source = new containers.KubeletPodResources({ socketPath: path.join(dir, 'no-kubelet.sock') });
    const snapshots = api.GpuProcess.takeSnapshots(processesOn(7), { failsafe: true, containers: source });
    const byPid = new Map(snapshots.map((s) => [s.pid, s]));
    for (const [name, label] of Object.entries(LABELS)) {
      const container = byPid.get(pids[name]!)!.container;
      expect(api.isNA(container), name).toBe(false);
      expect({ name, label: (container as { label: string }).label }).toEqual({ name, label });
    }
    const k8s = byPid.get(pids.K8S_CONTAINERD_SYSTEMD_V2!)!.container as unknown as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(k8s))).toEqual({
      inContainer: true,
      runtime: 'containerd',
      id: '6552905b87fd9f0aca7dd140834c594e6873cf24b2ac9dd0023972d5b6ead6dc',
      podUid: '6dbbf17e-94e1-4b10-8555-9bfe510c25d5',
      qosClass: 'BestEffort',
      podName: null,
      podNamespace: null,
      containerName: null,
      slurmJobId: null,
      slurmStep: null,
      cgroupPath:
        '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6dbbf17e_94e1_4b10_8555_9bfe510c25d5.slice/cri-containerd-6552905b87fd9f0aca7dd140834c594e6873cf24b2ac9dd0023972d5b6ead6dc.scope',
      label: 'pod 6dbbf17e/6552905b87fd',
    });
    const slurm = byPid.get(pids.SLURM_V2!)!.container as unknown as Record<string, unknown>;
    expect(slurm).toMatchObject({ inContainer: false, slurmJobId: '1392969', slurmStep: '0' });
    expect((byPid.get(pids.HOST_SESSION!)!.container as unknown as Record<string, unknown>).inContainer).toBe(false);
    // The HostProcess snapshot carries the same membership.
    const host = api.HostProcess.get(pids.PODMAN_ROOTLESS!).asSnapshot({ container: true });
    expect(host.container).toMatchObject({ containerRuntime: 'podman', containerId: 'cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1' });
    expect(api.HostProcess.get(pids.PODMAN_ROOTLESS!).asSnapshot().container).toBe(api.NA);
  });

  it('pod, namespace and container names come from the kubelet, through the GPU each process runs on', async () => {
    const kubelet = await startFakeKubelet(path.join(dir, 'kubelet.sock'), [
      { name: 'train-0', namespace: 'ml', containers: [{ name: 'trainer', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [uuids[0]!, `${uuids[2]}::0`] }] }] },
      { name: 'notebook', namespace: 'lab', containers: [{ name: 'jupyter', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [uuids[1]!] }] }] },
      { name: 'other', namespace: 'lab', containers: [{ name: 'main', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [`${uuids[2]}::1`] }] }] },
      // Allocated, no process yet: only the allocation shows it.
      { name: 'idle', namespace: 'ml', containers: [{ name: 'waiting', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [uuids[3]!] }] }] },
    ]);
    const source = new containers.KubeletPodResources({ socketPath: kubelet.socketPath });
    await source.fetch();
    const snapshots = api.GpuProcess.takeSnapshots([...processesOn(0), ...processesOn(1), ...processesOn(2)], { failsafe: true, containers: source });
    const label = (pid: number) => (snapshots.find((s) => s.pid === pid)!.container as { label: string }).label;
    expect(label(pids.train!)).toBe('ml/train-0/trainer');
    expect(snapshots.find((s) => s.pid === pids.train!)!.container).toMatchObject({ podName: 'train-0', podNamespace: 'ml', containerName: 'trainer', podUid: UID_TRAIN, qosClass: 'Burstable' });
    expect(label(pids.notebook!)).toBe('lab/notebook/jupyter');
    // A host process on a GPU that a pod holds is not that pod's.
    expect(label(pids.hostOnNotebookGpu!)).toBe('-');
    // GPU 2 is shared by two pods: the training container was matched on GPU 0 (by its container
    // id), so its process here is placed; a process of a third pod stays unnamed, with its UID.
    expect(label(pids.trainOnShared!)).toBe('ml/train-0/trainer');
    expect(snapshots.find((s) => s.pid === pids.strangerOnShared!)!.container).toMatchObject({ podName: api.NA, podUid: UID_STRANGER, label: 'pod bbbbbbbb/dddddddddddd' });
    expect(source.allocationsFor(uuids[3]!).map((a) => `${a.namespace}/${a.pod}/${a.container}`)).toEqual(['ml/idle/waiting']);
    expect(kubelet.calls).toBe(1);
    await kubelet.close();
  });

  it('the cgroup is read once per process: later snapshots cost no read', () => {
    const source = new containers.KubeletPodResources({ socketPath: path.join(dir, 'no-kubelet.sock') });
    api.GpuProcess.takeSnapshots(processesOn(7), { failsafe: true, containers: source });
    const before = cgroupReads;
    for (let i = 0; i < 3; i++) api.GpuProcess.takeSnapshots(processesOn(7), { failsafe: true, containers: source });
    expect(cgroupReads).toBe(before);
  });
});
