/**
 * What `runMonitor` takes. The entry point (src/cli/nvitop.ts) builds this from the parsed
 * command line: the display flags, the interval, `--readonly`, and a `gather` function that
 * returns {@link StatusData} with the command line's device and process filters applied (the
 * same function the once mode uses), so the monitor and `nvitop -1` show the same data.
 *
 * @module
 */
import type { RenderOptions, StatusData } from '../render/types.js';
import type { ContainerColumn } from '../args.js';

/** Display mode: pick by terminal size, everything, or minimal panels. */
export type MonitorMode = 'auto' | 'full' | 'compact';

/** Options of `runMonitor`. */
export interface MonitorOptions {
  /** Initial display mode (keys `a` / `f` / `c` change it). Default `'auto'`. */
  readonly mode?: MonitorMode;
  /** Refresh interval in seconds (the command line rejects values below 0.25). Default 2. */
  readonly interval?: number;
  /** Disable the signal keys (`--readonly`). */
  readonly readonly?: boolean;
  /** ASCII only (`--ascii`). */
  readonly ascii?: boolean;
  /** 256-colour gradient bars (`--colorful`). */
  readonly colorful?: boolean;
  /** Light terminal theme (`--light`). */
  readonly light?: boolean;
  /** GPU-utilization thresholds (default `[10, 75]`). */
  readonly gpuUtilThresholds?: readonly [number, number];
  /** Memory-percent thresholds (default `[10, 80]`). */
  readonly memUtilThresholds?: readonly [number, number];
  /**
   * Gathers one refresh's data, filters applied. Default: every device and every GPU process,
   * unfiltered.
   */
  readonly gather?: (request?: { readonly containers?: ContainerColumn }) => StatusData;
  /** Initial container column (`--containers`; the `p` key cycles it). Default `'off'`. */
  readonly containers?: ContainerColumn;
  /** Terminal input (default `process.stdin`). */
  readonly input?: NodeJS.ReadStream;
  /** Terminal output (default `process.stdout`). */
  readonly output?: NodeJS.WriteStream;
}

/** {@link MonitorOptions} with every default filled in. */
export interface ResolvedMonitorOptions {
  /** See {@link MonitorOptions.mode}. */
  readonly mode: MonitorMode;
  /** Seconds. */
  readonly interval: number;
  /** See {@link MonitorOptions.readonly}. */
  readonly readonly: boolean;
  /** Render options shared with the once mode (width filled in per frame). */
  readonly render: Omit<RenderOptions, 'width'>;
  /** No colour at all (`NO_COLOR`, `TERM=dumb`, `ANSI_COLORS_DISABLED`). */
  readonly noColor: boolean;
}

/**
 * Fill in the defaults (and read the colour-disabling environment variables).
 *
 * @example
 * ```ts
 * resolveMonitorOptions({ mode: 'full' }).interval; // 2
 * ```
 */
export function resolveMonitorOptions(options: MonitorOptions, env: NodeJS.ProcessEnv = process.env): ResolvedMonitorOptions {
  const noColor =
    (env.NO_COLOR !== undefined && env.NO_COLOR !== '') ||
    (env.ANSI_COLORS_DISABLED !== undefined && env.ANSI_COLORS_DISABLED !== '') ||
    env.TERM === 'dumb';
  return {
    mode: options.mode ?? 'auto',
    interval: options.interval ?? 2,
    readonly: options.readonly ?? false,
    noColor,
    render: {
      ascii: options.ascii ?? false,
      colorful: options.colorful ?? false,
      light: options.light ?? false,
      gpuUtilThresholds: options.gpuUtilThresholds ?? [10, 75],
      memUtilThresholds: options.memUtilThresholds ?? [10, 80],
    },
  };
}
