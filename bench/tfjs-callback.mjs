#!/usr/bin/env node
// GpuStatsLogger's cost per batch, against a small model's batch time (target: under 1 %).
//  1. the logger's hooks called directly (onBatchBegin + onBatchEnd per batch): microseconds per
//     batch for a few option sets (default: a reading reused for 100 ms; readIntervalMs 0: a
//     reading every batch, through the core's 500 ms query cache or straight from NVML);
//  2. model.fit A/B: the same model trained with and without the logger, alternating runs;
//     time per batch, the fastest run of each arm (the least disturbed by other load on the
//     machine) and the median.
// Model (as in ../shared/reference/measured-facts.md): 32 -> Dense(64, relu) -> Dense(1), adam,
// MSE, metrics ['mae'], 1024 samples, batch 32, @tensorflow/tfjs (CPU backend).
// Each scenario runs in its own process (a loaded libnvidia-ml keeps its scenario).
// Run: npm run build && npm run build:fake-nvml && node bench/tfjs-callback.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const library = path.join(root, 'build/fake-nvml/libnvidia-ml.so.1');
const quick = process.argv.includes('--quick');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function child() {
  const tf = await import('@tensorflow/tfjs');
  const api = await import(path.join(root, 'dist/index.js'));
  const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-bench-tfjs-'));
  const result = { devices: api.Device.cuda.count(), direct: {}, fit: {} };

  // 1. Direct hook cost.
  const variants = [
    ['default options', {}, 500],
    ['all stats + step times', { fanSpeed: true, temperature: true, intraStepTime: true, interStepTime: true }, 500],
    ['default + CsvLogger sink (a row per batch)', { sinks: new api.CsvLogger(path.join(dir, 'batches.csv')) }, 500],
    ['readIntervalMs 0 (query cache 500 ms)', { readIntervalMs: 0 }, 500],
    ['readIntervalMs 0, query cache off (NVML each batch)', { readIntervalMs: 0 }, 0],
  ];
  const batches = quick ? 20_000 : 100_000;
  for (const [name, options, ttl] of variants) {
    api.setQueryCacheTtl(ttl);
    const logger = new api.GpuStatsLogger(options);
    logger.onEpochBegin(0, {});
    const logs = { batch: 0, size: 32, loss: 0.5, mae: 0.3 };
    for (let i = 0; i < 1000; i += 1) {
      logger.onBatchBegin(i, logs);
      logger.onBatchEnd(i, logs);
    }
    const t0 = performance.now();
    for (let i = 0; i < batches; i += 1) {
      logger.onBatchBegin(i, logs);
      logger.onBatchEnd(i, logs);
    }
    result.direct[name] = ((performance.now() - t0) * 1000) / batches;
  }
  api.setQueryCacheTtl(500);

  // 2. model.fit A/B.
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
  const xs = tf.randomNormal([1024, 32], 0, 1, 'float32', 1);
  const ys = tf.randomNormal([1024, 1], 0, 1, 'float32', 2);
  const fit = async (callbacks) => {
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs: 3, batchSize: 32, callbacks, verbose: 0 });
    return (performance.now() - t0) / (3 * 32);
  };
  await fit([]); // warm-up (the first fit in a process is slower)
  await fit([new api.GpuStatsLogger()]);
  const without = [];
  const withLogger = [];
  for (let run = 0; run < (quick ? 3 : 9); run += 1) {
    without.push(await fit([]));
    withLogger.push(await fit([new api.GpuStatsLogger()]));
  }
  result.fit = { withoutMs: Math.min(...without), withMs: Math.min(...withLogger), withoutMedianMs: median(without), withMedianMs: median(withLogger) };
  process.stdout.write(`\n@@${JSON.stringify(result)}`);
}

if (process.argv[2] === '--child') {
  await child();
} else {
  console.log(`GpuStatsLogger cost per batch, fake NVML, @tensorflow/tfjs CPU backend, Node ${process.version}`);
  for (const scenario of ['one-gpu', 'eight-gpu']) {
    const env = {
      ...process.env,
      NVITOP_NVML_LIBRARY: library,
      NVITOP_FAKE_NVML_SCENARIO: path.join(root, 'test/fake-nvml/scenarios', `${scenario}.json`),
      CUDA_VISIBLE_DEVICES: '',
    };
    delete env.CUDA_VISIBLE_DEVICES;
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...(quick ? ['--quick'] : [])], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child failed:\n${r.stderr}`);
    const result = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('@@') + 2));
    const batchMs = result.fit.withoutMs;
    console.log(`\n${scenario} (${result.devices} CUDA device(s)); batch time without the logger ${batchMs.toFixed(3)} ms (fastest run)`);
    for (const [name, us] of Object.entries(result.direct)) {
      console.log(`  hooks, ${name.padEnd(52)} ${us.toFixed(2).padStart(7)} us/batch  ${((100 * us) / (batchMs * 1000)).toFixed(2).padStart(5)} % of a batch`);
    }
    const delta = result.fit.withMs - result.fit.withoutMs;
    console.log(`  model.fit A/B, fastest runs: ${result.fit.withoutMs.toFixed(3)} ms -> ${result.fit.withMs.toFixed(3)} ms per batch (${delta >= 0 ? '+' : ''}${((100 * delta) / result.fit.withoutMs).toFixed(1)} %); medians ${result.fit.withoutMedianMs.toFixed(3)} -> ${result.fit.withMedianMs.toFixed(3)} ms (noise included)`);
  }
}
