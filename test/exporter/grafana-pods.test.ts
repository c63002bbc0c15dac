// The dashboard's "Kubernetes pods" row against what the exporter really exports with
// `kubernetes`: the exporter (in this process, on the fake MIG machine) labels process series
// with pod, namespace and container (cgroups through the host platform seam, names from a fake
// kubelet speaking real gRPC) and exports gpu_allocation_info; a real Prometheus (Debian's
// `prometheus` package) scrapes it, and every query of the row is evaluated through its HTTP API
// and must give each pod's figures as the scenario sets them (a MIG process counted once).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { K8S_CONTAINERD_SYSTEMD_V2 } from '../fixtures/cgroup-files.js';
import { fakeLibraryPath, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { fetchText, freePort, waitFor } from '../helpers/exporter-process.js';
import { startFakeKubelet, type FakeKubelet } from '../helpers/fake-kubelet.js';
import { concrete, dashboardQueries, metricNames } from './dashboard-queries.js';

const havePrometheus = !spawnSync('prometheus', ['--version']).error;
if (!havePrometheus) console.warn('SKIPPED test/exporter/grafana-pods.test.ts: no `prometheus` binary (apt-get install -y prometheus)');

const MiB = 2 ** 20;
const HOSTNAME = 'node-1';
const ROW = 'Kubernetes pods';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-grafana-pods-'));
const children: ChildProcess[] = [];
const pids: Record<'inference' | 'hostOnMig' | 'training', number> = { inference: 0, hostOnMig: 0, training: 0 };
let scenario: FakeScenario;
let kubelet: FakeKubelet;
let server: http.Server;
let prometheus: ChildProcess | undefined;
let promApi = '';
let log = '';

// The training pod's cgroup (containerd, systemd driver, cgroup v2, as in the fixtures).
const TRAIN_UID = '11111111-2222-4333-8444-555555555555';
const TRAIN_CGROUP = `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${TRAIN_UID.replace(/-/g, '_')}.slice/cri-containerd-${'a'.repeat(64)}.scope\n`;

type Result = Array<{ metric: Record<string, string>; value: [number, string] }>;
async function query(expr: string): Promise<Result> {
  const response = await fetchText(`${promApi}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = JSON.parse(response.body) as { status: string; error?: string; data: { result: Result } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** The row's queries with the dashboard's variables at "All". */
const rowQueries = () => dashboardQueries().filter((q) => q.row === ROW);
const byPod = (result: Result) => Object.fromEntries(result.map((r) => [`${r.metric['namespace']}/${r.metric['pod']}`, r.value[1]]));

beforeAll(async () => {
  if (!havePrometheus) return;
  for (let i = 0; i < 3; i++) children.push(spawn('sleep', ['300'], { stdio: 'ignore' }));
  [pids.inference, pids.hostOnMig, pids.training] = children.map((c) => c.pid as number) as [number, number, number];
  const base = loadScenario('mig');
  const gpu0 = base.devices[0]! as FakeScenario['devices'][number] & { migDevices: Array<Record<string, unknown>> };
  gpu0.migDevices[0]!.computeProcesses = [
    { pid: pids.inference, usedGpuMemory: 2 * 2 ** 30 },
    { pid: pids.hostOnMig, usedGpuMemory: 2 ** 30 },
  ];
  base.devices[1]!.computeProcesses = [{ pid: pids.training, usedGpuMemory: 3 * 2 ** 30 }];
  base.devices[1]!.processUtilization = [{ pid: pids.training, smUtil: 61, memUtil: 20, encUtil: 0, decUtil: 0 }];
  scenario = base;
  process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  const api = await import('../../src/index.js');
  const hostApi = await import('../../src/core/host/index.js');
  const cgroups = new Map([
    [pids.inference, K8S_CONTAINERD_SYSTEMD_V2],
    [pids.hostOnMig, '0::/user.slice/user-0.slice/session-1.scope\n'],
    [pids.training, TRAIN_CGROUP],
  ]);
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
  const migUuid = gpu0.migDevices[0]!.uuid as string;
  kubelet = await startFakeKubelet(path.join(dir, 'kubelet.sock'), [
    { name: 'infer-0', namespace: 'serving', containers: [{ name: 'server', devices: [{ resourceName: 'nvidia.com/mig-1g.5gb', deviceIds: [migUuid] }] }] },
    { name: 'train-0', namespace: 'ml', containers: [{ name: 'trainer', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [base.devices[1]!.uuid as string] }] }] },
  ]);
  const source = new api.KubeletPodResources({ socketPath: kubelet.socketPath });
  await source.fetch();
  const registry = new Registry();
  api.createExporter({ registry, hostname: HOSTNAME, interval: 0, kubernetes: source });
  server = http.createServer((_request, response) => {
    void registry.metrics().then((text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text));
  });
  const exporterPort = await freePort();
  await new Promise<void>((resolve) => server.listen(exporterPort, '127.0.0.1', resolve));

  const port = await freePort();
  promApi = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: nvitop-exporter', '    static_configs:', `      - targets: ["127.0.0.1:${exporterPort}"]`, ''].join('\n'),
  );
  prometheus = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  prometheus.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(async () => ((await fetchText(`${promApi}/-/ready`)).status === 200 ? true : undefined), 30_000, 200).catch((error: unknown) => {
    throw new Error(`Prometheus did not become ready: ${String(error)}\n${log}`);
  });
  await waitFor(async () => ((await query('up{job="nvitop-exporter"} == 1')).length === 1 && (await query('gpu_allocation_info')).length > 0 ? true : undefined), 45_000, 250);
}, 120_000);

afterAll(async () => {
  prometheus?.kill('SIGKILL');
  for (const child of children) child.kill('SIGKILL');
  await kubelet?.close();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!havePrometheus)('grafana/dashboard.json: the Kubernetes pods row on a real Prometheus', () => {
  it('has its panels, a namespace variable, and queries only series the exporter exports with --kubernetes', async () => {
    const queries = rowQueries();
    expect(queries.map((q) => q.where)).toEqual([
      'GPU memory by pod A',
      'GPU SM utilization by pod A',
      'Utilization of the GPUs allocated to each pod A',
      'GPU memory used on the GPUs allocated to each pod A',
      'GPU allocations allocation',
    ]);
    const stored = new Set((await query('count by (__name__) ({job="nvitop-exporter"})')).map((r) => r.metric['__name__']));
    for (const { where, expr } of [...queries, ...dashboardQueries().filter((q) => q.where === 'variable namespace')]) {
      for (const name of metricNames(expr)) expect(stored.has(name), `${where}: ${name}`).toBe(true);
    }
    // The labels the row groups, joins and filters on are on the series (dcgm-exporter's names).
    const allocation = await query('gpu_allocation_info');
    for (const label of ['hostname', 'uuid', 'UUID', 'namespace', 'pod', 'container', 'resource']) {
      for (const row of allocation) expect(Object.keys(row.metric), label).toContain(label);
    }
    const variable = dashboardQueries().find((q) => q.where === 'variable namespace')!.expr;
    const selector = concrete(/label_values\((.*),\s*\w+\)/.exec(variable)![1]!);
    expect(new Set((await query(selector)).map((r) => r.metric['namespace']))).toEqual(new Set(['ml', 'serving']));
  });

  it('GPU memory by pod: each pod once, a MIG process not counted twice, host processes left out', async () => {
    const [memory] = rowQueries();
    const result = await query(concrete(memory!.expr));
    expect(byPod(result)).toEqual({ 'serving/infer-0': String(2048), 'ml/train-0': String(3072) });
    // Without the MIG rule, the MIG process would count on its GPU's row too.
    const naive = await query('sum by (namespace, pod) (process_gpu_memory_MiB{pod!=""})');
    expect(byPod(naive)['serving/infer-0']).toBe(String(4096));
  });

  it('SM utilization by pod sums its processes', async () => {
    const result = await query(concrete(rowQueries()[1]!.expr));
    expect(byPod(result)['ml/train-0']).toBe('61');
  });

  it('the allocated GPUs: utilization and memory used per pod, and the allocation table', async () => {
    const [, , utilization, used, table] = rowQueries();
    const gpu1 = scenario.devices[1]! as { utilization: { gpu: number }; memory: { used: number } };
    expect(byPod(await query(concrete(utilization!.expr)))['ml/train-0']).toBe(String(gpu1.utilization.gpu));
    const migUsed = ((scenario.devices[0]! as { migDevices: Array<{ memory: { used: number } }> }).migDevices[0]!.memory.used) / MiB;
    const usedByPod = byPod(await query(concrete(used!.expr)));
    expect(Number(usedByPod['ml/train-0'])).toBeCloseTo(gpu1.memory.used / MiB, 6);
    expect(Number(usedByPod['serving/infer-0'])).toBeCloseTo(migUsed, 6);
    const rows = (await query(concrete(table!.expr))).map((r) => r.metric);
    expect(rows.map((r) => `${r['namespace']}/${r['pod']}/${r['container']} ${r['resource']}`).sort()).toEqual([
      'ml/train-0/trainer nvidia.com/gpu',
      'serving/infer-0/server nvidia.com/mig-1g.5gb',
    ]);
    // dcgm-exporter's join labels: the physical GPU's UUID, and the GPU instance of a MIG device
    // (Prometheus drops the empty GPU_I_ID of a whole GPU).
    const mig = rows.find((r) => r['pod'] === 'infer-0')!;
    expect(mig['UUID']).toBe(scenario.devices[0]!.uuid);
    expect(mig['GPU_I_ID']).toMatch(/^\d+$/);
    expect(rows.find((r) => r['pod'] === 'train-0')!['UUID']).toBe(scenario.devices[1]!.uuid);
  });
});
