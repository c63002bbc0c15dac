// Choose GPUs at the start of a training script, as nvitop's `select_devices`, then wait for
// busy GPUs and lock the chosen one against other launchers.
//
//   npx tsx examples/select-devices.ts [minCount] [minFreeMemory]
//
// On a machine without GPUs, try it on the fake eight-GPU machine of the tests:
//   npm run build && npm run build:fake-nvml
//   NVITOP_NVML_LIBRARY=build/fake-nvml/libnvidia-ml.so.1 \
//   NVITOP_FAKE_NVML_SCENARIO=test/fake-nvml/scenarios/eight-gpu.json \
//   npx tsx examples/select-devices.ts
import { Device, DeviceWaitTimeoutError, NotEnoughDevicesError, selectDevices, useDevices, waitForDevices } from 'nvitop-node';

const [minCount = '2', minFreeMemory = '8GiB'] = process.argv.slice(2);

// 1. The usual first line of a training script: UUIDs are right whatever CUDA_DEVICE_ORDER says.
const uuids = selectDevices({ format: 'uuid', minCount: Number(minCount), minFreeMemory });
console.log(`${uuids.length} GPU(s) with at least ${minFreeMemory} free: ${uuids.join(',')}`);

// 2. Asking for more than there is fails loudly, naming the constraint.
try {
  selectDevices({ minCount: Device.count() + 1, maxGpuUtilization: 50 });
} catch (error) {
  if (!(error instanceof NotEnoughDevicesError)) throw error;
  console.log(error.message);
}

// 3. Wait (here only one second) for a GPU that frees up.
try {
  await waitForDevices({
    minFreeMemory: '1TiB',
    wait: '1s',
    interval: '250ms',
    onProgress: ({ attempt, found, required }) => console.log(`look ${attempt}: ${found}/${required}`),
  });
} catch (error) {
  if (!(error instanceof DeviceWaitTimeoutError)) throw error;
  console.log(`gave up after ${error.attempts} looks`);
}

// 4. Take the best GPU for this process: sets CUDA_DEVICE_ORDER and CUDA_VISIBLE_DEVICES, and
//    locks the GPU (in $NVITOP_LOCK_DIR) until this process exits.
const used = useDevices({ maxCount: 1, minFreeMemory, lock: true });
console.log(`CUDA_DEVICE_ORDER=${process.env.CUDA_DEVICE_ORDER} CUDA_VISIBLE_DEVICES=${process.env.CUDA_VISIBLE_DEVICES}`);
console.log(`locked: ${used.locks.map((lock) => lock.device).join(',')}`);
