// nvisel --lock with real processes: two launchers started together never get the same GPU;
// the command runs with CUDA_VISIBLE_DEVICES set and the locks go when it ends (also on SIGTERM).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../helpers/fake-nvml.js';
import { nvisel, nviselEnv, startNvisel, waitForText } from './nvisel-helpers.js';

const eight = loadScenario('eight-gpu');
const uuid = (i: number) => eight.devices[i]!.uuid as string;
let lockDir: string;
let env: NodeJS.ProcessEnv;

/** A command that prints its CUDA_VISIBLE_DEVICES and runs until its stdin closes. */
const HOLD = [process.execPath, '-e', "process.on('SIGTERM', () => process.exit(42)); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); process.stdout.write('got ' + process.env.CUDA_DEVICE_ORDER + ' ' + process.env.CUDA_VISIBLE_DEVICES + '\\n');"];

beforeEach(() => {
  lockDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nvisel-lock-')), 'locks');
  env = nviselEnv('eight-gpu', { NVITOP_LOCK_DIR: lockDir });
});
afterEach(() => fs.rmSync(path.dirname(lockDir), { recursive: true, force: true }));

const lockFiles = () => (fs.existsSync(lockDir) ? fs.readdirSync(lockDir).sort() : []);

describe('nvisel --lock', () => {
  it('two launchers started together get different GPUs (the two best), each holding its lock', async () => {
    for (let round = 0; round < 3; round += 1) {
      const runs = [0, 1].map(() => startNvisel(['-n', '1', '--lock', '--', ...HOLD], env));
      await Promise.all(runs.map((run) => waitForText(run.out, 'got ')));
      const got = runs.map((run) => run.out().trim()).sort();
      expect(got).toEqual(['got PCI_BUS_ID 2', 'got PCI_BUS_ID 3']);
      expect(lockFiles()).toEqual([`${uuid(2)}.0.lock`, `${uuid(3)}.0.lock`]);
      // A third launcher now sees both locked and takes the next best GPU.
      expect(nvisel(['-n', '1', '--lock', String(process.pid)], env).stdout).toBe('0\n');
      for (const run of runs) run.child.stdin!.end();
      const results = await Promise.all(runs.map((run) => run.done));
      expect(results.map((r) => r.status)).toEqual([0, 0]);
      expect(results.every((r) => /^CUDA_VISIBLE_DEVICES="[23]"\n$/.test(r.stderr))).toBe(true);
      expect(lockFiles()).toEqual([`${uuid(0)}.0.lock`]); // ours (this test process), still alive
      fs.rmSync(lockDir, { recursive: true, force: true });
    }
  });

  it('--lock PID: the lock belongs to that process and goes with it', async () => {
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      expect(nvisel(['-n', '2', '--lock', String(owner.pid)], env)).toMatchObject({ status: 0, stdout: '3,2\n' });
      const record = JSON.parse(fs.readFileSync(path.join(lockDir, `${uuid(3)}.0.lock`), 'utf8')) as { pid: number };
      expect(record.pid).toBe(owner.pid);
      expect(nvisel(['-n', '2', '--lock', String(process.pid)], env).stdout).toBe('0,7\n');
    } finally {
      owner.kill('SIGKILL');
      await new Promise((resolve) => owner.once('exit', resolve));
    }
    // The owner is gone: GPUs 3 and 2 are free again (0 and 7 are still held by this process).
    expect(nvisel(['-n', '3', '--lock', String(process.pid)], env).stdout).toBe('3,2,6\n');
    expect(nvisel(['-c', '8', '--lock', String(process.pid)], env)).toMatchObject({ status: 4, stdout: '4,1,5\n' });
  });

  it('SIGTERM to nvisel reaches the command; the locks are released and its status passed on', async () => {
    const run = startNvisel(['-n', '1', '--lock', '--', ...HOLD], env);
    await waitForText(run.out, 'got PCI_BUS_ID 3');
    expect(lockFiles()).toEqual([`${uuid(3)}.0.lock`]);
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.status).toBe(42); // the command's own exit status after its SIGTERM handler
    expect(lockFiles()).toEqual([]);
  });

  it("passes the command's exit status on; 127 when it does not exist; does not run it without enough devices", () => {
    expect(nvisel(['-n', '1', '--', process.execPath, '-e', 'process.exit(7)'], env).status).toBe(7);
    const missing = nvisel(['-n', '1', '--lock', '--', 'no-such-command-nvisel'], env);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('nvisel: no-such-command-nvisel: command not found');
    expect(lockFiles()).toEqual([]);
    const short = nvisel(['-c', '2', '-f', '60GiB', '--', process.execPath, '-e', 'console.log("ran")'], env);
    expect(short.status).toBe(4);
    expect(short.stdout).toBe('');
    expect(short.stderr).toContain('Not running');
  });
});
