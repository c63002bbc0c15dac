// Record GPU, host and process metrics in the background while the program does its work, as
// nvitop's `collect_in_background` example: one CSV row per interval with the statistics since
// the start (mean/min/max/last of every metric).
//
//   npx tsx examples/collect-in-background.ts [out.csv] [seconds] [interval]
import { CsvLogger, Device, ResourceMetricCollector, collectInBackground } from 'nvitop-node';

const [out = 'collect-in-background.csv', seconds = '3', interval = '0.5'] = process.argv.slice(2);
const logger = new CsvLogger(out);

let rows = 0;
const daemon = collectInBackground(
  (metrics) => {
    logger.write(metrics, rows); // one row per call
    rows += 1;
  },
  new ResourceMetricCollector({ devices: Device.cuda.all(), rootPids: [1], interval: Number(interval) }),
  {
    interval: Number(interval),
    tag: 'resources',
    onStop: () => logger.close(), // runs once, when the loop ends
  },
);
daemon.collector.on('error', (error, scope) => console.error(`collector error in ${scope}: ${error.message}`));

// The program's own work: here, just waiting.
await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));

await daemon.stop();
console.log(`wrote ${rows} rows of ${daemon.collector.allDevices.length} device(s) to ${out}`);
