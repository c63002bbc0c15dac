// `nvitop -1` output rules: colour on/off (TTY, --force-color, NO_COLOR, TERM=dumb), thresholds,
// ASCII, widths 79/120/200, the lines nvitop-node adds (unaccounted memory, hidden host facts,
// missing NVML functions), mode resolution messages and exit codes.
import { describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';
import { deviceBox, runInTty, runNvitop } from './nvitop-run.js';

const SGR = /\x1b\[[0-9;]*m/g;
const plain = (text: string) => text.replace(SGR, '');
const widthOf = (line: string) => [...line].length;

describe('colour', () => {
  const env = fakeNvmlEnv('eight-gpu');

  it('none when stdout is a pipe, even with FORCE_COLOR; --force-color colours (despite NO_COLOR)', async () => {
    const piped = await runNvitop(['-1'], { ...env, FORCE_COLOR: '1' });
    expect(piped.stdout).not.toMatch(SGR);
    const forced = await runNvitop(['-1', '--force-color'], { ...env, NO_COLOR: '1' });
    expect(forced.stdout).toMatch(SGR);
    // Same text once the colour is removed (the date and the host figures may differ by a tick).
    const stable = (text: string) => text.split('\n').slice(1).filter((l) => !l.startsWith('[ '));
    expect(stable(plain(forced.stdout))).toEqual(stable(piped.stdout));
  });

  it('in a terminal: colour by default, none with NO_COLOR, TERM=dumb or ANSI_COLORS_DISABLED', async () => {
    const tty = await runInTty(['-1'], { ...env, TERM: 'xterm', COLUMNS: '100' });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(SGR);
    for (const extra of [{ NO_COLOR: '1' }, { TERM: 'dumb' }, { ANSI_COLORS_DISABLED: '1' }]) {
      const off = await runInTty(['-1'], { ...env, TERM: 'xterm', COLUMNS: '100', ...extra });
      expect(off.stdout, JSON.stringify(extra)).not.toMatch(SGR);
      expect(off.stdout).toContain('NVITOP');
    }
  });

  it('device rows are green/yellow/red by load and follow --gpu-util-thresh / the environment', async () => {
    const scenario = loadScenario('eight-gpu');
    // GPU 3: 0 % and idle memory → green; GPU 7: 37 % → yellow; GPU 0: 98 % → red.
    expect(scenario.devices[3]!.utilization?.gpu).toBe(0);
    const { stdout } = await runNvitop(['-1', '--force-color'], env);
    const rowColor = (out: string, index: number) => out.split('\n').find((l) => plain(l).startsWith(`│ ${String(index).padStart(3)}  `))?.match(/^│\x1b\[(\d+)m/)?.[1];
    expect([rowColor(stdout, 3), rowColor(stdout, 7), rowColor(stdout, 0)]).toEqual(['32', '33', '31']);
    const strict = await runNvitop(['-1', '--force-color', '--gpu-util-thresh', '1', '30', '--mem-util-thresh', '1', '20'], env);
    expect(rowColor(strict.stdout, 7)).toBe('31');
    const fromEnv = await runNvitop(['-1', '--force-color'], { ...env, NVITOP_GPU_UTILIZATION_THRESHOLDS: '1,30', NVITOP_MEMORY_UTILIZATION_THRESHOLDS: '1,20' });
    expect(rowColor(fromEnv.stdout, 7)).toBe('31');
    // The GPU index cell of a process row has its device's colour.
    const processRow = stdout.split('\n').find((l) => /^│\x1b\[31m {3}0\x1b\[0m/.test(l));
    expect(processRow).toBeDefined();
  });
});

describe('ASCII and widths', () => {
  const env = fakeNvmlEnv('mig');

  it('--ascii / -U: no box-drawing or block characters, same layout', async () => {
    for (const flag of ['--ascii', '-U', '--no-unicode']) {
      const { stdout, code } = await runNvitop(['-1', flag], { ...env, COLUMNS: '130' });
      expect(code).toBe(0);
      expect(stdout, flag).toMatch(/^[\x20-\x7e\n]*$/);
    }
    const unicode = await runNvitop(['-1'], { ...env, COLUMNS: '130' });
    const ascii = await runNvitop(['-1', '-U'], { ...env, COLUMNS: '130' });
    expect(ascii.stdout.split('\n').slice(1).map(widthOf)).toEqual(unicode.stdout.split('\n').slice(1).map(widthOf));
    expect(ascii.stdout).toContain('+===============================+======================+======================+');
  });

  it('79 columns when not a terminal; COLUMNS 120 and 200 widen the tables, bars from 100', async () => {
    const at = async (columns: string | undefined) => {
      const { stdout } = await runNvitop(['-1'], columns === undefined ? env : { ...env, COLUMNS: columns });
      return stdout.split('\n');
    };
    const narrow = await at(undefined);
    expect(Math.max(...narrow.map(widthOf))).toBe(79);
    expect(deviceBox(narrow.join('\n')).join('\n')).not.toContain('MEM:');
    const wide = await at('120');
    const box = deviceBox(wide.join('\n'));
    expect(box.slice(5).every((l) => widthOf(l) === 120)).toBe(true);
    expect(box[6]).toMatch(/│ MEM: .*│$/);
    const host = wide.filter((l) => l.startsWith('[ '));
    expect(host.map(widthOf)).toEqual([120, 120]);
    // 200 columns: capped at 140 unless a command needs more (these do not).
    const widest = await at('200');
    expect(Math.max(...widest.map(widthOf))).toBe(140);
    expect(deviceBox(widest.join('\n'))[6]).toMatch(/│ MEM: .* │ MBW: .* │$/);
    // Below 79 the table stays 79 wide.
    expect(Math.max(...(await at('60')).map(widthOf))).toBe(79);
  });
});

describe('notes beyond nvitop', () => {
  it('a line under a GPU whose used memory is more than its processes hold (> 5 % of its memory)', async () => {
    const scenario = loadScenario('one-gpu');
    const gpu = scenario.devices[0]!;
    // Processes hold 3 GiB + 6 GiB + 412 MiB; used = that + 4 GiB of orphaned contexts.
    const held = [...gpu.computeProcesses!, ...gpu.graphicsProcesses!].reduce((sum, p) => sum + (p.usedGpuMemory as number), 0);
    const orphan = { ...scenario, devices: [{ ...gpu, memory: { ...gpu.memory, used: held + 4 * 1024 ** 3 } }] };
    const { stdout, code } = await runNvitop(['-1'], fakeNvmlEnv(orphan));
    expect(code).toBe(0);
    const box = deviceBox(stdout);
    expect(box[8]).toBe('├───────────────────────────────┴──────────────────────┴──────────────────────┤');
    expect(box[9]).toBe(`│ ${'NOTE: 4096MiB used by no listed process (orphaned contexts?)'.padEnd(75)} │`);
    // Within 5 %: no note.
    const fine = { ...scenario, devices: [{ ...gpu, memory: { ...gpu.memory, used: held + 512 * 1024 ** 2 } }] };
    expect((await runNvitop(['-1'], fakeNvmlEnv(fine))).stdout).not.toContain('NOTE:');
    // The filters do not change it: it compares with every process NVML lists.
    const filtered = await runNvitop(['-1', '-p', '1'], fakeNvmlEnv(fine));
    expect(filtered.stdout).not.toContain('NOTE:');
  });

  it('a hint when processes are hidden by a PID namespace (a container without --pid=host)', async () => {
    const { stdout, code } = await runNvitop(['-1'], { ...fakeNvmlEnv('eight-gpu'), NVITOP_ASSUME_PID_NAMESPACE: '1' });
    expect(code).toBe(0);
    const last = stdout.trimEnd().split('\n').at(-1);
    // One per (GPU, PID) row: 12 list entries, one PID in both lists of GPU 4.
    const rows = loadScenario('eight-gpu').devices.reduce((n, gpu) => n + new Set([...(gpu.computeProcesses ?? []), ...(gpu.graphicsProcesses ?? [])].map((p) => p.pid)).size, 0);
    expect(rows).toBe(11);
    expect(last).toBe('HINT: 11 GPU processes are not visible in this PID namespace (a container without --pid=host?): user, CPU, memory and command show N/A.');
    expect(stdout).not.toContain('No Such Process');
    const outside = await runNvitop(['-1'], { ...fakeNvmlEnv('eight-gpu'), NVITOP_ASSUME_PID_NAMESPACE: '0' });
    expect(outside.stdout).not.toContain('HINT:');
  });

  it('a note names NVML functions the driver lacks; the table still prints with N/A', async () => {
    const scenario = { ...loadScenario('one-gpu'), missingSymbols: ['nvmlDeviceGetFanSpeed', 'nvmlDeviceGetPerformanceState'] };
    const { stdout, stderr, code } = await runNvitop(['-1'], fakeNvmlEnv(scenario));
    expect(code).toBe(0);
    expect(stderr).toMatch(/^NOTE: The NVIDIA driver lacks 2 NVML functions, shown as N\/A: nvmlDeviceGetFanSpeed, nvmlDeviceGetPerformanceState\.\n$/);
    expect(deviceBox(stdout)[7]).toMatch(/^│ N\/A   63C  N\/A  /);
  });
});

describe('modes, messages and exit codes', () => {
  const env = fakeNvmlEnv('one-gpu');

  it('-m without a terminal: error, then the once output; exit 1', async () => {
    const { stdout, stderr, code } = await runNvitop(['-m'], env);
    expect(code).toBe(1);
    expect(stderr).toBe('ERROR: You must run monitor mode from a TTY terminal.\n');
    expect(stdout).toContain('Processes:');
  });

  it('-1 with -m: error, then once; exit 1', async () => {
    const { stdout, stderr, code } = await runNvitop(['-1', '-m', 'full'], env);
    expect(code).toBe(1);
    expect(stderr).toBe('ERROR: Both --once and --monitor switches are on.\n');
    expect(stdout).toContain('Processes:');
  });

  it('LOGLEVEL=DEBUG: where NVML came from and the time of each step, on stderr; exit 0', async () => {
    const { stderr, code } = await runNvitop(['-1'], { ...env, LOGLEVEL: 'debug' });
    expect(code).toBe(0);
    expect(stderr).toContain(`DEBUG: NVML loaded from ${env.NVITOP_NVML_LIBRARY}\n`);
    expect(stderr).toMatch(/DEBUG: process start to main [\d.]+ ms \(CPU [\d.]+ ms\); imports [\d.]+ ms \(CPU [\d.]+ ms\), nvml init [\d.]+ ms \(CPU [\d.]+ ms\), gather [\d.]+ ms \(CPU [\d.]+ ms\), render [\d.]+ ms \(CPU [\d.]+ ms\)\n/);
  });

  it('no flag and no terminal: once mode, exit 0', async () => {
    const { stdout, stderr, code } = await runNvitop([], env);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('NVITOP');
  });

  it('a usage error prints the usage and the message on stderr, exit 2, nothing on stdout', async () => {
    for (const args of [['--bogus'], ['-1', '--gpu-util-thresh', '80', '20'], ['-p', 'abc'], ['--interval', '0.1'], ['-m', 'big']]) {
      const { stdout, stderr, code } = await runNvitop(args, env);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^usage: nvitop \[--help\][^]*\nnvitop: error: .+\n$/);
    }
  });

  it('under `watch` (stdout not a terminal, parent sh, grandparent watch): a hint, exit 1', async () => {
    const { mkdtempSync, rmSync, symlinkSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { execFile } = await import('node:child_process');
    const { BIN } = await import('./nvitop-run.js');
    // A process whose name (comm) is 'watch': a shell started through a link named watch, which
    // runs `sh run.sh`, which runs nvitop (and then reports its exit status).
    const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-watch-'));
    const watch = path.join(dir, 'watch');
    symlinkSync('/bin/sh', watch);
    writeFileSync(path.join(dir, 'run.sh'), `'${process.execPath}' '${BIN}' -1 > /dev/null\necho "rc=$?" >&2\n`);
    const stderr = await new Promise<string>((resolve) => {
      execFile(watch, ['-c', `sh '${path.join(dir, 'run.sh')}'; true`], { env }, (_error, _stdout, text) => resolve(text));
    });
    rmSync(dir, { recursive: true, force: true });
    expect(stderr).toBe('HINT: You are running nvitop under the watch command. Please try nvitop -m directly.\nrc=1\n');
  });

  it('--help and --version exit 0 without touching NVML', async () => {
    const noLibrary = { ...process.env, NVITOP_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1' };
    const help = await runNvitop(['--help'], noLibrary);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: nvitop /);
    const version = await runNvitop(['-V'], noLibrary);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^nvitop \d+\.\d+\.\d+\n$/);
  });
});
