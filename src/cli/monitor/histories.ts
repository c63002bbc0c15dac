/**
 * The history graphs the monitor keeps between refreshes: host CPU, memory and swap, the
 * devices' average memory and utilization, and each device's own memory and utilization (shown
 * instead of the averages while a process on that device is selected).
 *
 * @module
 */
import { isNA, NA, type Maybe } from '../../core/index.js';
import type { StatusData } from '../render/types.js';
import { HistoryGraph } from './history.js';

/**
 * All graphs, fed once per refresh with {@link MonitorHistories.update}.
 *
 * @example
 * ```ts
 * const histories = new MonitorHistories();
 * histories.update(data);
 * histories.cpu.render(77);
 * ```
 */
export class MonitorHistories {
  /** Host CPU percent (upward, 5 rows). */
  readonly cpu = new HistoryGraph({ height: 5 });
  /** Host memory percent (downward, 4 rows). */
  readonly memory = new HistoryGraph({ height: 4, upsideDown: true });
  /** Host swap percent (1 row). */
  readonly swap = new HistoryGraph({ height: 1 });
  /** Average device memory percent (upward, 5 rows). */
  readonly gpuMemory = new HistoryGraph({ height: 5 });
  /** Average device utilization (downward, 5 rows). */
  readonly gpuUtilization = new HistoryGraph({ height: 5, upsideDown: true });
  /** Per-device memory percent, by display index. */
  readonly deviceMemory = new Map<string, HistoryGraph>();
  /** Per-device utilization, by display index. */
  readonly deviceUtilization = new Map<string, HistoryGraph>();
  /** Number of leaf devices in the last update (for the `AVG ` prefix). */
  deviceCount = 0;

  /**
   * Add one refresh's values.
   *
   * @example
   * ```ts
   * histories.update(gather());
   * ```
   */
  update(data: StatusData): void {
    const t = data.timestamp;
    this.cpu.add(data.host.cpuPercent, t);
    this.memory.add(data.host.virtualMemory.percent, t);
    this.swap.add(data.host.swapMemory.percent, t);
    let used = 0;
    let total = 0;
    const utils: number[] = [];
    const leaves = data.devices.flatMap(({ device, migDevices }) => (migDevices.length > 0 ? migDevices : [device]));
    this.deviceCount = leaves.length;
    for (const d of leaves) {
      if (!isNA(d.memoryUsed) && !isNA(d.memoryTotal)) {
        used += d.memoryUsed;
        total += d.memoryTotal;
      }
      if (!isNA(d.gpuUtilization)) utils.push(d.gpuUtilization);
      this.graph(this.deviceMemory, d.displayIndex, false).add(d.memoryPercent, t);
      this.graph(this.deviceUtilization, d.displayIndex, true).add(d.gpuUtilization, t);
    }
    const avgMemory: Maybe<number> = total > 0 ? (100 * used) / total : NA;
    const avgUtil: Maybe<number> = utils.length > 0 ? utils.reduce((a, b) => a + b, 0) / utils.length : NA;
    this.gpuMemory.add(avgMemory, t);
    this.gpuUtilization.add(avgUtil, t);
  }

  private graph(map: Map<string, HistoryGraph>, key: string, upsideDown: boolean): HistoryGraph {
    let graph = map.get(key);
    if (graph === undefined) {
      graph = new HistoryGraph({ height: 5, upsideDown });
      map.set(key, graph);
    }
    return graph;
  }
}
