/**
 * The shared vocabulary of the renderers: styled lines that the once mode prints (with or
 * without ANSI colour) and the monitor paints (redrawing only lines that changed).
 *
 * @module
 */
import type { DeviceSnapshot, GpuProcessSnapshot, HostSnapshot, Maybe, PodResourcesState } from '../../core/index.js';
import type { ContainerColumn } from '../args.js';

/** Terminal colours used by nvitop. */
export type ColorName = 'black' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray';

/** Text attributes of a segment. */
export interface Style {
  /** Foreground colour (a name, or a 256-colour index for `--colorful` gradients). */
  readonly fg?: ColorName | number;
  /** Background colour. */
  readonly bg?: ColorName | number;
  /** Bold. */
  readonly bold?: boolean;
  /** Dim (other users' processes). */
  readonly dim?: boolean;
  /** Underline. */
  readonly underline?: boolean;
  /** Reverse video (the monitor's selection). */
  readonly reverse?: boolean;
}

/** A run of text in one style. */
export interface Segment {
  /** The text (no newlines, no escape codes). */
  readonly text: string;
  /** Its style; none = the terminal's default. */
  readonly style?: Style;
}

/** One line of output. */
export type Line = readonly Segment[];

/** Options every renderer takes. */
export interface RenderOptions {
  /** Output width in columns. */
  readonly width: number;
  /** ASCII only (no Unicode box drawing or block characters). */
  readonly ascii: boolean;
  /** 256-colour gradient bars. */
  readonly colorful: boolean;
  /** Light terminal theme. */
  readonly light: boolean;
  /** GPU-utilization thresholds `[light→moderate, moderate→heavy]` (default `[10, 75]`). */
  readonly gpuUtilThresholds: readonly [number, number];
  /** Memory-percent thresholds (default `[10, 80]`). */
  readonly memUtilThresholds: readonly [number, number];
}

/** Everything a status screen shows, gathered from the core API at one moment. */
export interface StatusData {
  /** nvitop-node's version. */
  readonly version: string;
  /** Driver version, e.g. `'560.35.03'`. */
  readonly driverVersion: Maybe<string>;
  /** CUDA driver version, e.g. `'12.6'`. */
  readonly cudaDriverVersion: Maybe<string>;
  /** Physical devices in display order; MIG devices follow their parent in `migDevices`. */
  readonly devices: readonly StatusDevice[];
  /** GPU processes after the command line's filters. */
  readonly processes: readonly GpuProcessSnapshot[];
  /** Host facts. */
  readonly host: HostSnapshot;
  /** Current user (processes of other users are dimmed). */
  readonly currentUser: string;
  /** Host name for the process panel header. */
  readonly hostname: string;
  /** NVML functions the driver lacks (for the FunctionNotFound note). */
  readonly missingFunctions: readonly string[];
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** Whether the current user is the superuser (then no process row is dimmed). Default false. */
  readonly superuser?: boolean;
  /** Whether this is Windows Subsystem for Linux (the empty process list says so). Default false. */
  readonly wsl?: boolean;
  /** Whether this is Windows (the device panel shows the driver model, TCC/WDDM). Default false. */
  readonly windows?: boolean;
  /**
   * Where the process table shows each process's container (`--containers`, the monitor's `k`):
   * absent or `'off'` for the plain command.
   */
  readonly containerColumn?: ContainerColumn;
  /** The kubelet's pod-resources state, when containers were asked for. */
  readonly podResources?: PodResourcesState;
}

/** A physical device and its MIG devices. */
export interface StatusDevice {
  /** The physical device. */
  readonly device: DeviceSnapshot;
  /** Its MIG devices (empty when MIG is off). */
  readonly migDevices: readonly DeviceSnapshot[];
  /**
   * GPU memory in bytes held by every process NVML lists on this GPU (or its MIG devices),
   * before the command line's process filters; NA when some process's memory is unknown.
   * Compared with the used memory to spot unaccounted memory (orphaned contexts). Absent: not
   * gathered, no such line.
   */
  readonly processGpuMemory?: Maybe<number>;
}
