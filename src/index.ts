/**
 * nvitop-node: NVIDIA GPU monitoring for Node.js.
 *
 * @example
 * ```ts
 * import { Device, GpuProcess, host } from 'nvitop-node';
 *
 * for (const device of Device.all()) {
 *   const snapshot = device.asSnapshot();
 *   console.log(`${snapshot.displayIndex} ${snapshot.name} ${snapshot.memoryUsage} ${snapshot.gpuUtilization}%`);
 *   const processes = GpuProcess.takeSnapshots(device.processes().values(), { failsafe: true });
 *   for (const p of processes) console.log(`  ${p.pid} ${p.username} ${p.gpuMemoryHuman} ${p.command}`);
 * }
 * console.log(`host CPU ${host.cpuPercent()}%`);
 * ```
 *
 * @module
 */
export * from './core/index.js';
export * from './collector/index.js';
export * from './callbacks/index.js';
export * from './exporter/index.js';
