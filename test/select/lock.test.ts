// Advisory GPU lock files: folder mode, exclusive creation, stale locks (dead owner, recycled
// PID, half-written file), planted symbolic links, release at exit and on signals, and a race
// between real processes. (Planted files next to live locks, unsafe folders and owners: see
// lock-safety.test.ts.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deviceLockHolder,
  ensureLockDirectory,
  lockDirectory,
  lockOwner,
  releaseDeviceLocks,
  tryLockDevice,
} from '../../src/select/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(ROOT, 'dist', 'select', 'index.js');
const GPU = 'GPU-0c2b3ff1-4d5e-6a7b-8c9d-0e1f2a3b4c5d';
let dir: string;

beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-lock-test-')), 'locks');
});
afterEach(() => {
  releaseDeviceLocks();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const lockFiles = () => fs.readdirSync(dir).sort();
const readRecord = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;

/** A PID that no process has now (a child that has exited and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A node child that takes the lock through the built package and holds it until stdin ends. */
function lockingChild(after = '', before = ''): { child: ChildProcess; said: Promise<string> } {
  const script = `
    import { tryLockDevice } from ${JSON.stringify(DIST)};
    ${before}
    const lock = tryLockDevice(${JSON.stringify(GPU)}, { dir: ${JSON.stringify(dir)} });
    ${after}
    process.stdout.write(lock ? 'locked\\n' : 'busy\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const said = new Promise<string>((resolve) => child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim())));
  return { child, said };
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

describe('lock folder', () => {
  it('defaults to $NVITOP_LOCK_DIR, else <tmpdir>/nvitop-locks', () => {
    const saved = process.env.NVITOP_LOCK_DIR;
    try {
      delete process.env.NVITOP_LOCK_DIR;
      expect(lockDirectory()).toBe(path.join(os.tmpdir(), 'nvitop-locks'));
      process.env.NVITOP_LOCK_DIR = dir;
      expect(lockDirectory()).toBe(dir);
    } finally {
      if (saved === undefined) delete process.env.NVITOP_LOCK_DIR;
      else process.env.NVITOP_LOCK_DIR = saved;
    }
  });

  it('is created world-writable and sticky (1777) whatever the umask', () => {
    const old = process.umask(0o077);
    try {
      ensureLockDirectory(dir);
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(dir).mode & 0o7777).toBe(0o1777);
  });

  it('must be a folder', () => {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.writeFileSync(dir, '');
    expect(() => ensureLockDirectory(dir)).toThrow(/^Cannot use the GPU lock folder .*\/locks: .*\(ENOTDIR\)/);
  });
});

describe('taking and releasing a lock', () => {
  it('creates generation 0 holding the owner PID and start time; a second try finds it held', () => {
    const lock = tryLockDevice(GPU, { dir });
    expect(lock).not.toBeNull();
    expect(lockFiles()).toEqual([`${GPU}.0.lock`]);
    const record = readRecord(`${GPU}.0.lock`);
    expect(record.pid).toBe(process.pid);
    // Start time in clock ticks, field 22 of /proc/<pid>/stat (read here independently).
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    expect(record.startTicks).toBe(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]));
    expect(record.host).toBe(os.hostname());
    expect(fs.statSync(path.join(dir, `${GPU}.0.lock`)).mode & 0o777).toBe(0o644);
    expect(tryLockDevice(GPU, { dir })).toBeNull();
    expect(deviceLockHolder(GPU, { dir })).toMatchObject({ pid: process.pid });
    expect(lock!.release()).toBe(true);
    expect(lockFiles()).toEqual([]);
    expect(deviceLockHolder(GPU, { dir })).toBeNull();
    expect(tryLockDevice(GPU, { dir })).not.toBeNull();
  });

  it("release removes only the lock's own file", () => {
    const lock = tryLockDevice(GPU, { dir })!;
    const other = { ...lock.record, pid: 1, token: 'someone-else' };
    fs.writeFileSync(lock.path, JSON.stringify(other)); // (cannot happen in practice: simulate a foreign file)
    expect(lock.release()).toBe(false);
    expect(lockFiles()).toEqual([`${GPU}.0.lock`]);
  });
});

describe('stale locks', () => {
  const plant = (generation: number, record: object | string) => {
    ensureLockDirectory(dir);
    fs.writeFileSync(path.join(dir, `${GPU}.${generation}.lock`), typeof record === 'string' ? record : JSON.stringify(record));
  };
  const base = () => ({ device: GPU, token: 't', host: os.hostname(), since: new Date().toISOString() });

  it('a lock whose process is gone is taken over by the next generation', () => {
    plant(0, { ...base(), pid: deadPid() });
    expect(deviceLockHolder(GPU, { dir })).toBeNull();
    const lock = tryLockDevice(GPU, { dir });
    expect(lock?.path).toBe(path.join(dir, `${GPU}.1.lock`));
    expect(lockFiles()).toEqual([`${GPU}.0.lock`, `${GPU}.1.lock`]);
  });

  it('a recycled PID (same PID, other start time) is stale; the same start time is alive', () => {
    const me = lockOwner();
    plant(0, { ...base(), pid: process.pid, startTicks: (me.startTicks ?? 0) + 1 });
    expect(deviceLockHolder(GPU, { dir })).toBeNull();
    plant(1, { ...base(), ...me });
    expect(deviceLockHolder(GPU, { dir })).toMatchObject({ pid: process.pid });
    expect(tryLockDevice(GPU, { dir })).toBeNull();
  });

  it('a new lock takes the lowest free slot; stale files in other slots stay', () => {
    plant(0, { ...base(), pid: deadPid() });
    plant(3, { ...base(), pid: deadPid() });
    expect(tryLockDevice(GPU, { dir })?.path).toBe(path.join(dir, `${GPU}.1.lock`));
    expect(lockFiles()).toEqual([0, 1, 3].map((n) => `${GPU}.${n}.lock`));
  });

  it('a lock written on another host is never judged stale', () => {
    plant(0, { ...base(), pid: deadPid(), host: 'some-other-host' });
    expect(deviceLockHolder(GPU, { dir })).toMatchObject({ host: 'some-other-host' });
    expect(tryLockDevice(GPU, { dir })).toBeNull();
  });

  it('an empty file is a lock being written for 10 s, then stale', () => {
    plant(0, '');
    expect(deviceLockHolder(GPU, { dir })).toBe('unknown');
    expect(tryLockDevice(GPU, { dir })).toBeNull();
    const old = new Date(Date.now() - 20_000);
    fs.utimesSync(path.join(dir, `${GPU}.0.lock`), old, old);
    expect(tryLockDevice(GPU, { dir })?.path).toBe(path.join(dir, `${GPU}.1.lock`));
  });

  it('never follows a planted symbolic link (neither to read nor to write)', () => {
    ensureLockDirectory(dir);
    const victim = path.join(path.dirname(dir), 'victim');
    fs.writeFileSync(victim, JSON.stringify({ ...base(), ...lockOwner() })); // looks like a live lock
    fs.symlinkSync(victim, path.join(dir, `${GPU}.0.lock`));
    fs.symlinkSync(path.join(path.dirname(dir), 'absent'), path.join(dir, `${GPU}.1.lock`)); // dangling
    const lock = tryLockDevice(GPU, { dir });
    expect(lock?.path).toBe(path.join(dir, `${GPU}.2.lock`));
    expect(fs.readFileSync(victim, 'utf8')).toContain('"token":"t"');
    expect(fs.existsSync(path.join(path.dirname(dir), 'absent'))).toBe(false);
  });
});

describe('owners and release (real processes)', () => {
  it('a lock owned by another live process holds until that process is gone', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const lock = tryLockDevice(GPU, { dir, ownerPid: sleeper.pid! });
      expect(readRecord(`${GPU}.0.lock`).pid).toBe(sleeper.pid);
      expect(tryLockDevice(GPU, { dir })).toBeNull();
      expect(lock).not.toBeNull();
    } finally {
      sleeper.kill('SIGKILL');
      await exited(sleeper);
    }
    expect(tryLockDevice(GPU, { dir })?.path).toBe(path.join(dir, `${GPU}.1.lock`));
  });

  it('is released when the owner exits normally', async () => {
    const { child, said } = lockingChild();
    expect(await said).toBe('locked');
    expect(lockFiles()).toEqual([`${GPU}.0.lock`]);
    child.stdin!.end();
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(lockFiles()).toEqual([]);
  });

  it('is released on SIGTERM, and the process still dies of the signal', async () => {
    const { child, said } = lockingChild();
    expect(await said).toBe('locked');
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(lockFiles()).toEqual([]);
  });

  it('is left to the application when it handles the signal itself, and released at its exit', async () => {
    const { child, said } = lockingChild(`process.on('SIGINT', () => { process.stdout.write('handled\\n'); setTimeout(() => process.exit(3), 50); });`);
    expect(await said).toBe('locked');
    const handled = new Promise((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('handled') && resolve(true)));
    child.kill('SIGINT');
    await handled;
    expect(lockFiles()).toEqual([`${GPU}.0.lock`]);
    expect(await exited(child)).toEqual({ code: 3, signal: null });
    expect(lockFiles()).toEqual([]);
  });

  it('after SIGKILL the file stays but is stale, and the next process takes over', async () => {
    const { child, said } = lockingChild();
    expect(await said).toBe('locked');
    child.kill('SIGKILL');
    await exited(child);
    expect(lockFiles()).toEqual([`${GPU}.0.lock`]);
    expect(tryLockDevice(GPU, { dir })?.path).toBe(path.join(dir, `${GPU}.1.lock`));
  });

  it('of many processes racing for one lock, exactly one gets it (also over a stale lock)', async () => {
    for (const stale of [false, true]) {
      if (stale) {
        ensureLockDirectory(dir);
        fs.writeFileSync(path.join(dir, `${GPU}.0.lock`), JSON.stringify({ device: GPU, token: 't', host: os.hostname(), pid: deadPid() }));
      }
      const start = Date.now() + 600; // all children try at the same moment
      const children = Array.from({ length: 4 }, () => lockingChild('', `while (Date.now() < ${start});`));
      const answers = await Promise.all(children.map((c) => c.said));
      expect(answers.filter((a) => a === 'locked')).toHaveLength(1);
      expect(answers.filter((a) => a === 'busy')).toHaveLength(3);
      for (const c of children) c.child.stdin!.end();
      await Promise.all(children.map((c) => exited(c.child)));
      expect(lockFiles()).toEqual(stale ? [`${GPU}.0.lock`] : []);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
