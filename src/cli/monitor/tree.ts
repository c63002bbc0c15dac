/**
 * The process tree of the tree view: the GPU processes, all their ancestors up to the root, and
 * their direct children, with each node's host facts and the devices it uses.
 *
 * @module
 */
import { HostProcess, isNA, NA, type GpuProcessSnapshot, type Maybe } from '../../core/index.js';

/** One row of the tree view. */
export interface TreeRow {
  /** Process id. */
  readonly pid: number;
  /** Owner (NA when unknown). */
  readonly username: Maybe<string>;
  /** `'GPU 0,1'`, or `'Host'` for a process that uses no GPU. */
  readonly devices: string;
  /** Number of threads. */
  readonly threads: Maybe<number>;
  /** CPU percent. */
  readonly cpuPercent: Maybe<number>;
  /** Host memory percent. */
  readonly memoryPercent: Maybe<number>;
  /** Running time, human. */
  readonly time: Maybe<string>;
  /** Command line (or `No Such Process` / `No Permissions` / `Zombie Process`). */
  readonly command: string;
  /** Tree drawing before the command (`'├─ '`, `'│  └─ '`, …). */
  readonly prefix: string;
  /** Whether the process is gone. */
  readonly gone: boolean;
  /** Whether it is a GPU process. */
  readonly isGpu: boolean;
}

interface Node {
  pid: number;
  host: HostProcess | undefined;
  gpu: GpuProcessSnapshot | undefined;
  devices: Set<string>;
  children: Node[];
  parent: Node | undefined;
  row?: Omit<TreeRow, 'prefix'>;
}

function facts(node: Node): Omit<TreeRow, 'prefix'> {
  const host = node.host;
  const gpu = node.gpu;
  const devices = node.devices.size > 0 ? `GPU ${[...node.devices].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(',')}` : 'Host';
  if (host === undefined || !host.isRunning()) {
    return {
      pid: node.pid, username: gpu?.username ?? NA, devices, threads: NA, cpuPercent: NA, memoryPercent: NA, time: NA,
      command: gpu?.command ?? 'No Such Process', gone: true, isGpu: gpu !== undefined,
    };
  }
  const read = <T>(fn: () => T): Maybe<T> => {
    try {
      return fn();
    } catch {
      return NA;
    }
  };
  let command: string;
  try {
    command = host.command();
    if (command.length === 0) command = 'Zombie Process';
  } catch (error) {
    command = (error as Error).name === 'AccessDeniedError' ? 'No Permissions' : 'No Such Process';
  }
  return {
    pid: node.pid,
    username: read(() => host.username()),
    devices,
    threads: read(() => host.numThreads()),
    cpuPercent: gpu?.cpuPercent ?? read(() => host.cpuPercent()),
    memoryPercent: gpu?.memoryPercent ?? read(() => host.memoryPercent()),
    time: read(() => host.runningTimeHuman()),
    command,
    gone: false,
    isGpu: gpu !== undefined,
  };
}

/**
 * Build the tree rows (depth-first, roots by PID, siblings by gone, user, PID).
 *
 * @example
 * ```ts
 * const rows = buildProcessTree(data.processes);
 * rows.map((r) => `${r.prefix}${r.command}`);
 * ```
 */
export function buildProcessTree(processes: readonly GpuProcessSnapshot[]): TreeRow[] {
  const nodes = new Map<number, Node>();
  const hostOf = (pid: number): HostProcess | undefined => {
    try {
      return HostProcess.get(pid);
    } catch {
      return undefined;
    }
  };
  const nodeFor = (pid: number): Node => {
    let node = nodes.get(pid);
    if (node === undefined) {
      node = { pid, host: hostOf(pid), gpu: undefined, devices: new Set(), children: [], parent: undefined };
      nodes.set(pid, node);
    }
    return node;
  };
  const link = (parent: Node, child: Node): void => {
    if (child.parent !== undefined || parent === child) return;
    child.parent = parent;
    parent.children.push(child);
  };
  const leaves: Node[] = [];
  for (const p of processes) {
    const node = nodeFor(p.pid);
    node.gpu ??= p;
    node.devices.add(p.deviceIndex);
    leaves.push(node);
  }
  // Ancestors.
  const queue = [...new Set(leaves)];
  while (queue.length > 0) {
    const node = queue.shift() as Node;
    if (node.host === undefined || node.parent !== undefined) continue;
    let parent: Maybe<HostProcess>;
    try {
      parent = node.host.parent();
    } catch {
      continue;
    }
    if (isNA(parent)) continue;
    const existed = nodes.has(parent.pid);
    const parentNode = nodeFor(parent.pid);
    link(parentNode, node);
    if (!existed) queue.push(parentNode);
  }
  // Direct children of GPU processes.
  for (const node of new Set(leaves)) {
    if (node.host === undefined) continue;
    let children: HostProcess[] = [];
    try {
      children = node.host.children();
    } catch {
      continue;
    }
    for (const child of children) {
      if (!nodes.has(child.pid)) link(node, nodeFor(child.pid));
    }
  }
  for (const node of nodes.values()) node.row = facts(node);
  const key = (n: Node): [number, string, number] => [n.row?.gone === true ? 1 : 0, String(n.row?.username ?? ''), n.pid];
  const compare = (a: Node, b: Node): number => {
    const [ga, ua, pa] = key(a);
    const [gb, ub, pb] = key(b);
    return ga - gb || (ua < ub ? -1 : ua > ub ? 1 : 0) || pa - pb;
  };
  const rows: TreeRow[] = [];
  const visit = (node: Node, prefix: string, childPrefix: string): void => {
    rows.push({ ...(node.row as Omit<TreeRow, 'prefix'>), prefix });
    const children = [...node.children].sort(compare);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      visit(child, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '));
    });
  };
  const roots = [...nodes.values()].filter((n) => n.parent === undefined).sort((a, b) => a.pid - b.pid);
  for (const root of roots) visit(root, '', '');
  return rows;
}
