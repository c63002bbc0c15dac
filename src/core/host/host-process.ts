/**
 * {@link HostProcess}: one operating-system process, psutil's `Process` with nvitop's additions
 * (`nvitop/api/process.py::HostProcess`).
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';

import type { CgroupMembership } from '../containers/cgroup.js';
import { AccessDeniedError, InvalidInputError, NoSuchProcessError, ZombieProcessError } from '../errors.js';
import { NA, isNA, type Maybe } from '../na.js';
import { timedelta2human } from '../units.js';
import { commandJoin } from './command-join.js';
import { getHostPlatform } from './current-platform.js';
import type {
  HostPlatform,
  ProcessCpuTimes,
  ProcessIds,
  ProcessMemoryInfo,
  ProcessStat,
  ProcessStatus,
  ProcessStatusInfo,
} from './platform.js';
import { cachedBootTime, cachedTotalMemory } from './process-caches.js';
import { cpuPercentBetween, type CpuSample } from './process-cpu.js';
import { signalPid, walkChildren } from './process-tree.js';
import { ProcessRegistry } from './process-registry.js';
import { describeHostProcess, hostProcessSnapshot, isReadFailure, type HostProcessSnapshot } from './process-snapshot.js';
import { usernameFromUid } from './users.js';

export type { ProcessCpuTimes, ProcessStatus } from './platform.js';
export type { HostProcessSnapshot } from './process-snapshot.js';

/** Options of {@link HostProcess.children}. */
export interface ChildrenOptions {
  /** All descendants rather than direct children (default false). */
  readonly recursive?: boolean;
}

/**
 * One process of the host (psutil's `Process`, nvitop's `HostProcess`).
 *
 * Instances come from {@link HostProcess.get}, which returns the same object for the same live
 * process: the registry is keyed by PID and start time, so a recycled PID gets a new instance,
 * and entries are dropped once their process is gone. Per-instance state (the
 * {@link HostProcess.cpuPercent} interval, the cached user name) lives as long as the process.
 *
 * Every method that reads the process throws {@link NoSuchProcessError} when it is gone (or its
 * PID now belongs to another process), {@link AccessDeniedError} when this user may not read
 * that fact, and {@link ZombieProcessError} when the fact died with a zombie.
 *
 * @example
 * ```ts
 * const p = HostProcess.get(pid);
 * p.command();            // 'python3 train.py --lr 0.1'
 * p.username();           // 'alice'
 * p.runningTimeHuman();   // '1:02:03'
 * HostProcess.get(pid) === p; // true while it runs
 * ```
 */
export class HostProcess {
  private static readonly registry = new ProcessRegistry<HostProcess>();

  /** Process id. */
  readonly pid: number;
  /** The platform's start stamp: with the PID, the process's identity. */
  private readonly startStamp: number;
  /** Start time in seconds after boot. */
  private readonly startTime: number;
  private readonly platform: HostPlatform;
  private gone = false;
  private cpuSample: CpuSample | undefined;
  private usernameCache: string | undefined;
  private containerCache: CgroupMembership | undefined;
  private oneshotCache: Map<string, unknown> | undefined;

  private constructor(platform: HostPlatform, stat: ProcessStat) {
    this.platform = platform;
    this.pid = stat.pid;
    this.startStamp = stat.startStamp;
    this.startTime = stat.startTime;
  }

  /**
   * The instance for `pid` (default: this process). Reads the process's stat once to check the
   * process's identity.
   *
   * @throws NoSuchProcessError when no such process exists.
   * @throws InvalidInputError when `pid` is not a non-negative integer.
   *
   * @example
   * ```ts
   * const me = HostProcess.get();
   * me.pid === process.pid; // true
   * ```
   */
  static get(pid: number = process.pid): HostProcess {
    if (!Number.isInteger(pid) || pid < 0) {
      throw new InvalidInputError('pid', pid, 'a non-negative integer process id');
    }
    const platform = getHostPlatform();
    let stat: ProcessStat;
    try {
      stat = platform.processStat(pid);
    } catch (error) {
      if (error instanceof NoSuchProcessError) HostProcess.registry.forget(pid);
      throw error;
    }
    return HostProcess.registry.lookup(
      pid,
      (existing) => !existing.gone && existing.platform === platform && existing.startStamp === stat.startStamp,
      () => new HostProcess(platform, stat),
    );
  }

  /**
   * Drops registry entries of processes that are gone; returns how many were dropped.
   * {@link HostProcess.get} does this by itself every 30 seconds.
   *
   * @example
   * ```ts
   * HostProcess.prune(); // 3
   * ```
   */
  static prune(): number {
    return HostProcess.registry.prune();
  }

  /**
   * Number of instances in the registry (for diagnostics and tests).
   *
   * @example
   * ```ts
   * HostProcess.registrySize(); // 12
   * ```
   */
  static registrySize(): number {
    return HostProcess.registry.size;
  }

  private markGone(): void {
    this.gone = true;
    HostProcess.registry.forget(this.pid, this);
  }

  /** Runs a read, dropping this instance from the registry when the process is gone. */
  private read<T>(key: string | undefined, fn: () => T): T {
    const cache = this.oneshotCache;
    if (key !== undefined && cache?.has(key) === true) return cache.get(key) as T;
    try {
      const value = fn();
      if (key !== undefined) cache?.set(key, value);
      return value;
    } catch (error) {
      if (error instanceof NoSuchProcessError) this.markGone();
      throw error;
    }
  }

  /** The stat line, after checking that the PID still belongs to this process. */
  private stat(): ProcessStat {
    if (this.gone) throw new NoSuchProcessError(this.pid);
    const stat = this.read('stat', () => this.platform.processStat(this.pid));
    if (stat.startStamp !== this.startStamp) {
      this.markGone();
      throw new NoSuchProcessError(this.pid, { cause: new Error('the PID now belongs to another process') });
    }
    return stat;
  }

  private statusInfo(): ProcessStatusInfo {
    this.stat();
    return this.read('status', () => this.platform.processStatus(this.pid));
  }

  /**
   * Runs `fn` with this process's files read at most once (psutil's `oneshot()`): calls inside
   * share one read of `stat`, `status`, `statm` and `cmdline`. Nested calls share the outer cache.
   *
   * @example
   * ```ts
   * const [name, cpu, rss] = p.oneshot(() => [p.name(), p.cpuPercent(), p.rssMemory()]);
   * ```
   */
  oneshot<T>(fn: () => T): T {
    if (this.oneshotCache !== undefined) return fn();
    this.oneshotCache = new Map();
    try {
      return fn();
    } finally {
      this.oneshotCache = undefined;
    }
  }

  /**
   * Parent process id.
   *
   * @example
   * ```ts
   * HostProcess.get().ppid() === process.ppid; // true
   * ```
   */
  ppid(): number {
    return this.stat().ppid;
  }

  /**
   * Process name: the kernel's `comm` (15 bytes at most), extended from the command line when
   * that was truncated (psutil's rule: `basename(cmdline[0])` if it starts with `comm`).
   *
   * @example
   * ```ts
   * p.name(); // 'python3'
   * ```
   */
  name(): string {
    const comm = this.stat().name;
    if (comm.length >= 15) {
      let cmdline: string[] = [];
      try {
        cmdline = this.cmdline();
      } catch (error) {
        if (!isReadFailure(error)) throw error;
      }
      const first = cmdline[0];
      if (first !== undefined && first !== '') {
        const extended = path.basename(first);
        if (extended.startsWith(comm)) return extended;
      }
    }
    return comm;
  }

  /**
   * Absolute path of the executable (`''` for kernel threads).
   *
   * @example
   * ```ts
   * p.exe(); // '/usr/bin/python3.11'
   * ```
   */
  exe(): string {
    this.stat();
    return this.read(undefined, () => this.platform.processExe(this.pid));
  }

  /**
   * The command line: NUL-separated arguments with trailing empty arguments removed (nvitop
   * strips the NUL padding some programs leave after rewriting their arguments). Empty for
   * kernel threads.
   *
   * @throws ZombieProcessError for a zombie (its command line is gone).
   *
   * @example
   * ```ts
   * p.cmdline(); // ['python3', 'train.py', '--lr', '0.1']
   * ```
   */
  cmdline(): string[] {
    this.stat();
    const args = this.read('cmdline', () => this.platform.processCmdline(this.pid));
    if (args.length <= 1) return [...args];
    let end = args.length;
    while (end > 0 && args[end - 1] === '') end -= 1;
    return args.slice(0, end);
  }

  /**
   * The command line as one shell-quoted string ({@link commandJoin}).
   *
   * @example
   * ```ts
   * p.command(); // 'python3 -c "import os; print(os.getpid())"'
   * ```
   */
  command(): string {
    return commandJoin(this.cmdline());
  }

  /**
   * The process's environment (a prototype-less record).
   *
   * @throws AccessDeniedError for other users' processes unless root.
   *
   * @example
   * ```ts
   * p.environ().CUDA_VISIBLE_DEVICES; // '0,1'
   * ```
   */
  environ(): Record<string, string> {
    this.stat();
    return this.read(undefined, () => this.platform.processEnviron(this.pid));
  }

  /**
   * Current working directory.
   *
   * @example
   * ```ts
   * p.cwd(); // '/home/alice/project'
   * ```
   */
  cwd(): string {
    this.stat();
    return this.read(undefined, () => this.platform.processCwd(this.pid));
  }

  /**
   * Which container, Kubernetes pod or Slurm job holds the process, from its cgroup (on Linux
   * `/proc/<pid>/cgroup`): container id and engine, pod UID and QoS class, Slurm job id, or
   * `inContainer: false`. Read once per process and kept (a process rarely changes cgroup).
   *
   * @throws AccessDeniedError where the platform cannot tell (not Linux).
   *
   * @example
   * ```ts
   * const c = p.container();
   * c.inContainer ? `${c.containerRuntime} ${c.containerId}` : 'host'; // 'containerd 6552905b…'
   * ```
   */
  container(): CgroupMembership {
    if (this.containerCache === undefined) {
      this.stat();
      this.containerCache = this.read(undefined, () => this.platform.processContainer(this.pid));
    }
    return this.containerCache;
  }

  /**
   * Status as psutil names it: `'running'`, `'sleeping'`, `'disk-sleep'`, `'stopped'`,
   * `'tracing-stop'`, `'zombie'`, `'dead'`, `'idle'`, `'parked'`, … (`'?'` if unknown).
   *
   * @example
   * ```ts
   * p.status(); // 'sleeping'
   * ```
   */
  status(): ProcessStatus {
    return this.stat().status;
  }

  /**
   * Real, effective and saved user ids.
   *
   * @example
   * ```ts
   * p.uids(); // { real: 1001, effective: 1001, saved: 1001 }
   * ```
   */
  uids(): ProcessIds {
    return this.statusInfo().uids;
  }

  /**
   * Real, effective and saved group ids.
   *
   * @example
   * ```ts
   * p.gids().real; // 1001
   * ```
   */
  gids(): ProcessIds {
    return this.statusInfo().gids;
  }

  /**
   * The owner's user name, from the real uid through the system user database (NSS, see
   * `usernameFromUid`); the uid as a string when no database knows it. Cached per instance.
   *
   * @example
   * ```ts
   * p.username(); // 'alice'
   * ```
   */
  username(): string {
    if (this.usernameCache === undefined) this.usernameCache = usernameFromUid(this.uids().real);
    return this.usernameCache;
  }

  /**
   * Creation time in seconds since the Unix epoch: boot time (`btime`, whole seconds, read once
   * per process as psutil does) plus the platform's start time in seconds after boot (on Linux,
   * the start ticks over `AT_CLKTCK`). Needs no read: known from {@link HostProcess.get}.
   *
   * @example
   * ```ts
   * new Date(p.createTime() * 1000).toISOString();
   * ```
   */
  createTime(): number {
    return cachedBootTime(this.platform) + this.startTime;
  }

  /**
   * Seconds since the process started (`now − createTime()`, nvitop's `running_time`).
   *
   * @example
   * ```ts
   * p.runningTime(); // 166413.47
   * ```
   */
  runningTime(): number {
    return Math.max(0, Date.now() / 1000 - this.createTime());
  }

  /**
   * Same as {@link HostProcess.runningTime} (nvitop's `running_time_in_seconds`).
   *
   * @example
   * ```ts
   * p.runningTimeInSeconds(); // 166413.47
   * ```
   */
  runningTimeInSeconds(): number {
    return this.runningTime();
  }

  /**
   * Running time, human (`'M:SS'`, `'H:MM:SS'` or `'N.N days'`, see `timedelta2human`).
   *
   * @example
   * ```ts
   * p.runningTimeHuman(); // '46:13:33'
   * ```
   */
  runningTimeHuman(): Maybe<string> {
    return timedelta2human(this.runningTime());
  }

  /**
   * CPU times in seconds.
   *
   * @example
   * ```ts
   * p.cpuTimes().user; // 2.18
   * ```
   */
  cpuTimes(): ProcessCpuTimes {
    return this.stat().cpuTimes;
  }

  /**
   * CPU utilization in percent of one core, one decimal (above 100 when several cores are busy).
   * The first call on an instance gives the lifetime average, CPU time over running time, as
   * `ps` does (psutil's first call gives a meaningless 0.0); later calls give the figure since
   * the previous call on this instance. User and system time of the process itself, not of its
   * children.
   *
   * @example
   * ```ts
   * p.cpuPercent(); // 98.5
   * ```
   */
  cpuPercent(): number {
    const s = this.stat();
    const sample = { cpu: s.cpuTimes.user + s.cpuTimes.system, at: performance.now() / 1000 };
    const previous = this.cpuSample;
    this.cpuSample = sample;
    return cpuPercentBetween(sample, previous, () => {
      // Both the uptime and the start time count from boot: 10 ms precision, unlike btime.
      const up = this.platform.uptime();
      return isNA(up) ? this.runningTime() : (up as number) - s.startTime;
    });
  }

  /**
   * Memory figures in bytes (`rss`, `vms`, `shared`, `text`, `data`; `/proc/<pid>/statm` × page
   * size).
   *
   * @example
   * ```ts
   * p.memoryInfo().rss; // 83988480
   * ```
   */
  memoryInfo(): ProcessMemoryInfo {
    this.stat();
    return this.read('memory', () => this.platform.processMemory(this.pid));
  }

  /**
   * Resident set size in bytes (nvitop's `rss_memory`, the HOST-MEM column).
   *
   * @example
   * ```ts
   * bytes2human(p.rssMemory()); // '80.10MiB'
   * ```
   */
  rssMemory(): number {
    return this.memoryInfo().rss;
  }

  /**
   * RSS in percent of total physical memory (not rounded, as psutil).
   *
   * @example
   * ```ts
   * p.memoryPercent(); // 1.6849018430285683
   * ```
   */
  memoryPercent(): number {
    const total = cachedTotalMemory(this.platform);
    return total > 0 ? (this.rssMemory() / total) * 100 : 0;
  }

  /**
   * Number of threads.
   *
   * @example
   * ```ts
   * HostProcess.get().numThreads(); // 7 (Node's worker pool and friends)
   * ```
   */
  numThreads(): number {
    return this.stat().numThreads;
  }

  /**
   * The parent process, or NA when there is none (PID 1, or a parent that is gone or started
   * after this process, meaning its PID was recycled).
   *
   * @example
   * ```ts
   * const parent = p.parent();
   * if (!isNA(parent)) console.log(parent.name());
   * ```
   */
  parent(): Maybe<HostProcess> {
    const ppid = this.ppid();
    if (ppid <= 0) return NA;
    try {
      const parent = HostProcess.get(ppid);
      if (parent.startTime <= this.startTime) return parent;
    } catch (error) {
      if (!(error instanceof NoSuchProcessError)) throw error;
    }
    return NA;
  }

  /**
   * Child processes (with `recursive`, all descendants, breadth first), from one scan of the
   * process table. Processes younger than a PID's reuse are skipped, as in psutil.
   *
   * @example
   * ```ts
   * HostProcess.get().children({ recursive: true }).map((c) => c.pid);
   * ```
   */
  children(options: ChildrenOptions = {}): HostProcess[] {
    this.stat();
    const result: HostProcess[] = [];
    walkChildren(this.platform.ppidMap(), this.pid, options.recursive === true, (pid) => {
      let child: HostProcess;
      try {
        child = HostProcess.get(pid);
      } catch (error) {
        if (error instanceof NoSuchProcessError || error instanceof ZombieProcessError) return false;
        throw error;
      }
      if (child.startTime < this.startTime) return false; // younger than a PID's reuse
      result.push(child);
      return true;
    });
    return result;
  }

  /**
   * Whether the process still runs: its PID exists with the same start time. Zombies count as
   * running (as in psutil). Never throws.
   *
   * @example
   * ```ts
   * child.kill();
   * p.isRunning(); // false once it is reaped
   * ```
   */
  isRunning(): boolean {
    if (this.gone) return false;
    try {
      const stat = this.platform.processStat(this.pid);
      if (stat.startStamp === this.startStamp) return true;
    } catch {
      // gone (or unreadable): not running as far as we can tell
    }
    this.markGone();
    return false;
  }

  /**
   * Sends a signal, after checking that the PID still belongs to this process (so a recycled
   * PID is never signalled).
   *
   * @param signal - a name such as `'SIGTERM'` or a number.
   * @throws NoSuchProcessError (`ESRCH`), AccessDeniedError (`EPERM`).
   *
   * @example
   * ```ts
   * p.sendSignal('SIGINT');
   * ```
   */
  sendSignal(signal: NodeJS.Signals | number): void {
    if (this.pid <= 0) {
      // kill(0, sig) would signal our whole process group.
      throw new InvalidInputError('pid', this.pid, 'a positive process id (signalling PID 0 hits the process group)');
    }
    if (!this.isRunning()) throw new NoSuchProcessError(this.pid);
    this.read(undefined, () => signalPid(this.pid, signal));
  }

  /**
   * Sends `SIGTERM`.
   *
   * @example
   * ```ts
   * p.terminate();
   * ```
   */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }

  /**
   * Sends `SIGKILL`.
   *
   * @example
   * ```ts
   * p.kill();
   * ```
   */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  /**
   * Sends `SIGSTOP`.
   *
   * @example
   * ```ts
   * p.suspend();
   * ```
   */
  suspend(): void {
    this.sendSignal('SIGSTOP');
  }

  /**
   * Sends `SIGCONT`.
   *
   * @example
   * ```ts
   * p.resume();
   * ```
   */
  resume(): void {
    this.sendSignal('SIGCONT');
  }

  /**
   * The host facts as one plain record, each file read once ({@link HostProcess.oneshot}).
   * Facts that may not be read are NA (see {@link HostProcessSnapshot}). `container: true` adds
   * {@link HostProcess.container} (one more file read the first time, none after).
   *
   * @throws NoSuchProcessError when the process is gone.
   *
   * @example
   * ```ts
   * const s = p.asSnapshot();
   * console.log(s.username, s.cpuPercent, s.hostMemoryHuman, s.command);
   * ```
   */
  asSnapshot(options: { readonly container?: boolean } = {}): HostProcessSnapshot {
    return hostProcessSnapshot(this, options);
  }

  /**
   * `HostProcess(pid=123, name='python3', status='running', started='14:31:22')` (psutil's
   * repr; the date is included when the process did not start today).
   *
   * @example
   * ```ts
   * String(HostProcess.get());
   * ```
   */
  toString(): string {
    return describeHostProcess(this);
  }

  /** Node's `util.inspect` shows {@link HostProcess.toString}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
