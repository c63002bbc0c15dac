import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

import { AccessDeniedError, InvalidInputError, NoSuchProcessError, ZombieProcessError } from '../../../src/core/errors.js';
import { NA, isNA } from '../../../src/core/na.js';
import { HostProcess, commandJoin, usernameFromUid } from '../../../src/core/host/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const linux = process.platform === 'linux';
const children: ChildProcess[] = [];

function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | false;
    try {
      value = probe();
    } catch {
      value = undefined;
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(20);
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A node child that idles (with an argument holding spaces and a custom environment). */
function spawnIdle(cwd: string): ChildProcess {
  return track(
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'arg with space'], {
      cwd,
      env: { ...process.env, NVITOP_TEST_MARK: 'hello world=1' },
      stdio: 'ignore',
    }),
  );
}

describe.runIf(linux)('HostProcess against real processes', () => {
  const workdir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-hp-')));
  afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

  it('reads the facts of a child process', async () => {
    const before = Date.now() / 1000;
    const child = spawnIdle(workdir);
    const pid = child.pid as number;
    const p = HostProcess.get(pid);
    // Wait until the child has exec'd node (the cmdline shows the final argv).
    await waitFor(() => p.cmdline().includes('arg with space'));
    const after = Date.now() / 1000;

    expect(p.pid).toBe(pid);
    expect(HostProcess.get(pid)).toBe(p);
    expect(p.cmdline()).toEqual([process.execPath, '-e', 'setInterval(() => {}, 1000)', 'arg with space']);
    expect(p.command()).toBe(`${process.execPath} -e "setInterval(() => {}, 1000)" "arg with space"`);
    expect(p.command()).toBe(commandJoin(p.cmdline()));
    expect(p.name()).toBe('node');
    expect(p.exe()).toBe(fs.realpathSync(process.execPath));
    expect(p.environ().NVITOP_TEST_MARK).toBe('hello world=1');
    expect(p.cwd()).toBe(workdir);
    expect(['sleeping', 'running']).toContain(p.status());
    expect(p.ppid()).toBe(process.pid);
    expect(p.parent()).toBe(HostProcess.get(process.pid));
    expect(p.uids().real).toBe(process.getuid?.());
    expect(p.gids().real).toBe(process.getgid?.());
    expect(p.username()).toBe(os.userInfo().username);
    expect(p.username()).toBe(execFileSync('id', ['-un'], { encoding: 'utf8' }).trim());
    expect(p.numThreads()).toBeGreaterThanOrEqual(1);

    // btime is whole seconds, so the creation time may read up to a second early.
    expect(p.createTime()).toBeGreaterThan(before - 1.5);
    expect(p.createTime()).toBeLessThanOrEqual(after + 0.05);
    expect(p.runningTime()).toBeGreaterThanOrEqual(0);
    expect(p.runningTime()).toBeLessThan(after - before + 2);
    expect(p.runningTimeHuman()).toMatch(/^0:0\d$/);

    const mem = p.memoryInfo();
    expect(mem.rss).toBeGreaterThan(1024 * 1024);
    expect(mem.vms).toBeGreaterThanOrEqual(mem.rss);
    expect(p.rssMemory()).toBeGreaterThan(0);
    expect(p.memoryPercent()).toBeGreaterThan(0);
    expect(p.memoryPercent()).toBeCloseTo((p.rssMemory() / os.totalmem()) * 100, 1);
    const times = p.cpuTimes();
    expect(times.user + times.system).toBeGreaterThanOrEqual(0);
    expect(String(p)).toMatch(new RegExp(`^HostProcess\\(pid=${pid}, name='node', status='\\w+', started='\\d\\d:\\d\\d:\\d\\d'\\)$`));

    const snap = p.asSnapshot();
    expect(snap).toMatchObject({
      pid,
      ppid: process.pid,
      name: 'node',
      cmdline: p.cmdline(),
      command: p.command(),
      username: os.userInfo().username,
      isRunning: true,
    });
    expect(snap.hostMemory).toBeGreaterThan(0);
    expect(typeof snap.hostMemoryHuman).toBe('string');
    expect(JSON.parse(JSON.stringify(snap)).pid).toBe(pid);
  });

  it('cpuPercent: lifetime average first, then since the previous call', async () => {
    const busy = track(
      spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: 'ignore' }),
    );
    const idle = spawnIdle(workdir);
    await sleep(1200);
    const b = HostProcess.get(busy.pid as number);
    const i = HostProcess.get(idle.pid as number);
    const ticks = (pid: number): number[] => {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return [Number(f[11]) + Number(f[12]), Number(f[19])];
    };
    const first = b.cpuPercent();
    const t0 = performance.now();
    const [cpu0 = 0, start = 0] = ticks(busy.pid as number);
    // ps-style lifetime figure, computed independently: CPU ticks over ticks since the start.
    const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const lifetime = (cpu0 / 100 / (uptime - start / 100)) * 100;
    expect(first).toBeGreaterThan(0);
    expect(Math.abs(first - lifetime)).toBeLessThan(10);
    i.cpuPercent();
    await sleep(600);
    const busyInterval = b.cpuPercent();
    const [cpu1 = 0] = ticks(busy.pid as number);
    const interval = ((cpu1 - cpu0) / 100 / ((performance.now() - t0) / 1000)) * 100;
    const idleInterval = i.cpuPercent();
    // Compared with an independent reading rather than fixed figures: the machine may be busy.
    expect(Math.abs(busyInterval - interval)).toBeLessThan(15);
    expect(busyInterval).toBeLessThan(150);
    expect(idleInterval).toBeLessThan(10);
    expect(busyInterval).toBeGreaterThan(idleInterval);
  });

  it('children and descendants', async () => {
    const shell = track(spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' }));
    const me = HostProcess.get();
    const sh = HostProcess.get(shell.pid as number);
    const sleeper = await waitFor(() => sh.children()[0]);
    expect(sleeper.ppid()).toBe(shell.pid);
    expect(sleeper.parent()).toBe(sh);
    expect(me.children().map((c) => c.pid)).toContain(shell.pid);
    expect(me.children().map((c) => c.pid)).not.toContain(sleeper.pid);
    const descendants = me.children({ recursive: true }).map((c) => c.pid);
    expect(descendants).toContain(shell.pid);
    expect(descendants).toContain(sleeper.pid);
    expect(HostProcess.get(1).parent()).toBe(NA);
  });

  it('terminate and kill end a child; afterwards it is gone', async () => {
    const a = spawnIdle(workdir);
    const b = spawnIdle(workdir);
    const pa = HostProcess.get(a.pid as number);
    const pb = HostProcess.get(b.pid as number);
    await sleep(100);
    pa.terminate();
    pb.kill();
    expect((await exited(a)).signal).toBe('SIGTERM');
    expect((await exited(b)).signal).toBe('SIGKILL');
    // Node reaps its children: the PIDs are gone now.
    expect(pa.isRunning()).toBe(false);
    expect(() => pa.cmdline()).toThrow(NoSuchProcessError);
    expect(() => pb.name()).toThrow(NoSuchProcessError);
    expect(() => pa.sendSignal('SIGTERM')).toThrow(NoSuchProcessError);
    expect(() => HostProcess.get(a.pid as number)).toThrow(NoSuchProcessError);
  });

  it('sendSignal delivers the signal', async () => {
    const child = track(
      spawn(process.execPath, ['-e', "process.on('SIGUSR1', () => process.exit(42)); setInterval(() => {}, 1000); process.stdout.write('ready')"], {
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const p = HostProcess.get(child.pid as number);
    // The handler is installed once the child says so (a SIGUSR1 before that would start Node's
    // inspector instead, which a loaded machine made happen after a fixed sleep).
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await waitFor(() => p.cmdline().length === 3);
    p.sendSignal('SIGUSR1');
    expect((await exited(child)).code).toBe(42);
  });

  it('a PID that exited → NoSuchProcessError; instances are dropped from the registry', async () => {
    const child = track(spawn('sh', ['-c', 'exit 0'], { stdio: 'ignore' }));
    const pid = child.pid as number;
    let early: HostProcess | undefined;
    try {
      early = HostProcess.get(pid);
    } catch {
      // it may already be gone
    }
    await exited(child);
    expect(() => HostProcess.get(pid)).toThrow(NoSuchProcessError);
    if (early !== undefined) {
      expect(early.isRunning()).toBe(false);
      expect(() => early.status()).toThrow(NoSuchProcessError);
    }
    HostProcess.prune();
    const sizeBefore = HostProcess.registrySize();
    const idle = spawnIdle(workdir);
    HostProcess.get(idle.pid as number);
    expect(HostProcess.registrySize()).toBe(sizeBefore + 1);
    idle.kill('SIGKILL');
    await exited(idle);
    expect(HostProcess.prune()).toBeGreaterThanOrEqual(1);
    expect(HostProcess.registrySize()).toBe(sizeBefore);
  });

  it('a zombie: status zombie, cmdline → ZombieProcessError, snapshot with NA command line', async () => {
    // The shell forks a child, then exec()s sleep, which never reaps it. The child exits only
    // after the exec (a shell that is still a shell would reap it on SIGCHLD).
    const parent = track(
      spawn('sh', ['-c', '(sleep 0.5; exit 0) & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const zombiePid = await new Promise<number>((resolve) => {
      parent.stdout?.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
    });
    const z = await waitFor(() => {
      const p = HostProcess.get(zombiePid);
      return p.status() === 'zombie' ? p : undefined;
    });
    expect(z.isRunning()).toBe(true);
    expect(z.ppid()).toBe(parent.pid);
    expect(() => z.cmdline()).toThrow(ZombieProcessError);
    expect(() => z.command()).toThrow(ZombieProcessError);
    expect(() => z.exe()).toThrow(ZombieProcessError);
    expect(typeof z.name()).toBe('string');
    const snap = z.asSnapshot();
    expect(snap.status).toBe('zombie');
    expect(snap.cmdline).toBe(NA);
    expect(snap.command).toBe(NA);
    expect(isNA(snap.username)).toBe(false);
  });

  it('kernel threads have an empty command line and no executable', () => {
    const comm = fs.existsSync('/proc/2/stat') ? fs.readFileSync('/proc/2/stat', 'utf8') : '';
    if (!comm.startsWith('2 (kthreadd)')) return; // not visible in this PID namespace
    const kthreadd = HostProcess.get(2);
    expect(kthreadd.cmdline()).toEqual([]);
    expect(kthreadd.command()).toBe('');
    expect(kthreadd.exe()).toBe('');
    expect(kthreadd.name()).toBe('kthreadd');
  });

  it('rejects invalid PIDs', () => {
    expect(() => HostProcess.get(-1)).toThrow(InvalidInputError);
    expect(() => HostProcess.get(1.5)).toThrow(InvalidInputError);
    expect(() => HostProcess.get(0)).toThrow(NoSuchProcessError);
  });

  it('maps kill errors: ESRCH → NoSuchProcessError, EPERM → AccessDeniedError', () => {
    const me = HostProcess.get();
    const fail = (code: string) => () => {
      const error = new Error(code) as NodeJS.ErrnoException;
      error.code = code;
      throw error;
    };
    const spy = vi.spyOn(process, 'kill');
    try {
      spy.mockImplementationOnce(fail('EPERM'));
      expect(() => me.sendSignal('SIGUSR2')).toThrow(AccessDeniedError);
      spy.mockImplementationOnce(fail('ESRCH'));
      expect(() => me.terminate()).toThrow(NoSuchProcessError);
    } finally {
      spy.mockRestore();
    }
    // ESRCH marked the instance gone; a fresh get() gives a new, live one.
    expect(HostProcess.get()).not.toBe(me);
    expect(HostProcess.get().isRunning()).toBe(true);
  });

  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot)('as an unprivileged user, other users\' facts raise AccessDeniedError (real EACCES/EPERM)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-ad-'));
    fs.chmodSync(dir, 0o755);
    const script = path.join(dir, 'probe.ts');
    const hostIndex = path.join(repoRoot, 'src/core/host/index.ts');
    const errorsModule = path.join(repoRoot, 'src/core/errors.ts');
    fs.writeFileSync(
      script,
      `import { HostProcess } from ${JSON.stringify(hostIndex)};
import { AccessDeniedError } from ${JSON.stringify(errorsModule)};
const root = HostProcess.get(1);
const out: Record<string, string> = {};
for (const [key, fn] of Object.entries({
  environ: () => root.environ(), cwd: () => root.cwd(), exe: () => root.exe(), terminate: () => root.terminate(),
})) {
  try { fn(); out[key] = 'ok'; } catch (e) { out[key] = e instanceof AccessDeniedError ? 'AccessDenied' : String(e); }
}
out.cmdline = root.cmdline().length > 0 ? 'readable' : 'empty';
out.username = root.username();
out.self = HostProcess.get().username();
console.log(JSON.stringify(out));
`,
    );
    fs.chmodSync(script, 0o644);
    const nobody = 65534;
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      uid: nobody,
      gid: nobody,
      env: { PATH: process.env.PATH, HOME: dir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout.trim()) as Record<string, string>;
    expect(out).toEqual({
      environ: 'AccessDenied',
      cwd: 'AccessDenied',
      exe: 'AccessDenied',
      terminate: 'AccessDenied',
      cmdline: 'readable',
      username: 'root',
      self: usernameFromUid(nobody),
    });
  });
});
