// One monitor refresh, measured in-process (run by bench/monitor.mjs with the fake NVML in the
// environment; prints one JSON line): NVML calls per refresh (the fake library counts them),
// bytes the painter writes per refresh with live data and with data that does not change, and
// milliseconds per refresh (gather + state update + frame + diff).
//
//   NVITOP_NVML_LIBRARY=... NVITOP_FAKE_NVML_SCENARIO=... node bench/monitor-refresh.mjs [refreshes]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import koffi from 'koffi';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const refreshes = Number.parseInt(process.argv[2] ?? '6', 10);
const scenarioFile = process.env.NVITOP_FAKE_NVML_SCENARIO;
const { runMonitor } = await import(path.join(root, 'dist/cli/monitor/index.js'));
const { MonitorApp } = await import(path.join(root, 'dist/cli/monitor/app.js'));
const { Painter } = await import(path.join(root, 'dist/cli/monitor/painter.js'));
const { createGatherer } = await import(path.join(root, 'dist/cli/gather.js'));

const lib = koffi.load(process.env.NVITOP_NVML_LIBRARY);
const resetCounts = lib.func('void fakeNvml_resetCallCounts(void)');
const writeCounts = lib.func('int fakeNvml_writeCallCounts(const char *path)');
const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-'));
const countsFile = path.join(dir, 'counts.json');

class Input extends PassThrough {
  isTTY = true;
  setRawMode() {
    return this;
  }
}
class Output extends Writable {
  isTTY = true;
  columns = 120;
  rows = 40;
  bytes = 0;
  _write(chunk, _encoding, callback) {
    this.bytes += chunk.length;
    callback();
  }
}

const gatherer = createGatherer({});
const live = () => gatherer({ detail: 'table', clocks: true }).data;

/** Runs the monitor for `count` refreshes; returns per-refresh records. */
async function measure(gather, count, { countCalls }) {
  const input = new Input();
  const output = new Output();
  const records = [];
  let pending = null;
  const wrapped = () => {
    if (countCalls) resetCounts();
    const start = process.hrtime.bigint();
    const data = gather();
    pending = { start, end: process.hrtime.bigint(), bytesBefore: output.bytes };
    if (countCalls) {
      writeCounts(countsFile);
      pending.calls = JSON.parse(readFileSync(countsFile, 'utf8'));
    }
    return data;
  };
  // 1 s refreshes: the clock's seconds change at every refresh, as they do at the default 2 s.
  const done = runMonitor({ input, output, gather: wrapped, interval: 1 });
  // The painter writes synchronously after gather returns; close each record on the next poll.
  while (records.length < count + 1) {
    await new Promise((r) => setTimeout(r, 50));
    if (pending !== null) {
      records.push({ gatherMs: Number(pending.end - pending.start) / 1e6, bytes: output.bytes - pending.bytesBefore, calls: pending.calls });
      pending = null;
    }
  }
  input.write('q');
  await done;
  return records.slice(1); // the first refresh paints the whole screen
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Milliseconds to draw a frame and diff it (no NVML): state update + frame + painter. */
function frameCost(data, n = 50) {
  const app = new MonitorApp({
    mode: 'auto',
    readonly: false,
    render: { ascii: false, colorful: false, light: false, gpuUtilThresholds: [10, 75], memUtilThresholds: [10, 80] },
    services: { sendSignal() {}, environ: () => ({}), buildTree: () => [], now: () => new Date() },
  });
  const painter = new Painter(() => {}, { light: false, noColor: false });
  painter.resize(40, 120);
  app.update(data);
  painter.paint(app.frame(40, 120));
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) {
    app.update({ ...data, timestamp: Date.now() });
    painter.paint(app.frame(40, 120));
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
}

const liveRecords = await measure(live, refreshes, { countCalls: true });
const frozenData = live();
const frozenRecords = await measure(() => ({ ...frozenData, timestamp: Date.now() }), refreshes, { countCalls: false });
const callsPerRefresh = liveRecords.map((r) => Object.values(r.calls).reduce((a, b) => a + b, 0));
const lastCalls = liveRecords[liveRecords.length - 1].calls;
const devices = frozenData.devices.length;
const repeated = Object.entries(lastCalls).filter(([, n]) => n > devices);
const gatherStart = process.hrtime.bigint();
for (let i = 0; i < 10; i += 1) live();
const gatherMs = Number(process.hrtime.bigint() - gatherStart) / 1e6 / 10;

console.log(
  JSON.stringify({
    devices,
    processes: frozenData.processes.length,
    nvmlCallsPerRefresh: median(callsPerRefresh),
    nvmlCallsPerDevicePerRefresh: median(callsPerRefresh) / devices,
    functionsCalledMoreThanOncePerDevice: Object.fromEntries(repeated),
    callsByFunction: lastCalls,
    bytesPerRefreshLive: median(liveRecords.map((r) => r.bytes)),
    bytesPerRefreshUnchanged: median(frozenRecords.map((r) => r.bytes)),
    gatherMs,
    frameMs: frameCost(frozenData),
  }),
);
rmSync(dir, { recursive: true, force: true });
