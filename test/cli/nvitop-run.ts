// Helpers of the nvitop CLI tests: run the built bin (dist/, after `npm run build`), spawn real
// processes to stand in for GPU processes, and an independent reading of nvitop's size format.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'nvitop.js');

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `node bin/nvitop.js ...args` with `env` (COLUMNS removed unless given); never rejects. */
export function runNvitop(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const childEnv: NodeJS.ProcessEnv = { ...env };
  if (env.COLUMNS === undefined) delete childEnv.COLUMNS;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: childEnv, maxBuffer: 16 << 20, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1;
      resolve({ stdout, stderr, code });
    });
  });
}

/** Runs `command` in a pseudo-terminal (util-linux `script`), so stdout and stdin are TTYs. */
export function runInTty(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1;
      resolve({ stdout: stdout.replace(/\r\n/g, '\n'), stderr, code });
    });
  });
}

/** Idle child processes (optionally as another user) whose PIDs a scenario can list. */
export function spawnSleepers(count: number, options: { uid?: number; tag?: string } = {}): ChildProcess[] {
  return Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', `${options.tag ?? 'gpu-job'}-${i}`], {
      stdio: 'ignore',
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    }),
  );
}

/** Kills the sleepers. */
export function killAll(children: readonly ChildProcess[]): void {
  for (const child of children) child.kill('SIGKILL');
}

const KiB = 1024;
const MiB = KiB * 1024;
const GiB = MiB * 1024;

/** nvitop's size format, written here independently of src/ (see parity §12). */
export function humanSize(bytes: number): string {
  const even = (x: number) => {
    const floor = Math.floor(x);
    return Math.abs(x - floor - 0.5) < 1e-9 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(x);
  };
  if (bytes < KiB) return `${bytes}B`;
  if (bytes < MiB) return `${even(bytes / KiB)}KiB`;
  if (bytes < 100 * MiB) return `${(bytes / MiB).toFixed(2)}MiB`;
  if (bytes < 1000 * MiB) return `${(bytes / MiB).toFixed(1)}MiB`;
  if (bytes < 20 * GiB) return `${even(bytes / MiB)}MiB`;
  if (bytes < 100 * GiB) return `${(bytes / GiB).toFixed(2)}GiB`;
  return `${(bytes / GiB).toFixed(1)}GiB`;
}

/** The table lines of once-mode output that belong to the device box (from ╒ to the first ╘). */
export function deviceBox(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('╒') || l.startsWith('+'));
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('╘') || (l.startsWith('+') && lines[i + 1]?.startsWith('['))));
  return lines.slice(start, end + 1);
}

/** The process rows of once-mode output (lines of the last box that start with '│' and a GPU index). */
export function processRows(stdout: string): string[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => l.includes('Processes:'));
  return lines.slice(header + 3).filter((l) => /^[│|] *\d+(:\d+)? +\d/.test(l));
}
