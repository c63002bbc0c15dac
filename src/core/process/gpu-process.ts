/**
 * `GpuProcess`: a process on one GPU, with its GPU facts from NVML and its host facts from
 * {@link HostProcess}.
 *
 * @module
 */
import { NA, isNA, type Maybe } from '../na.js';
import { bytes2human, timedelta2human } from '../units.js';
import { AccessDeniedError, HostProcessError, NoSuchProcessError, ZombieProcessError } from '../errors.js';
import { HostProcess, commandJoin, getHostPlatform } from '../host/index.js';
import type { GpuProcessSnapshot, GpuProcessType } from '../snapshot-types.js';
import type { Device } from '../device/device.js';
import type { KubeletPodResources } from '../containers/pod-resources.js';
import { kubeletPodResources, resolveProcessContainer, type ProcessContainer } from '../containers/resolve.js';

/** Options of {@link GpuProcess.takeSnapshots} and {@link GpuProcess.asSnapshot}. */
export interface GpuProcessSnapshotOptions {
  /** Host facts that cannot be read become NA instead of throwing ({@link GpuProcess.failsafe}). */
  readonly failsafe?: boolean;
  /**
   * Fill `container` (off by default: no cgroup read, no kubelet call): `true` joins each
   * process's cgroup with the shared {@link kubeletPodResources} (cached, never waited for);
   * a {@link KubeletPodResources} uses that one instead.
   */
  readonly containers?: boolean | KubeletPodResources;
}

let failsafeDepth = 0;
let pidNamespaceHint: boolean | null = null;

/**
 * Whether this process runs in a container with its own PID namespace (no `--pid=host`), where
 * NVML's host PIDs are not visible here (the host platform tells; on Linux from the inode of
 * `/proc/self/ns/pid`). `NVITOP_ASSUME_PID_NAMESPACE=1|0` overrides the guess.
 */
export function inSeparatePidNamespace(): boolean {
  const forced = process.env.NVITOP_ASSUME_PID_NAMESPACE;
  if (forced === '1' || forced === '0') return forced === '1';
  if (pidNamespaceHint !== null) return pidNamespaceHint;
  pidNamespaceHint = getHostPlatform().inSeparatePidNamespace();
  return pidNamespaceHint;
}

/**
 * A process using one device. One instance per (PID, device) while the process lives, so
 * per-instance state (CPU percent deltas) carries across refreshes.
 *
 * Host facts throw {@link NoSuchProcessError} / {@link AccessDeniedError} /
 * {@link ZombieProcessError}, except inside {@link GpuProcess.failsafe}, where they fall back to
 * NA (and `cmdline()` to `['No Such Process']`, `['No Permissions']` or `['Zombie Process']`).
 *
 * @example
 * ```ts
 * for (const process of Device.fromIndex(0).processes().values()) {
 *   console.log(process.pid, process.type, process.gpuMemoryHuman(), GpuProcess.failsafe(() => process.command()));
 * }
 * ```
 */
export class GpuProcess {
  private static readonly instances = new Map<string, GpuProcess>();
  /** The process id. */
  readonly pid: number;
  /** The device the process uses. */
  readonly device: Device;
  #type: Maybe<GpuProcessType> = NA;
  #gpuMemory: Maybe<number> = NA;
  #gpuInstanceId: Maybe<number> = NA;
  #computeInstanceId: Maybe<number> = NA;
  #smUtil: Maybe<number> = NA;
  #memUtil: Maybe<number> = NA;
  #encUtil: Maybe<number> = NA;
  #decUtil: Maybe<number> = NA;
  #host: HostProcess | null = null;

  private constructor(pid: number, device: Device) {
    this.pid = pid;
    this.device = device;
  }

  /** The instance for `pid` on `device` (created on first use). */
  static get(pid: number, device: Device): GpuProcess {
    const key = `${pid}@${device.kind}:${device.displayIndex}`;
    let instance = GpuProcess.instances.get(key);
    if (instance === undefined || (instance.#host !== null && !safeIsRunning(instance.#host))) {
      instance = new GpuProcess(pid, device);
      GpuProcess.instances.set(key, instance);
      if (GpuProcess.instances.size > 4096) GpuProcess.collectGarbage();
    }
    return instance;
  }

  private static collectGarbage(): void {
    for (const [key, instance] of GpuProcess.instances) {
      if (instance.#host === null || !safeIsRunning(instance.#host)) GpuProcess.instances.delete(key);
    }
  }

  /**
   * Runs `fn` with host-fact errors turned into fallback values (nvitop's `failsafe()`).
   *
   * @example
   * ```ts
   * const command = GpuProcess.failsafe(() => process.command()); // never throws for a gone PID
   * ```
   */
  static failsafe<T>(fn: () => T): T {
    failsafeDepth += 1;
    try {
      return fn();
    } finally {
      failsafeDepth -= 1;
    }
  }

  /**
   * Snapshots of several processes (host facts read once per PID).
   *
   * @example
   * ```ts
   * const snapshots = GpuProcess.takeSnapshots([...device.processes().values()], { failsafe: true });
   * ```
   */
  static takeSnapshots(processes: Iterable<GpuProcess>, options: GpuProcessSnapshotOptions = {}): GpuProcessSnapshot[] {
    const hostReads = new Map<number, HostRead>();
    const containers = containerSource(options.containers);
    const take = () => [...processes].map((process) => process.#snapshot(hostReads, containers));
    return options.failsafe === true ? GpuProcess.failsafe(take) : take();
  }

  // ---------------------------------------------------------------- GPU facts (set by the device)

  /** @internal */
  setGpuMemory(bytes: Maybe<number>): void {
    this.#gpuMemory = bytes;
  }
  /** @internal */
  setInstanceIds(gpuInstanceId: Maybe<number>, computeInstanceId: Maybe<number>): void {
    this.#gpuInstanceId = gpuInstanceId;
    this.#computeInstanceId = computeInstanceId;
  }
  /** @internal */
  setType(type: Maybe<GpuProcessType>): void {
    this.#type = type;
  }
  /** @internal */
  setGpuUtilization(sm: Maybe<number>, memory: Maybe<number>, encoder: Maybe<number>, decoder: Maybe<number>): void {
    this.#smUtil = sm;
    this.#memUtil = memory;
    this.#encUtil = encoder;
    this.#decUtil = decoder;
  }

  /** `'C'` (compute), `'G'` (graphics), `'C+G'`, or NA. */
  get type(): Maybe<GpuProcessType> {
    return this.#type;
  }
  /** GPU memory used by the process, in bytes. */
  gpuMemory(): Maybe<number> {
    return this.#gpuMemory;
  }
  /** GPU memory, human. */
  gpuMemoryHuman(): Maybe<string> {
    return bytes2human(this.#gpuMemory);
  }
  /** GPU memory in percent of the device's total, one decimal. */
  gpuMemoryPercent(): Maybe<number> {
    const total = this.device.memoryTotal();
    if (isNA(this.#gpuMemory) || isNA(total) || total === 0) return NA;
    return Math.round((1000 * this.#gpuMemory) / total) / 10;
  }
  /** SM utilization of this process in percent. */
  gpuSmUtilization(): Maybe<number> {
    return this.#smUtil;
  }
  /** Memory bandwidth utilization of this process in percent. */
  gpuMemoryUtilization(): Maybe<number> {
    return this.#memUtil;
  }
  /** Encoder utilization of this process in percent. */
  gpuEncoderUtilization(): Maybe<number> {
    return this.#encUtil;
  }
  /** Decoder utilization of this process in percent. */
  gpuDecoderUtilization(): Maybe<number> {
    return this.#decUtil;
  }
  /** MIG GPU instance id (NA when not MIG). */
  gpuInstanceId(): Maybe<number> {
    return this.#gpuInstanceId;
  }
  /** MIG compute instance id (NA when not MIG). */
  computeInstanceId(): Maybe<number> {
    return this.#computeInstanceId;
  }

  // ---------------------------------------------------------------- host facts

  /**
   * The host process.
   *
   * @throws {@link NoSuchProcessError} when it is not (or no longer) visible in this PID namespace.
   */
  get host(): HostProcess {
    if (this.#host === null || !safeIsRunning(this.#host)) this.#host = HostProcess.get(this.pid);
    return this.#host;
  }

  private hostFact<T>(read: (host: HostProcess) => T, fallback: T): T {
    try {
      return read(this.host);
    } catch (error) {
      if (failsafeDepth > 0 && error instanceof HostProcessError) return fallback;
      throw error;
    }
  }

  /** Whether the process is running (false when gone). */
  isRunning(): boolean {
    try {
      return this.host.isRunning();
    } catch (error) {
      if (error instanceof HostProcessError) return false;
      throw error;
    }
  }
  /** Whether NVML lists the PID but this PID namespace cannot see it (a container). */
  hostInfoHidden(): boolean {
    if (!inSeparatePidNamespace()) return false;
    return !getHostPlatform().processExists(this.pid);
  }
  /** Status (`'running'`, `'sleeping'`, …; `'terminated'` when gone, in failsafe mode). */
  status(): Maybe<string> {
    return this.hostFact((host) => host.status(), 'terminated' as Maybe<string>);
  }
  /** The owner's user name. */
  username(): Maybe<string> {
    return this.hostFact((host) => host.username(), NA as Maybe<string>);
  }
  /** Executable name. */
  name(): Maybe<string> {
    return this.hostFact((host) => host.name(), NA as Maybe<string>);
  }
  /** Command-line arguments, with failsafe placeholders (`['No Such Process']`, …). */
  cmdline(): string[] {
    try {
      const cmdline = this.host.cmdline();
      return cmdline.length === 0 ? ['Zombie Process'] : cmdline;
    } catch (error) {
      if (failsafeDepth === 0) throw error;
      if (error instanceof AccessDeniedError) return ['No Permissions'];
      if (error instanceof ZombieProcessError) return ['Zombie Process'];
      if (error instanceof NoSuchProcessError || error instanceof HostProcessError) return ['No Such Process'];
      throw error;
    }
  }
  /** The command line, shell-quoted. */
  command(): string {
    return commandJoin(this.cmdline());
  }
  /** CPU utilization in percent of one core. */
  cpuPercent(): Maybe<number> {
    return this.hostFact((host) => host.cpuPercent(), NA as Maybe<number>);
  }
  /** Host memory (RSS) in percent of total memory. */
  memoryPercent(): Maybe<number> {
    return this.hostFact((host) => host.memoryPercent(), NA as Maybe<number>);
  }
  /** Alias of {@link GpuProcess.memoryPercent}. */
  hostMemoryPercent(): Maybe<number> {
    return this.memoryPercent();
  }
  /** Host memory (RSS) in bytes. */
  hostMemory(): Maybe<number> {
    return this.hostFact((host) => host.memoryInfo().rss, NA as Maybe<number>);
  }
  /** Alias of {@link GpuProcess.hostMemory}. */
  rssMemory(): Maybe<number> {
    return this.hostMemory();
  }
  /** Host memory, human. */
  hostMemoryHuman(): Maybe<string> {
    return bytes2human(this.hostMemory());
  }
  /** Creation time in seconds since the epoch. */
  createTime(): Maybe<number> {
    return this.hostFact((host) => host.createTime(), NA as Maybe<number>);
  }
  /** Seconds since the process started. */
  runningTime(): Maybe<number> {
    return this.hostFact((host) => host.runningTime(), NA as Maybe<number>);
  }
  /** Alias of {@link GpuProcess.runningTime}. */
  runningTimeInSeconds(): Maybe<number> {
    return this.runningTime();
  }
  /** Running time, human (`'1:02:03'`). */
  runningTimeHuman(): Maybe<string> {
    return timedelta2human(this.runningTime());
  }

  /** Sends `signal` to the process. */
  sendSignal(signal: NodeJS.Signals | number): void {
    this.host.sendSignal(signal);
  }
  /** Sends SIGTERM. */
  terminate(): void {
    this.host.terminate();
  }
  /** Sends SIGKILL. */
  kill(): void {
    this.host.kill();
  }

  /**
   * Which container, Kubernetes pod or Slurm job the process runs in: its cgroup, joined with the
   * kubelet's allocation of this device when `kubelet` is given (pod, namespace and container names).
   *
   * @throws NoSuchProcessError / AccessDeniedError when the cgroup cannot be read.
   *
   * @example
   * ```ts
   * process.container(kubeletPodResources()).label; // 'ml/train-0/trainer'
   * ```
   */
  container(kubelet?: KubeletPodResources): ProcessContainer {
    return resolveProcessContainer(this.host.container(), kubelet === undefined ? NA : this.#allocationUuids(kubelet), kubelet);
  }

  /**
   * The UUIDs a kubelet allocation may name for this process: the device's own, and for a
   * physical GPU with MIG devices allocated somewhere, its MIG devices' (a MIG process shows on
   * its GPU's row too).
   */
  #allocationUuids(kubelet: KubeletPodResources): Maybe<string> | string[] {
    const uuid = this.device.uuid();
    if (this.device.kind !== 'physical' || !kubelet.current().allocations.some((a) => a.uuid.startsWith('MIG-'))) return uuid;
    const migs = (this.device as Device & { migDevices(): Device[] }).migDevices().map((mig) => mig.uuid());
    return [uuid, ...migs].filter((u): u is string => !isNA(u));
  }

  /** Every fact at one moment, as a plain record (host facts read once). */
  asSnapshot(options: Pick<GpuProcessSnapshotOptions, 'containers'> = {}): GpuProcessSnapshot {
    return this.#snapshot(undefined, containerSource(options.containers));
  }

  /** Reads the host snapshot (or, failsafe, why there is none). */
  #readHost(containers: ContainerSource): HostRead {
    let cmdlineFallback: string[] = ['No Such Process'];
    try {
      return { host: this.host.asSnapshot({ container: containers !== false }), cmdlineFallback };
    } catch (error) {
      if (!(error instanceof HostProcessError) || failsafeDepth === 0) throw error;
      if (error instanceof AccessDeniedError) cmdlineFallback = ['No Permissions'];
      if (error instanceof ZombieProcessError) cmdlineFallback = ['Zombie Process'];
      return { host: null, cmdlineFallback };
    }
  }

  /**
   * The snapshot; `hostReads` shares one host read per PID between the snapshots of a process
   * on several devices (a second `cpuPercent()` right after the first would measure a
   * microsecond-long interval).
   */
  #snapshot(hostReads: Map<number, HostRead> | undefined, containers: ContainerSource): GpuProcessSnapshot {
    let read = hostReads?.get(this.pid);
    if (read === undefined) {
      read = this.#readHost(containers);
      hostReads?.set(this.pid, read);
    }
    const { host, cmdlineFallback } = read;
    let cmdline: string[];
    if (host === null) cmdline = cmdlineFallback;
    else if (isNA(host.cmdline)) cmdline = GpuProcess.failsafe(() => this.cmdline());
    else cmdline = host.cmdline.length === 0 ? ['Zombie Process'] : [...host.cmdline];
    const runningTime = host === null ? NA : host.runningTime;
    const hostMemory = host === null ? NA : host.hostMemory;
    return {
      pid: this.pid,
      deviceIndex: this.device.displayIndex,
      devicePhysicalIndex: this.device.physicalIndex,
      deviceUuid: this.device.uuid(),
      isRunning: host !== null && host.isRunning,
      status: host === null ? 'terminated' : host.status,
      username: host === null ? NA : host.username,
      name: host === null ? NA : host.name,
      cmdline,
      command: commandJoin(cmdline),
      cpuPercent: host === null ? NA : host.cpuPercent,
      memoryPercent: host === null ? NA : host.memoryPercent,
      hostMemory,
      hostMemoryHuman: bytes2human(hostMemory),
      runningTime,
      runningTimeHuman: timedelta2human(runningTime),
      createTime: host === null ? NA : host.createTime,
      type: this.#type,
      gpuInstanceId: this.#gpuInstanceId,
      computeInstanceId: this.#computeInstanceId,
      gpuMemory: this.#gpuMemory,
      gpuMemoryHuman: bytes2human(this.#gpuMemory),
      gpuMemoryPercent: this.gpuMemoryPercent(),
      gpuSmUtilization: this.#smUtil,
      gpuMemoryUtilization: this.#memUtil,
      gpuEncoderUtilization: this.#encUtil,
      gpuDecoderUtilization: this.#decUtil,
      hostInfoHidden: host === null && this.hostInfoHidden(),
      container:
        containers === false || host === null || isNA(host.container)
          ? NA
          : resolveProcessContainer(host.container, this.#allocationUuids(containers), containers),
      timestamp: Date.now(),
    };
  }

  /** `GpuProcess(pid=123, device=0, type=C, gpuMemory=1024MiB)`. */
  toString(): string {
    return `GpuProcess(pid=${this.pid}, device=${this.device.displayIndex}, type=${this.#type}, gpuMemory=${this.gpuMemoryHuman()})`;
  }
}

/** `false`: no container facts; else the kubelet to join the cgroups with. */
type ContainerSource = false | KubeletPodResources;

function containerSource(option: boolean | KubeletPodResources | undefined): ContainerSource {
  if (option === undefined || option === false) return false;
  return option === true ? kubeletPodResources() : option;
}

/** A process's host snapshot, or the cmdline placeholder that says why there is none. */
interface HostRead {
  readonly host: ReturnType<HostProcess['asSnapshot']> | null;
  readonly cmdlineFallback: string[];
}

function safeIsRunning(host: HostProcess): boolean {
  try {
    return host.isRunning();
  } catch {
    return false;
  }
}
