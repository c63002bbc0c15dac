#!/usr/bin/env node
// The cost of containers (issue 16) per refresh, on the fake eight-GPU machine with real
// processes: GpuProcess.takeSnapshots over every GPU's processes, without containers (the
// default), with cgroups only (no kubelet socket), and with a kubelet answering over gRPC (a fake
// pod-resources server started here). Prints the mean ms per refresh of each and the extra cost.
// Run: npm run build && npm run build:fake-nvml && node bench/containers.mjs [refreshes]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const refreshes = Number(process.argv[2] ?? 300);
const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-containers-'));

// Real processes in place of the scenario's PIDs (16 of them, two per GPU).
const scenario = JSON.parse(readFileSync(path.join(root, 'test/fake-nvml/scenarios/eight-gpu.json'), 'utf8'));
const children = [];
for (const device of scenario.devices) {
  const pids = [0, 1].map(() => {
    const child = spawn('sleep', ['600'], { stdio: 'ignore' });
    children.push(child);
    return child.pid;
  });
  device.computeProcesses = pids.map((pid) => ({ pid, usedGpuMemory: 1 << 30 }));
  device.graphicsProcesses = [];
  device.processUtilization = [];
}
const scenarioFile = path.join(dir, 'scenario.json');
writeFileSync(scenarioFile, JSON.stringify(scenario));
process.env.NVITOP_NVML_LIBRARY = path.join(root, 'build/fake-nvml/libnvidia-ml.so.1');
process.env.NVITOP_FAKE_NVML_SCENARIO = scenarioFile;

// A fake kubelet: every GPU held by one pod's container.
const definition = protoLoader.loadSync(path.join(root, 'test/fixtures/kubelet/podresources-v1-api.proto'), { keepCase: false, longs: Number });
const v1 = grpc.loadPackageDefinition(definition).v1;
const server = new grpc.Server();
const pods = scenario.devices.map((device, i) => ({
  name: `job-${i}`,
  namespace: 'bench',
  containers: [{ name: 'main', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: [device.uuid] }] }],
}));
server.addService(v1.PodResourcesLister.service, { List: (_call, callback) => callback(null, { podResources: pods }) });
const socketPath = path.join(dir, 'kubelet.sock');
await new Promise((resolve, reject) => server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));

const api = await import(path.join(root, 'dist/bundle/index.js'));
const devices = api.Device.all();
const processes = () => devices.flatMap((device) => [...device.processes().values()]);

function timeOnce(options) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < refreshes; i++) api.GpuProcess.takeSnapshots(processes(), options);
  return Number(process.hrtime.bigint() - start) / 1e6 / refreshes;
}

const noKubelet = new api.KubeletPodResources({ socketPath: path.join(dir, 'absent.sock') });
await noKubelet.fetch();
const kubelet = new api.KubeletPodResources({ socketPath, maxAgeMs: 600_000 });
const first = performance.now();
await kubelet.fetch();
const listMs = performance.now() - first;
const modes = [
  ['containers off (default)', { failsafe: true }],
  ['containers on, no kubelet socket (cgroups)', { failsafe: true, containers: noKubelet }],
  ['containers on, kubelet answering (joined)', { failsafe: true, containers: kubelet }],
];
for (const [, options] of modes) for (let i = 0; i < 30; i++) api.GpuProcess.takeSnapshots(processes(), options); // warm-up
// Interleaved rounds, median per mode (the machine is shared: noise moves all modes alike).
const samples = modes.map(() => []);
for (let round = 0; round < 7; round++) modes.forEach(([, options], i) => samples[i].push(timeOnce(options)));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`GpuProcess.takeSnapshots of ${children.length} processes on 8 GPUs, median of 7 rounds of ${refreshes} refreshes:`);
const ms = modes.map(([label], i) => {
  const value = median(samples[i]);
  console.log(`  ${label.padEnd(44)} ${value.toFixed(3)} ms per refresh`);
  return value;
});
console.log(`  extra per refresh: cgroups ${(ms[1] - ms[0]).toFixed(3)} ms (${((ms[1] / ms[0] - 1) * 100).toFixed(1)}%), with the kubelet join ${(ms[2] - ms[0]).toFixed(3)} ms (${((ms[2] / ms[0] - 1) * 100).toFixed(1)}%)`);
console.log(`  first kubelet List (gRPC load + connect + call, never on a refresh): ${listMs.toFixed(1)} ms`);

for (const child of children) child.kill('SIGKILL');
server.forceShutdown();
