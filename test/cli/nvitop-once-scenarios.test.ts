// `nvitop -1` (the built bin) against each fake scenario: the table shows the scenario's values,
// the processes' host facts come from the real /proc, and the exit codes are right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario, withPids, type FakeScenario } from '../helpers/fake-nvml.js';
import { deviceBox, humanSize, killAll, processRows, runNvitop, spawnSleepers } from './nvitop-run.js';
import type { ChildProcess } from 'node:child_process';

const user = (await import('node:os')).userInfo().username;
let sleepers: ChildProcess[] = [];
beforeAll(() => {
  sleepers = spawnSleepers(9, { tag: 'train-job' });
});
afterAll(() => killAll(sleepers));

const pids = () => sleepers.map((child) => child.pid as number);

describe('one GPU', () => {
  it('device rows show the scenario values; nvitop itself is one of the processes', async () => {
    const scenario = loadScenario('one-gpu');
    const gpu = scenario.devices[0]!;
    const { stdout, stderr, code } = await runNvitop(['-1'], { ...fakeNvmlEnv('one-gpu'), COLUMNS: '250' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const box = deviceBox(stdout);
    expect(box[1]).toMatch(/NVITOP \d+\.\d+\.\d+ +Driver Version: 560\.35\.03 +CUDA Driver Version: 12\.6 +│$/);
    // The first 79 columns (bars follow in a wide terminal).
    const row1 = box[6]!.slice(0, 79);
    const row2 = box[7]!.slice(0, 79);
    // Bars: the used memory after the MEM bar and the percentage at the right; clocks at the
    // right of UTL and MBW; the watts after the PWR bar and its percentage at the right.
    expect(box[6]).toMatch(new RegExp(`│ MEM: █+\\S* ${humanSize(gpu.memory!.used!)} +42\\.2% │ MBW: █+\\S* 41% +@ 10501MHz │$`));
    expect(box[7]).toMatch(/│ UTL: █+\S* 67% +@ 2520MHz │ PWR: █+\S* 312W +69\.4% │$/);
    expect(row1).toBe(`│   0  ${'GeForce RTX 4090'.padEnd(19)} ${'Off'.padStart(4)} │ 00000000:01:00.0 ${'On'.padStart(3)} │ ${'N/A'.padStart(20)} │`);
    const watts = (mw: number) => `${Math.round(mw / 1000)}W`;
    const memory = `${humanSize(gpu.memory!.used!)} / ${humanSize(gpu.memory!.total!)}`;
    expect(row2).toBe(
      `│ ${gpu.fanSpeed}%  ${`${gpu.temperature}C`.padStart(4)}  ${' P2 '} ${`${watts(gpu.powerUsage!)} / ${watts(gpu.powerLimit!)}`.padStart(13)} │ ${memory.padStart(20)} │ ${`${gpu.utilization!.gpu}%`.padStart(7)}  ${'Default'.padStart(11)} │`,
    );
    // Processes: this nvitop run ('self'), its parent, and a PID that does not exist.
    const rows = processRows(stdout);
    expect(rows).toHaveLength(3);
    const self = rows.find((r) => r.includes('bin/nvitop.js -1'));
    expect(self).toBeDefined();
    expect(self).toMatch(new RegExp(`^│ {3}0 +\\d+ C +${user.slice(0, 7)} +3584MiB +55 +30 +\\d+\\.\\d +\\d+\\.\\d +\\d+:\\d\\d  .*node.* .*bin/nvitop\\.js -1`));
    expect(rows.find((r) => r.includes(' 4999999 '))).toMatch(/ C +N\/A +6144MiB +12 +8 +N\/A +N\/A +N\/A  No Such Process/);
    expect(rows.some((r) => / G +\S+ +412\.0MiB /.test(r))).toBe(true);
  });
});

describe('eight GPUs with real processes', () => {
  it('every GPU, every process with its user, %CPU, %MEM, TIME and command from /proc', async () => {
    const scenario = withPids(loadScenario('eight-gpu'), pids());
    const { stdout, code } = await runNvitop(['-1'], { ...fakeNvmlEnv(scenario), COLUMNS: '200' });
    expect(code).toBe(0);
    const box = deviceBox(stdout);
    scenario.devices.forEach((gpu, index) => {
      const name = gpu.name!.replace(/^NVIDIA /, '');
      const shown = name.length > 19 ? `..${name.slice(-17)}` : name;
      expect(box.some((line) => line.startsWith(`│ ${String(index).padStart(3)}  ${shown}`))).toBe(true);
      expect(box.some((line) => line.includes(`${humanSize(gpu.memory!.used!)} / ${humanSize(gpu.memory!.total!)}`))).toBe(true);
    });
    const rows = processRows(stdout);
    const entries = scenario.devices.flatMap((gpu, index) =>
      [...new Set([...(gpu.computeProcesses ?? []), ...(gpu.graphicsProcesses ?? [])].map((p) => p.pid))].map((pid) => ({ index, pid })),
    );
    expect(rows).toHaveLength(entries.length);
    for (const { index, pid } of entries) {
      const row = rows.find((r) => r.startsWith(`│${String(index).padStart(4)} ${String(pid).padStart(7)} `));
      expect(row, `GPU ${index} PID ${pid}`).toBeDefined();
      expect(row).toContain(` ${user.slice(0, 7)} `);
      expect(row).toMatch(/ \d+\.\d +\d+\.\d +\d+:\d\d {2}\S*node -e ["']setTimeout\(\(\) => \{\}, 120000\)["'] train-job-\d +│$/);
    }
    // A process on two GPUs has its host facts read once: same %CPU, %MEM and TIME in both rows.
    const twice = entries.filter((e, _, list) => list.filter((x) => x.pid === e.pid).length > 1).map((e) => e.pid);
    expect(twice.length).toBeGreaterThan(0);
    for (const pid of new Set(twice)) {
      const hostColumns = rows.filter((r) => r.slice(5, 13).trim() === String(pid)).map((r) => r.slice(44, 66));
      expect(hostColumns.length).toBeGreaterThan(1);
      expect(new Set(hostColumns).size, `PID ${pid}: ${hostColumns.join(' / ')}`).toBe(1);
    }
    // GPU 4's process is in both lists: type X.
    expect(rows.find((r) => r.startsWith('│   4 '))).toMatch(/^│ {3}4 +\d+ X /);
    // Separators between GPUs, none within one.
    const lines = stdout.split('\n');
    const header = lines.findIndex((l) => l.includes('Processes:'));
    const first = lines.findIndex((l, i) => i > header && l.startsWith('│   0 '));
    const width = [...lines[first]!].length;
    expect(lines[first + 1]).toMatch(/^│ {3}0 /);
    expect(lines[first + 2]).toBe(`├${'─'.repeat(width - 2)}┤`);
  });
});

describe('MIG', () => {
  it('lists MIG devices under their parent with GI/CI, BAR1 and processes on MIG indices', async () => {
    const scenario: FakeScenario = loadScenario('mig');
    const { stdout, code } = await runNvitop(['-1'], fakeNvmlEnv('mig'));
    expect(code).toBe(0);
    const box = deviceBox(stdout);
    expect(box[3]).toContain('MIG M.   Uncorr. ECC');
    expect(box[6]).toContain(' Enabled ');
    const migs = scenario.devices[0]!.migDevices!;
    migs.forEach((mig, i) => {
      const profile = mig.name!.split(' ').at(-1)!;
      const row = box.find((line) => line.startsWith(`│ 0:${i}`));
      expect(row).toBeDefined();
      expect(row).toContain(`${profile} @ GI/CI:${String(mig.gpuInstanceId).padStart(2)}/${String(mig.computeInstanceId).padEnd(2)}│`);
      expect(row).toContain(`${humanSize(mig.memory!.used!)} / ${humanSize(mig.memory!.total!).padStart(8)}`);
      expect(row).toMatch(/│ BAR1: +\S+ \/ +\d+% │$/);
    });
    const rows = processRows(stdout);
    expect(rows.filter((r) => r.startsWith('│ 0:')).length).toBeGreaterThanOrEqual(3);
    expect(rows.find((r) => r.startsWith('│ 0:0 '))).toMatch(/ C +N\/A +N\/A /);
  });
});

describe('old GPU', () => {
  it('NOT_SUPPORTED values show N/A; no unaccounted-memory note where process lists are unsupported', async () => {
    const { stdout, stderr, code } = await runNvitop(['-1'], fakeNvmlEnv('old-gpu'));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const box = deviceBox(stdout);
    expect(box[1]).toContain('Driver Version: 470.256.02');
    expect(box[1]).toContain('CUDA Driver Version: 11.4');
    expect(box[6]).toMatch(/^│ {3}0 {2}GeForce GTX 680 +Off │ 00000000:01:00\.0 {2}On │ +N\/A │$/);
    expect(box[7]).toMatch(/^│ 30% {3}41C {3}P8 {6}N\/A \/ N\/A │ .* │ {5}N\/A {6}Default │$/);
    expect(box.join('\n')).not.toContain('NOTE:');
    expect(box.join('\n')).toContain('Tesla K80');
  });
});

describe('lost GPU', () => {
  it('the lost GPU keeps a red ERROR row with N/A; the other GPU is normal; exit 0', async () => {
    const { stdout, code } = await runNvitop(['-1', '--force-color'], fakeNvmlEnv('lost-gpu'));
    expect(code).toBe(0);
    const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
    const box = deviceBox(plain);
    expect(box.find((l) => l.startsWith('│   1  ERROR: GPU is Lost'))).toBeDefined();
    expect(box.find((l) => l.startsWith('│ N/A   N/A  N/A '))).toMatch(/N\/A \/ N\/A │ +N\/A \/ N\/A │ +N\/A +N\/A │$/);
    expect(stdout).toContain('│\x1b[31m   1  ERROR: GPU is Lost');
    expect(box.find((l) => l.startsWith('│   0  GeForce RTX 2080 Ti'))).toBeDefined();
  });
});

describe('no GPU', () => {
  it('says no visible devices, still prints host and process panels, exit 0', async () => {
    const { stdout, code } = await runNvitop(['-1'], { ...fakeNvmlEnv('no-gpu'), COLUMNS: '200' });
    expect(code).toBe(0);
    expect(stdout).toContain(`│  ${'No visible devices found'.padEnd(74)} │`);
    expect(stdout).toMatch(/^\[ CPU: /m);
    expect(stdout).toContain(`│  ${'No running processes found'.padEnd(74)} │`);
    // Without devices the table is 79 columns whatever the terminal.
    expect(Math.max(...stdout.split('\n').map((l) => [...l].length))).toBe(79);
  });
});

describe('no NVML library', () => {
  it('one line on stderr naming NVML and what to install, nothing on stdout, exit 1', async () => {
    const { stdout, stderr, code } = await runNvitop(['-1'], { ...process.env, NVITOP_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ERROR: NVML could not be loaded\..*\/nonexistent\/libnvidia-ml\.so\.1.*Install the NVIDIA driver/);
  });

  it('NVML failing to initialise: NVML ERROR: <message>, exit 1', async () => {
    const { stdout, stderr, code } = await runNvitop(['-1'], fakeNvmlEnv({ ...loadScenario('one-gpu'), initError: 'DRIVER_NOT_LOADED' }));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^NVML ERROR: Driver Not Loaded/);
  });
});
