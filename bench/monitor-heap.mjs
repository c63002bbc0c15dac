// The monitor's JS heap (after a forced GC) over many refreshes, without waiting for them: the
// real gather (fake NVML, eight-GPU scenario), state update, frame and diff, with the clock
// advanced 2 s per refresh. Shows whether anything grows with time (history buffers fill up to
// their 2049-sample capacity during the first ~35 minutes, then stay).
//
//   npm run build && npm run build:fake-nvml && node --expose-gc bench/monitor-heap.mjs [MINUTES=300]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.NVITOP_NVML_LIBRARY ??= path.join(root, 'build', 'fake-nvml', 'libnvidia-ml.so.1');
process.env.NVITOP_FAKE_NVML_SCENARIO ??= path.join(root, 'test', 'fake-nvml', 'scenarios', 'eight-gpu.json');
if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(1);
}
const minutes = Number.parseFloat(process.argv[2] ?? '300');
const { MonitorApp } = await import(path.join(root, 'dist/cli/monitor/app.js'));
const { Painter } = await import(path.join(root, 'dist/cli/monitor/painter.js'));
const { createGatherer } = await import(path.join(root, 'dist/cli/gather.js'));

const gather = createGatherer({});
const app = new MonitorApp({
  mode: 'auto',
  readonly: false,
  render: { ascii: false, colorful: false, light: false, gpuUtilThresholds: [10, 75], memUtilThresholds: [10, 80] },
  services: { sendSignal() {}, environ: () => ({}), buildTree: () => [], now: () => new Date() },
});
const painter = new Painter(() => {}, { light: false, noColor: false });
painter.resize(40, 120);
let clock = Date.now();
let done = 0;
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
for (const mark of [1, 10, 30, 60, 100, 200, 300, 600].filter((m) => m <= minutes)) {
  for (; done < mark * 30; done += 1) {
    clock += 2000;
    const data = gather({ detail: 'table', clocks: true }).data;
    app.update({ ...data, timestamp: clock });
    painter.paint(app.frame(40, 120));
  }
  globalThis.gc();
  console.log(`after ${String(mark).padStart(3)} min of 2 s refreshes (${done}): heap ${mib(process.memoryUsage().heapUsed)}, RSS ${mib(process.memoryUsage().rss)}`);
}
