// The seed's TensorBoard example in TypeScript: a training loop with nested collector tags, each
// batch's and each epoch's resource statistics added to a TensorBoard event file next to the
// training metrics. View with `tensorboard --logdir runs`.
//
//   npx tsx examples/collect-to-tensorboard.ts [logDir] [epochs] [batchesPerEpoch]
import { CudaDevice, ResourceMetricCollector, SummaryWriter, addScalarDict } from 'nvitop-node';

const [logDir = 'runs/collector', epochs = '2', batchesPerEpoch = '5'] = process.argv.slice(2);

const writer = new SummaryWriter(logDir);
const collector = new ResourceMetricCollector({
  devices: CudaDevice.all(), // the visible CUDA devices, keys by CUDA ordinal ('cuda:0 (gpu:3)')
  rootPids: [process.pid], // only this process and its children
  interval: 0.1, // background sampling every 100 ms (nvitop's default is 1 s)
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function train(step: number): Promise<Record<string, number>> {
  await sleep(20); // stands for a training step
  return { loss: 1 / (1 + step) };
}

let globalStep = 0;
for (let epoch = 0; epoch < Number(epochs); epoch += 1) {
  await collector.context('train', async () => {
    for (let batch = 0; batch < Number(batchesPerEpoch); batch += 1) {
      await collector.context('batch', async () => {
        const metrics = await train(globalStep);
        globalStep += 1;
        addScalarDict(writer, 'train', metrics, globalStep);
        addScalarDict(writer, 'resources', collector.collect(), globalStep); // 'resources/train/batch/...'
      });
    }
    addScalarDict(writer, 'resources', collector.collect(), epoch); // 'resources/train/...'
  });
  await collector.context('validate', async () => {
    await sleep(20);
    addScalarDict(writer, 'validate', { loss: 0.5 / (1 + epoch) }, epoch);
    addScalarDict(writer, 'resources', collector.collect(), epoch); // 'resources/validate/...'
  });
}

await writer.close();
console.log(`wrote ${writer.path}`);
