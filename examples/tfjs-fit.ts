// GPU statistics while a tfjs model trains: GpuStatsLogger puts per-epoch GPU stats in the
// History and per-batch rows in a CSV file. Works the same with @tensorflow/tfjs-node-gpu.
//
//   npx tsx examples/tfjs-fit.ts [batches.csv] [epochs]
import * as tf from '@tensorflow/tfjs';
import { CsvLogger, GpuStatsLogger } from 'nvitop-node';

const [out = 'tfjs-fit.csv', epochs = '3'] = process.argv.slice(2);

const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })],
});
model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
const xs = tf.randomNormal([256, 32]);
const ys = tf.randomNormal([256, 1]);

const gpuStats = new GpuStatsLogger({
  // devices: ['/gpu:0'],         // default: every CUDA-visible device
  temperature: true,
  intraStepTime: true,
  interStepTime: true,
  sinks: new CsvLogger(out), // one row per batch
});

const history = await model.fit(xs, ys, { epochs: Number(epochs), batchSize: 32, callbacks: [gpuStats], verbose: 0 });

for (const key of gpuStats.keys) {
  const values = (history.history[key] as number[]).map((v) => (Number.isNaN(v) ? 'N/A' : v.toFixed(1)));
  console.log(`${key}: ${values.join(', ')}`);
}
console.log(`per-batch rows in ${out}`);
