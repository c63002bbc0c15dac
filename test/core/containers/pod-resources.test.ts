// The kubelet pod-resources client against a fake kubelet: real gRPC over a real unix socket.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { KubeletPodResources, gpuUuidOfDeviceId, listPodResources } from '../../../src/core/containers/pod-resources.js';
import { ProtobufDecodeError, decodeListPodResourcesResponse } from '../../../src/core/containers/pod-resources-wire.js';
import { NA } from '../../../src/core/na.js';
import { startFakeKubelet, startSilentSocket, type FakePod } from '../../helpers/fake-kubelet.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-kubelet-'));
fs.chmodSync(dir, 0o755);
let n = 0;
const socketPath = (): string => path.join(dir, `kubelet-${n++}.sock`);
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const GPU0 = 'GPU-8a2c0e6e-33f5-9ad2-94c8-1a2f0d7e6a11';
const GPU1 = 'GPU-1f0b7c55-6a0e-4a5c-b0a4-7d7c1c9e2b30';
const GPU2 = 'GPU-5c3d9e21-0a7b-4f6e-9c11-2b8d4e6f7a90';
const MIG = 'MIG-0c8f1a6e-5b2d-5e4f-9a3c-7d1e2f3a4b5c';

// What a node running NVIDIA's device plugin lists: a two-GPU training pod (with CPU pinning,
// memory and NUMA topology filled, which the client must skip), a MIG slice, a GPU shared by
// time-slicing between two pods (replica ids "<uuid>::<n>"), a pod with a non-GPU device, a pod
// with a DRA claim and no device-plugin devices, and a pod with no devices at all.
const PODS: FakePod[] = [
  {
    name: 'train-0',
    namespace: 'ml',
    containers: [
      {
        name: 'trainer',
        devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [GPU0, GPU1], topology: { nodes: [{ ID: 0 }] } }],
        cpuIds: [2, 3, 4, 5],
        memory: [{ memoryType: 'memory', size: 8 * 1024 ** 3 }],
      },
      { name: 'sidecar', devices: [] },
    ],
  },
  { name: 'infer-mig', namespace: 'serving', containers: [{ name: 'server', devices: [{ resourceName: 'nvidia.com/mig-1g.10gb', deviceIds: [MIG] }] }] },
  { name: 'notebook-a', namespace: 'lab', containers: [{ name: 'jupyter', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [`${GPU2}::0`] }] }] },
  { name: 'notebook-b', namespace: 'lab', containers: [{ name: 'jupyter', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [`${GPU2}::3`] }] }] },
  { name: 'net', namespace: 'kube-system', containers: [{ name: 'sriov', devices: [{ resourceName: 'intel.com/sriov', deviceIds: ['0000:3b:00.1'] }] }] },
  {
    name: 'dra-pod',
    namespace: 'ml',
    containers: [
      {
        name: 'c',
        dynamicResources: [
          { claimName: 'gpu-claim', claimNamespace: 'ml', claimResources: [{ driverName: 'gpu.nvidia.com', poolName: 'node-1', deviceName: 'gpu-0', cdiDevices: [{ name: 'k8s.gpu.nvidia.com/device=gpu-0' }] }] },
        ],
      },
    ],
  },
  { name: 'web', namespace: 'default', containers: [{ name: 'nginx' }] },
];

describe('kubelet pod-resources client', () => {
  it('lists every pod and maps GPU device ids to UUIDs, skipping the fields it does not use', async () => {
    const kubelet = await startFakeKubelet(socketPath(), PODS);
    cleanup.push(() => kubelet.close());
    const pods = await listPodResources(kubelet.socketPath, 2000);
    expect(pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['ml/train-0', 'serving/infer-mig', 'lab/notebook-a', 'lab/notebook-b', 'kube-system/net', 'ml/dra-pod', 'default/web']);
    expect(pods[0]!.containers.map((c) => c.name)).toEqual(['trainer', 'sidecar']);
    expect(pods[0]!.containers[0]!.devices).toEqual([{ resourceName: 'nvidia.com/gpu', deviceIds: [GPU0, GPU1] }]);

    const source = new KubeletPodResources({ socketPath: kubelet.socketPath });
    const state = await source.fetch();
    expect(state.status).toBe('ok');
    expect(state.reason).toBeUndefined();
    expect(state.allocations.map((a) => [a.namespace, a.pod, a.container, a.resourceName, a.uuid, a.replica])).toEqual([
      ['ml', 'train-0', 'trainer', 'nvidia.com/gpu', GPU0, NA],
      ['ml', 'train-0', 'trainer', 'nvidia.com/gpu', GPU1, NA],
      ['serving', 'infer-mig', 'server', 'nvidia.com/mig-1g.10gb', MIG, NA],
      ['lab', 'notebook-a', 'jupyter', 'nvidia.com/gpu', GPU2, '0'],
      ['lab', 'notebook-b', 'jupyter', 'nvidia.com/gpu', GPU2, '3'],
    ]);
    expect(source.allocationsFor(GPU1).map((a) => a.pod)).toEqual(['train-0']);
    expect(source.allocationsFor(GPU2).map((a) => a.pod)).toEqual(['notebook-a', 'notebook-b']);
    expect(source.allocationsFor('GPU-not-allocated')).toEqual([]);
  });

  it('device ids: UUIDs with or without a sharing replica; other ids are not GPUs', () => {
    expect(gpuUuidOfDeviceId(GPU0)).toEqual({ uuid: GPU0, replica: NA });
    expect(gpuUuidOfDeviceId(`${GPU0}::12`)).toEqual({ uuid: GPU0, replica: '12' });
    expect(gpuUuidOfDeviceId(MIG)).toEqual({ uuid: MIG, replica: NA });
    for (const id of ['0000:3b:00.1', 'nvidia0', '', 'GPU-', 'GPU-abc def']) expect(gpuUuidOfDeviceId(id)).toBeUndefined();
  });

  it('malformed bytes raise ProtobufDecodeError instead of decoding garbage', () => {
    expect(decodeListPodResourcesResponse(new Uint8Array())).toEqual([]);
    // pod_resources (field 1, length 5) with only 1 byte present; a truncated varint; wire type 3 (group).
    for (const bytes of [[0x0a, 0x05, 0x0a], [0x0a, 0x80], [0x0b]]) {
      expect(() => decodeListPodResourcesResponse(Uint8Array.from(bytes))).toThrow(ProtobufDecodeError);
    }
  });

  it('no socket: status absent, no call made', async () => {
    const source = new KubeletPodResources({ socketPath: path.join(dir, 'missing', 'kubelet.sock') });
    const state = await source.fetch();
    expect(state.status).toBe('absent');
    expect(state.reason).toBe(`no kubelet pod-resources socket at ${path.join(dir, 'missing', 'kubelet.sock')}`);
    expect(state.allocations).toEqual([]);
    expect(source.calls).toBe(0);
  });

  it('a path that is not a socket, a stale socket, a kubelet without v1: unavailable with a one-line reason', async () => {
    const file = path.join(dir, 'regular-file');
    fs.writeFileSync(file, '');
    const notSocket = await new KubeletPodResources({ socketPath: file }).fetch();
    expect(notSocket).toMatchObject({ status: 'unavailable', reason: `kubelet pod-resources path ${file} is not a socket` });

    // A socket file whose server is gone: the process that bound it was killed.
    const stale = socketPath();
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(fs.statSync(stale).isSocket()).toBe(true);
    const started = Date.now();
    const staleState = await new KubeletPodResources({ socketPath: stale, timeoutMs: 5000 }).fetch();
    expect(staleState.status).toBe('unavailable');
    expect(staleState.reason).toBe(`kubelet pod-resources API at ${stale} unavailable: UNAVAILABLE: connect ECONNREFUSED ${stale}`);
    expect(staleState.reason).not.toContain('\n');
    expect(Date.now() - started).toBeLessThan(4000); // refused at once, not at the deadline

    const old = await startFakeKubelet(socketPath(), [], { unimplemented: true });
    cleanup.push(() => old.close());
    const unimplemented = await new KubeletPodResources({ socketPath: old.socketPath }).fetch();
    expect(unimplemented.status).toBe('unavailable');
    expect(unimplemented.reason).toMatch(/unavailable: UNIMPLEMENTED: /);
  });

  it('a peer that never answers: unavailable at the deadline, and current() never waits for it', async () => {
    const silentPath = socketPath();
    const silent = await startSilentSocket(silentPath);
    cleanup.push(() => silent.close());
    const source = new KubeletPodResources({ socketPath: silentPath, timeoutMs: 700 });
    const t0 = performance.now();
    const first = source.current(); // starts a background fetch
    const again = source.current();
    expect(performance.now() - t0).toBeLessThan(20);
    expect(first.status).toBe('pending');
    expect(again).toBe(first);
    const state = await source.fetch(); // joins the fetch under way
    expect(source.calls).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(600);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(state.status).toBe('unavailable');
    expect(state.reason).toBe(`kubelet pod-resources API at ${silentPath} unavailable: DEADLINE_EXCEEDED: no answer within 700 ms`);
    expect(source.current()).toBe(state);
  });

  it('caches: many reads within maxAge make one call; an old answer is refreshed in the background', async () => {
    const kubelet = await startFakeKubelet(socketPath(), PODS.slice(0, 1));
    cleanup.push(() => kubelet.close());
    const source = new KubeletPodResources({ socketPath: kubelet.socketPath, maxAgeMs: 300 });
    await source.fetch();
    for (let i = 0; i < 100; i++) expect(source.current().status).toBe('ok');
    expect(kubelet.calls).toBe(1);
    expect(source.allocationsFor(GPU2)).toEqual([]);

    kubelet.setPods(PODS);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const stale = source.current(); // old answer now, a fetch starts behind it
    expect(stale.allocations).toHaveLength(2);
    await source.fetch();
    expect(kubelet.calls).toBe(2);
    expect(source.current().allocations).toHaveLength(5);
    expect(source.allocationsFor(GPU2)).toHaveLength(2);
  });

  it.runIf(process.getuid?.() === 0)('a socket the user may not open: unavailable, saying permission denied', async () => {
    const kubelet = await startFakeKubelet(socketPath(), PODS, { mode: 0o600 });
    cleanup.push(() => kubelet.close());
    const script = `
      import { KubeletPodResources } from ${JSON.stringify(path.join(root, 'dist/core/containers/pod-resources.js'))};
      const state = await new KubeletPodResources({ socketPath: ${JSON.stringify(kubelet.socketPath)} }).fetch();
      process.stdout.write(JSON.stringify(state));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 20_000 });
    expect(result.stderr).toBe('');
    const state = JSON.parse(result.stdout) as { status: string; reason: string };
    expect(state.status).toBe('unavailable');
    expect(state.reason).toBe(`kubelet pod-resources API at ${kubelet.socketPath} unavailable: UNAVAILABLE: permission denied (connect EACCES ${kubelet.socketPath}); run as root or mount the socket readable`);
    expect(kubelet.calls).toBe(0);
  });
});
