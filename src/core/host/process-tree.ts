/**
 * Walks of the process tree from one `pid → ppid` scan (psutil's `children()`), and the signal
 * call of `HostProcess`, with errno turned into the process errors.
 *
 * @module
 */
import { AccessDeniedError, NoSuchProcessError } from '../errors.js';

/**
 * Visits the children of `root` breadth first (with `recursive`, all descendants). `accept`
 * says whether a child counts; only accepted children are descended into. Each PID is visited
 * once. Returns the accepted PIDs in visiting order.
 *
 * @example
 * ```ts
 * walkChildren(new Map([[2, 1], [3, 2]]), 1, true, () => true); // [2, 3]
 * ```
 */
export function walkChildren(
  ppidMap: ReadonlyMap<number, number>,
  root: number,
  recursive: boolean,
  accept: (pid: number) => boolean,
): number[] {
  const tree = new Map<number, number[]>();
  for (const [pid, ppid] of ppidMap) {
    const list = tree.get(ppid);
    if (list === undefined) tree.set(ppid, [pid]);
    else list.push(pid);
  }
  const result: number[] = [];
  const seen = new Set<number>([root]);
  const queue: number[] = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const child of tree.get(parent) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      if (!accept(child)) continue;
      result.push(child);
      if (recursive) queue.push(child);
    }
  }
  return result;
}

/**
 * `process.kill(pid, signal)` with `ESRCH` as {@link NoSuchProcessError} and `EPERM` as
 * {@link AccessDeniedError}.
 *
 * @example
 * ```ts
 * signalPid(4242, 'SIGTERM');
 * ```
 */
export function signalPid(pid: number, signal: NodeJS.Signals | number): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new NoSuchProcessError(pid, { cause: error });
    if (code === 'EPERM') throw new AccessDeniedError(pid, { cause: error });
    throw error;
  }
}
