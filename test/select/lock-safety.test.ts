// Locks that never hand out a busy GPU, on a machine other users share: files planted next to a
// live lock (junk, symbolic links, files this user cannot read) never free the GPU; a folder
// others could delete locks from is refused (or repaired when it is ours); a folder that cannot
// be used is a LockDirectoryError (nvisel: one line, exit 5), never a hang or a stack trace;
// a lock of another host says who holds it and how to clear it; and who may own a lock.
// Checks that need another user run a child process as `nobody` (the suite runs as root).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LockDirectoryError,
  describeLockHolder,
  deviceLockHolders,
  ensureLockDirectory,
  releaseDeviceLocks,
  tryLockDevice,
} from '../../src/select/index.js';
import { InvalidInputError } from '../../src/core/index.js';
import { loadScenario } from '../helpers/fake-nvml.js';
import { nvisel, nviselEnv } from '../cli/nvisel-helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(ROOT, 'dist', 'select', 'index.js');
const GPU = 'GPU-0c2b3ff1-4d5e-6a7b-8c9d-0e1f2a3b4c5d';
const NOBODY = 65534;
let base: string;
let dir: string;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-lock-safety-'));
  fs.chmodSync(base, 0o755); // other users' children must reach the folders inside
  dir = path.join(base, 'locks');
});
afterEach(() => {
  releaseDeviceLocks();
  fs.rmSync(base, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;
/** Whether a child running as `nobody` can load the built package (needs root and a readable checkout). */
const nobodyCanRun =
  isRoot && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(DIST)})`], { uid: NOBODY, gid: NOBODY, cwd: '/' }).status === 0;

/** Runs `body` (ES module code with `api` = the built select layer) as user `nobody`; returns its stdout as JSON. */
function asNobody(body: string): unknown {
  const script = `import * as api from ${JSON.stringify(DIST)};\nconst out = await (async () => { ${body} })();\nprocess.stdout.write(JSON.stringify(out ?? null));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: NOBODY, gid: NOBODY, cwd: '/', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** A node child holding the lock through the built package until its stdin ends. */
function holder(): Promise<ChildProcess> {
  const script = `
    import { tryLockDevice } from ${JSON.stringify(DIST)};
    const lock = tryLockDevice(${JSON.stringify(GPU)}, { dir: ${JSON.stringify(dir)} });
    process.stdout.write(lock ? 'locked\\n' : 'busy\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) =>
    child.stdout!.once('data', (d: Buffer) => (d.toString().trim() === 'locked' ? resolve(child) : reject(new Error('holder did not get the lock')))),
  );
}
const ended = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));
const slot = (n: number) => path.join(dir, `${GPU}.${n}.lock`);

describe('files next to a live lock never free the GPU', () => {
  it('junk, a symbolic link and a dangling link in later slots: the live lock still holds', async () => {
    const child = await holder();
    try {
      fs.writeFileSync(slot(1), 'not a lock');
      const old = new Date(Date.now() - 60_000); // past the 10 s "being written" grace
      fs.utimesSync(slot(1), old, old);
      fs.symlinkSync('/etc/hostname', slot(2));
      fs.symlinkSync(path.join(base, 'absent'), slot(7));
      expect(tryLockDevice(GPU, { dir })).toBeNull();
      const holders = deviceLockHolders(GPU, { dir });
      expect(holders).toHaveLength(1);
      expect(holders[0]).toMatchObject({ state: 'alive', file: slot(0), record: { pid: child.pid } });
      // Nothing was written through the links, and the files are untouched.
      expect(fs.existsSync(path.join(base, 'absent'))).toBe(false);
      expect(fs.readFileSync(slot(1), 'utf8')).toBe('not a lock');
    } finally {
      child.stdin!.end();
      await ended(child);
    }
    // The holder is gone: junk and links alone do not hold the GPU either.
    expect(deviceLockHolders(GPU, { dir })).toEqual([]);
    expect(tryLockDevice(GPU, { dir })?.path).toBe(slot(0));
  });

  it('nvisel skips the GPU whose holder runs, with junk planted after its lock', async () => {
    const eight = loadScenario('eight-gpu');
    const best = eight.devices[3]!.uuid as string; // the best GPU of the scenario
    const env = nviselEnv('eight-gpu', { NVITOP_LOCK_DIR: dir });
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      expect(nvisel(['-n', '1', '--lock', String(sleeper.pid)], env)).toMatchObject({ status: 0, stdout: '3\n' });
      fs.writeFileSync(path.join(dir, `${best}.1.lock`), '{"junk": true}');
      fs.symlinkSync('/dev/null', path.join(dir, `${best}.2.lock`));
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(path.join(dir, `${best}.1.lock`), old, old);
      expect(nvisel(['-n', '1', '--lock', String(process.pid)], env)).toMatchObject({ status: 0, stdout: '2\n' });
    } finally {
      sleeper.kill('SIGKILL');
      await ended(sleeper);
    }
  });

  it.runIf(nobodyCanRun)("another user's file this user may not read counts as a lock (and says whose)", () => {
    ensureLockDirectory(dir);
    fs.writeFileSync(slot(0), 'secret', { mode: 0o600 }); // root's, unreadable to nobody
    const seen = asNobody(`
      const dir = ${JSON.stringify(dir)};
      const holders = api.deviceLockHolders(${JSON.stringify(GPU)}, { dir });
      return { lock: api.tryLockDevice(${JSON.stringify(GPU)}, { dir }), holders, text: holders.map((h) => api.describeLockHolder(h)) };
    `) as { lock: unknown; holders: Array<{ state: string; fileUid: number }>; text: string[] };
    expect(seen.lock).toBeNull();
    expect(seen.holders).toEqual([{ file: slot(0), state: 'unreadable', fileUid: 0 }]);
    expect(seen.text[0]).toContain(`a file of user root that this user may not read; if it is not a live lock, remove ${slot(0)}`);
  });

  it('of racers for one GPU exactly one gets it, also with junk in the slots', async () => {
    ensureLockDirectory(dir);
    fs.writeFileSync(slot(0), 'junk');
    fs.symlinkSync('/dev/null', slot(2));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(slot(0), old, old);
    const start = Date.now() + 800;
    const racers = Array.from({ length: 4 }, () => {
      const script = `
        import { tryLockDevice } from ${JSON.stringify(DIST)};
        while (Date.now() < ${start});
        const lock = tryLockDevice(${JSON.stringify(GPU)}, { dir: ${JSON.stringify(dir)} });
        process.stdout.write(lock ? 'locked\\n' : 'busy\\n');
        process.stdin.resume();
        process.stdin.on('end', () => process.exit(0));`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      const said = new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
      return { child, said };
    });
    const answers = await Promise.all(racers.map((r) => r.said));
    expect(answers.filter((a) => a === 'locked')).toHaveLength(1);
    expect(deviceLockHolders(GPU, { dir })).toHaveLength(1);
    for (const r of racers) r.child.stdin!.end();
    await Promise.all(racers.map((r) => ended(r.child)));
  });
});

describe('a folder others could delete locks from', () => {
  it('is repaired (sticky bit added) when it is ours', () => {
    fs.mkdirSync(dir, { mode: 0o777 });
    fs.chmodSync(dir, 0o777);
    expect(ensureLockDirectory(dir)).toBe(dir);
    expect(fs.statSync(dir).mode & 0o7777).toBe(0o1777);
    fs.chmodSync(dir, 0o775);
    ensureLockDirectory(dir);
    expect(fs.statSync(dir).mode & 0o7777).toBe(0o1775);
  });

  it.runIf(isRoot)("is refused when it is another user's (world- or group-writable, not sticky)", () => {
    fs.mkdirSync(dir);
    fs.chownSync(dir, NOBODY, NOBODY);
    for (const mode of [0o777, 0o770]) {
      fs.chmodSync(dir, mode);
      let error: unknown;
      try {
        ensureLockDirectory(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LockDirectoryError);
      expect((error as LockDirectoryError).reason).toBe('EUNSAFE');
      expect((error as Error).message).toContain(`its owner should run 'chmod +t ${dir}'`);
      expect(fs.statSync(dir).mode & 0o7777).toBe(mode); // left as it was
      expect(() => tryLockDevice(GPU, { dir })).toThrow(LockDirectoryError);
    }
    fs.chmodSync(dir, 0o1777);
    expect(tryLockDevice(GPU, { dir })).not.toBeNull();
  });
});

describe('a folder that cannot be used', () => {
  const folderError = (folder: string): LockDirectoryError => {
    try {
      ensureLockDirectory(folder);
    } catch (error) {
      if (error instanceof LockDirectoryError) return error;
      throw error;
    }
    throw new Error('no error');
  };

  it('is a LockDirectoryError naming the folder and the cause (ENOTDIR, a path under /proc or /sys)', () => {
    fs.writeFileSync(path.join(base, 'file'), '');
    const cases: Array<[string, RegExp]> = [
      [path.join(base, 'file', 'locks'), /ENOTDIR/],
      ['/proc/nvitop-locks', /ENOENT/],
      ['/proc/1/nvitop/locks', /ENOENT|EACCES|EPERM/],
      ['/sys/nvitop-locks', /EPERM|EACCES|EROFS/],
    ];
    for (const [folder, code] of cases) {
      const started = Date.now();
      const error = folderError(folder);
      expect(Date.now() - started).toBeLessThan(1000); // never the recursive-mkdir spin
      expect(error.folder).toBe(folder);
      expect(error.reason).toMatch(code);
      expect(error.message).toMatch(new RegExp(`^Cannot use the GPU lock folder ${folder}: .* Set NVITOP_LOCK_DIR`));
    }
  });

  it.runIf(nobodyCanRun)("an admin-made 0755 folder: EACCES for other users, with the folder named", () => {
    fs.mkdirSync(dir, { mode: 0o755 });
    const seen = asNobody(`
      const dir = ${JSON.stringify(dir)};
      try { api.tryLockDevice(${JSON.stringify(GPU)}, { dir }); return 'locked'; }
      catch (e) { return { name: e.name, reason: e.reason, folder: e.folder, message: e.message }; }
    `) as { name: string; reason: string; folder: string; message: string };
    expect(seen).toMatchObject({ name: 'LockDirectoryError', reason: 'EACCES', folder: dir });
    expect(seen.message).toContain('lock files cannot be listed or created in it: permission denied (EACCES)');
  });

  it('nvisel --lock: one line on stderr and exit status 5 (no stack trace, no hang)', () => {
    fs.writeFileSync(path.join(base, 'file'), '');
    for (const folder of [path.join(base, 'file', 'locks'), '/proc/x', '/sys/nvitop-locks']) {
      const run = nvisel(['-n', '1', '--lock', String(process.pid)], nviselEnv('eight-gpu', { NVITOP_LOCK_DIR: folder }));
      expect(run.status).toBe(5);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(new RegExp(`^nvisel: Cannot use the GPU lock folder ${folder}: `));
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it.runIf(nobodyCanRun)('nvisel --lock as another user in an admin-made 0755 folder: exit 5', () => {
    fs.mkdirSync(dir, { mode: 0o755 });
    const env = nviselEnv('eight-gpu', { NVITOP_LOCK_DIR: dir });
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'nvisel.js'), '-n', '1', '--lock', '--', 'true'], {
      env,
      uid: NOBODY,
      gid: NOBODY,
      cwd: '/',
      encoding: 'utf8',
    });
    expect(run.status).toBe(5);
    expect(run.stderr).toMatch(new RegExp(`^nvisel: Cannot use the GPU lock folder ${dir}: lock files cannot be listed or created in it: permission denied \\(EACCES\\)\\. `));
  });
});

describe('who holds a lock', () => {
  it('a lock of another host blocks the GPU; the message says who, since when, and how to clear it', () => {
    const eight = loadScenario('eight-gpu');
    const best = eight.devices[3]!.uuid as string;
    ensureLockDirectory(dir);
    const file = path.join(dir, `${best}.0.lock`);
    const since = '2026-01-02T03:04:05.000Z';
    fs.writeFileSync(file, JSON.stringify({ pid: 4242, host: 'gpu-node-7', device: best, token: 't', since, user: 'alice' }));
    const env = nviselEnv('eight-gpu', { NVITOP_LOCK_DIR: dir });
    const run = nvisel(['-c', '8', '--lock', String(process.pid)], env);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain(
      `GPU 3 is locked by alice (PID 4242 on gpu-node-7 since ${since}): locks written on another host are never judged stale (this host cannot see its processes); if that job has ended, remove ${file} (its owner, the lock folder's owner or root can).`,
    );
    const [holderInfo] = deviceLockHolders(best, { dir });
    expect(holderInfo).toMatchObject({ state: 'other-host', record: { host: 'gpu-node-7', pid: 4242 } });
    expect(describeLockHolder(holderInfo!)).toMatch(/^locked by alice \(PID 4242 on gpu-node-7/);
  });

  it('a local live holder is named with its user, PID and start', async () => {
    const child = await holder();
    try {
      const [info] = deviceLockHolders(GPU, { dir });
      expect(describeLockHolder(info!)).toMatch(new RegExp(`^locked by \\S+ \\(PID ${child.pid} on ${os.hostname()} since \\d{4}-\\d\\d-\\d\\dT.*\\); it is released when that process ends$`));
    } finally {
      child.stdin!.end();
      await ended(child);
    }
  });
});

describe('who may own a lock', () => {
  it('not PID 1 (its locks would last until reboot), not a process that is gone', () => {
    expect(() => tryLockDevice(GPU, { dir, ownerPid: 1 })).toThrow(InvalidInputError);
    expect(() => tryLockDevice(GPU, { dir, ownerPid: 1 })).toThrow(/PID 1 runs until reboot/);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    expect(() => tryLockDevice(GPU, { dir, ownerPid: Number(gone.stdout) })).toThrow(/the PID of a running process/);
    const run = nvisel(['-n', '1', '--lock', '1'], nviselEnv('eight-gpu', { NVITOP_LOCK_DIR: dir }));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('nvisel: error: Invalid lock owner PID: 1.');
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it.runIf(nobodyCanRun)("a user may not lock for another user's process; root may", async () => {
    fs.mkdirSync(dir, { mode: 0o1777 });
    fs.chmodSync(dir, 0o1777);
    const seen = asNobody(`
      try { api.tryLockDevice(${JSON.stringify(GPU)}, { dir: ${JSON.stringify(dir)}, ownerPid: ${process.pid} }); return 'locked'; }
      catch (e) { return e.message; }
    `);
    expect(seen).toMatch(new RegExp(`^Invalid lock owner PID: ${process.pid}\\. Expected a process of your own \\(process ${process.pid} belongs to user id 0;`));
    const theirs = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { uid: NOBODY, gid: NOBODY, cwd: '/' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lock = tryLockDevice(GPU, { dir, ownerPid: theirs.pid! });
      expect(lock?.record.pid).toBe(theirs.pid);
    } finally {
      theirs.kill('SIGKILL');
      await ended(theirs);
    }
  });
});
