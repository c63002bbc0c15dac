#!/usr/bin/env node
// The cost of containers (issue 16) per refresh, on the fake eight-GPU machine with 16 real
// processes (two per GPU), each figure measured in a fresh worker process, in interleaved rounds
// (median of 7: the machine is shared, and noise moves every job alike):
//  - "no cost when unused": with the feature off, a refresh of GpuProcess.takeSnapshots (what
//    nvitop and the exporter do per refresh) and a ResourceMetricCollector sample (rootPids [1]),
//    against the same with the package as it was before issue 16 (`--baseline <dir>`: a checkout
//    built with `npm run build`, see below);
//  - the extra cost per refresh with it on: snapshots with cgroups only (no kubelet socket), with
//    the kubelet join (a fake pod-resources server answering real gRPC, started here), and a
//    collector sample with `containers: true`'s per-container keys; and the first kubelet List.
// Run: npm run build && npm run build:fake-nvml && node bench/containers.mjs [refreshes] [--baseline <dir>]
// The baseline before issue 16 (the parent of its first commit, 46afed3):
//   mkdir /tmp/before-16 && git archive 46afed3^ | tar -x -C /tmp/before-16
//   ln -s "$PWD/node_modules" /tmp/before-16/node_modules && (cd /tmp/before-16 && npm run build)
//   node bench/containers.mjs --baseline /tmp/before-16
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

if (argv[0] === '--worker') {
  await worker(...argv.slice(1));
} else {
  await main();
}

/** One measurement: `refreshes` refreshes of `job` with the package at `bundle`; prints ms per refresh. */
async function worker(bundle, job, refreshesText, socketPath, absentSocket) {
  const refreshes = Number(refreshesText);
  const api = await import(pathToFileURL(bundle).href);
  const devices = api.Device.all();
  const processes = () => devices.flatMap((device) => [...device.processes().values()]);
  let refresh;
  let listMs = null;
  if (job.startsWith('snapshots')) {
    let options = { failsafe: true };
    if (job === 'snapshots-cgroups') {
      const kubelet = new api.KubeletPodResources({ socketPath: absentSocket });
      await kubelet.fetch();
      options = { failsafe: true, containers: kubelet };
    } else if (job === 'snapshots-kubelet') {
      const kubelet = new api.KubeletPodResources({ socketPath, maxAgeMs: 600_000 });
      const started = performance.now();
      await kubelet.fetch();
      listMs = performance.now() - started;
      options = { failsafe: true, containers: kubelet };
    }
    refresh = () => api.GpuProcess.takeSnapshots(processes(), options);
  } else {
    let containers;
    if (job === 'collector-containers') {
      containers = new api.KubeletPodResources({ socketPath, maxAgeMs: 600_000 });
      await containers.fetch();
    }
    const collector = new api.ResourceMetricCollector({ rootPids: [1], interval: 3600, ...(containers ? { containers } : {}) });
    refresh = () => collector.sample();
  }
  for (let i = 0; i < 30; i++) refresh(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < refreshes; i++) refresh();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / refreshes;
  process.stdout.write(`${JSON.stringify({ ms, listMs })}\n`);
  process.exit(0);
}

async function main() {
  const positional = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--baseline');
  const refreshes = Number(positional[0] ?? 200);
  const baselineIndex = argv.indexOf('--baseline');
  const baselineDir = baselineIndex >= 0 ? path.resolve(argv[baselineIndex + 1] ?? '') : undefined;
  const baseline = baselineDir === undefined ? undefined : path.join(baselineDir, 'dist/bundle/index.js');
  if (baseline !== undefined && !existsSync(baseline)) {
    console.error(`bench/containers: no ${baseline} (build the baseline checkout with npm run build)`);
    process.exit(2);
  }
  const current = path.join(root, 'dist/bundle/index.js');

  const grpc = await import('@grpc/grpc-js');
  const protoLoader = await import('@grpc/proto-loader');
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
  const env = { ...process.env, NVITOP_NVML_LIBRARY: path.join(root, 'build/fake-nvml/libnvidia-ml.so.1'), NVITOP_FAKE_NVML_SCENARIO: scenarioFile };

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

  const jobs = [
    ...(baseline === undefined
      ? []
      : [
          ['before issue 16: snapshots', baseline, 'snapshots-off'],
          ['before issue 16: collector sample', baseline, 'collector-off'],
        ]),
    ['now, containers off: snapshots', current, 'snapshots-off'],
    ['now, containers off: collector sample', current, 'collector-off'],
    ['now, containers on: snapshots, cgroups only', current, 'snapshots-cgroups'],
    ['now, containers on: snapshots, kubelet join', current, 'snapshots-kubelet'],
    ['now, containers on: collector sample with container keys', current, 'collector-containers'],
  ];
  const run = (bundle, job) =>
    new Promise((resolve, reject) => {
      // Asynchronous: the fake kubelet answers from this process's event loop.
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', bundle, job, String(refreshes), socketPath, path.join(dir, 'absent.sock')], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${job} exited with ${code}`))));
    });
  const samples = jobs.map(() => []);
  const lists = [];
  for (let round = 0; round < 7; round++) {
    for (const [i, [, bundle, job]] of jobs.entries()) {
      const { ms, listMs } = await run(bundle, job);
      samples[i].push(ms);
      if (typeof listMs === 'number') lists.push(listMs);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = Object.fromEntries(jobs.map(([label], i) => [label, median(samples[i])]));
  console.log(`${children.length} GPU processes on 8 GPUs, ms per refresh, median of 7 rounds of ${refreshes} refreshes (one worker process each):`);
  for (const [label, value] of Object.entries(ms)) console.log(`  ${label.padEnd(58)} ${value.toFixed(3)}`);
  const ratio = (a, b) => `${(a - b >= 0 ? '+' : '')}${(a - b).toFixed(3)} ms (${((a / b - 1) * 100).toFixed(1)}%)`;
  if (baseline !== undefined) {
    console.log('  no cost when unused (containers off, now vs before issue 16):');
    console.log(`    snapshots ${ratio(ms['now, containers off: snapshots'], ms['before issue 16: snapshots'])}`);
    console.log(`    collector sample ${ratio(ms['now, containers off: collector sample'], ms['before issue 16: collector sample'])}`);
  }
  console.log('  extra per refresh with containers on (vs off, now):');
  console.log(`    snapshots, cgroups only ${ratio(ms['now, containers on: snapshots, cgroups only'], ms['now, containers off: snapshots'])}`);
  console.log(`    snapshots, kubelet join ${ratio(ms['now, containers on: snapshots, kubelet join'], ms['now, containers off: snapshots'])}`);
  console.log(`    collector sample with container keys ${ratio(ms['now, containers on: collector sample with container keys'], ms['now, containers off: collector sample'])}`);
  console.log(`  first kubelet List (gRPC load + connect + call, never on a refresh): median ${median(lists).toFixed(1)} ms`);

  for (const child of children) child.kill('SIGKILL');
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
}
