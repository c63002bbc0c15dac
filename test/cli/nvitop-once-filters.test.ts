// `nvitop -1` device filters (-o, -ov) and process filters (-c -C -g -G -u -p) on the eight-GPU
// scenario with real processes (two of them owned by another user when the tests run as root).
import type { ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario, withPids, type FakeScenario } from '../helpers/fake-nvml.js';
import { deviceBox, killAll, processRows, runNvitop, spawnSleepers } from './nvitop-run.js';

const me = userInfo().username;
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let children: ChildProcess[] = [];
let scenario: FakeScenario;
let env: NodeJS.ProcessEnv;
/** Scenario PID → real PID, and who owns it. */
let owner: Map<number, string>;

beforeAll(() => {
  const mine = spawnSleepers(7, { tag: 'mine' });
  const theirs = asRoot ? spawnSleepers(2, { uid: NOBODY, tag: 'theirs' }) : spawnSleepers(2, { tag: 'theirs' });
  children = [...mine, ...theirs];
  // Distinct scenario PIDs in order of appearance: 4900001..4900009; the last two (GPU 7's
  // graphics processes) belong to the other user.
  scenario = withPids(loadScenario('eight-gpu'), children.map((c) => c.pid as number));
  env = { ...fakeNvmlEnv(scenario), COLUMNS: '160' };
  owner = new Map(children.map((c, i) => [c.pid as number, i < 7 || !asRoot ? me : 'nobody']));
});
afterAll(() => killAll(children));

/** (GPU index, PID) of each listed process in the scenario, with its type. */
function expected(filter: (entry: { index: number; pid: number; type: string }) => boolean): string[] {
  const entries = scenario.devices.flatMap((gpu, index) => {
    const compute = new Set((gpu.computeProcesses ?? []).map((p) => p.pid as number));
    const graphics = new Set((gpu.graphicsProcesses ?? []).map((p) => p.pid as number));
    return [...new Set([...compute, ...graphics])].map((pid) => ({ index, pid, type: compute.has(pid) && graphics.has(pid) ? 'C+G' : compute.has(pid) ? 'C' : 'G' }));
  });
  return entries
    .filter(filter)
    .map((e) => `${e.index}/${e.pid}`)
    .sort();
}

function shown(stdout: string): string[] {
  return processRows(stdout)
    .map((row) => {
      const [index, pid] = row.slice(1).trim().split(/ +/);
      return `${index}/${pid}`;
    })
    .sort();
}

function shownDevices(stdout: string): number[] {
  return deviceBox(stdout)
    .filter((line) => /^│ {1,3}\d+ {2}\S/.test(line))
    .map((line) => Number(line.slice(1, 5)));
}

describe('device filters', () => {
  it('-o shows only those GPUs and their processes', async () => {
    const { stdout, code, stderr } = await runNvitop(['-1', '-o', '1', '4'], env);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(shownDevices(stdout)).toEqual([1, 4]);
    expect(shown(stdout)).toEqual(expected((e) => e.index === 1 || e.index === 4));
  });

  it('-o with invalid indices: the valid ones are shown, an error names the others, exit 1', async () => {
    const one = await runNvitop(['-1', '-o', '2', '9'], env);
    expect(one.code).toBe(1);
    expect(shownDevices(one.stdout)).toEqual([2]);
    expect(one.stderr).toBe('ERROR: Invalid device index: 9.\n');
    const many = await runNvitop(['-1', '-o', '12', '8'], env);
    expect(many.code).toBe(1);
    expect(many.stdout).toContain('No visible devices found');
    expect(many.stderr).toBe('ERROR: Invalid device indices: [8, 12].\n');
  });

  it('-ov shows the GPUs of CUDA_VISIBLE_DEVICES (indices or UUIDs); -o overrides it', async () => {
    const visible = await runNvitop(['-1', '-ov'], { ...env, CUDA_VISIBLE_DEVICES: '5,3' });
    expect(visible.code).toBe(0);
    expect(shownDevices(visible.stdout)).toEqual([3, 5]);
    expect(shown(visible.stdout)).toEqual(expected((e) => [3, 5].includes(e.index)));
    const uuids = `${scenario.devices[6]!.uuid!},${scenario.devices[1]!.uuid!.slice(0, 12)}`;
    const byUuid = await runNvitop(['-1', '-ov'], { ...env, CUDA_VISIBLE_DEVICES: uuids });
    expect(shownDevices(byUuid.stdout)).toEqual([1, 6]);
    // CUDA stops at the first entry that is not like the first one (an index after UUIDs).
    const mixed = await runNvitop(['-1', '-ov'], { ...env, CUDA_VISIBLE_DEVICES: `2,${scenario.devices[6]!.uuid!},4` });
    expect(shownDevices(mixed.stdout)).toEqual([2]);
    const all = await runNvitop(['-1', '-ov'], env);
    expect(shownDevices(all.stdout)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const override = await runNvitop(['-1', '-ov', '-o', '0'], { ...env, CUDA_VISIBLE_DEVICES: '5' });
    expect(shownDevices(override.stdout)).toEqual([0]);
  });
});

describe('process filters', () => {
  it('-c: C or C+G; -C: exactly C; -g: G or C+G; -G: exactly G', async () => {
    const cases: Array<[string, (type: string) => boolean]> = [
      ['-c', (t) => t.includes('C')],
      ['-C', (t) => t === 'C'],
      ['-g', (t) => t.includes('G')],
      ['-G', (t) => t === 'G'],
    ];
    const results = await Promise.all(cases.map(([flag]) => runNvitop(['-1', flag], env)));
    for (const [i, [flag, keep]] of cases.entries()) {
      const { stdout, code } = results[i]!;
      expect(code, flag).toBe(0);
      const want = expected((e) => keep(e.type));
      expect(want.length, flag).toBeGreaterThan(0);
      expect(shown(stdout), flag).toEqual(want);
    }
    // Filters combine: -c -g keeps only C+G.
    const both = await runNvitop(['-1', '-c', '-g'], env);
    expect(shown(both.stdout)).toEqual(expected((e) => e.type === 'C+G'));
  });

  it('-p keeps those PIDs on every GPU they use', async () => {
    const pids = [children[0]!.pid as number, children[3]!.pid as number];
    const { stdout } = await runNvitop(['-1', '-p', ...pids.map(String)], env);
    expect(shown(stdout)).toEqual(expected((e) => pids.includes(e.pid)));
    expect(shown(stdout).length).toBeGreaterThanOrEqual(3);
  });

  it.runIf(asRoot)('-u without names keeps the current user; -u NAME keeps that user; other users are dimmed', async () => {
    const [own, theirs, both, colored] = await Promise.all([
      runNvitop(['-1', '-u'], env),
      runNvitop(['-1', '-u', 'nobody'], env),
      runNvitop(['-1', '-u', 'nobody', me], env),
      runNvitop(['-1', '--force-color'], env),
    ]);
    expect(shown(own.stdout)).toEqual(expected((e) => owner.get(e.pid) === me));
    expect(shown(theirs.stdout)).toEqual(expected((e) => owner.get(e.pid) === 'nobody'));
    expect(shown(theirs.stdout)).toHaveLength(2);
    expect(shown(both.stdout)).toEqual(expected(() => true));
    // Colour: root is the superuser, so nobody's rows are not dimmed for root (as nvitop).
    expect(colored.stdout).not.toContain('\x1b[2m');
    expect(colored.stdout).toMatch(/\x1b\[1m\x1b\[33mroot\x1b\[0m\x1b\[1m@\x1b\[0m/);
  });

  it('-u with an unknown user shows no processes', async () => {
    const { stdout, code } = await runNvitop(['-1', '-u', 'no-such-user-xyz'], env);
    expect(code).toBe(0);
    expect(shown(stdout)).toEqual([]);
    expect(stdout).toContain('No running processes found');
  });

  it('a non-root user sees the other users\' processes dimmed', async () => {
    if (!asRoot) return;
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('./nvitop-run.js');
    // Run nvitop itself as nobody (with a scenario file nobody can read): root's processes are
    // other users' now.
    const { chmodSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'nvitop-once-'));
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(scenario), { mode: 0o644 });
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [BIN, '-1', '--force-color'], { env: { ...env, NVITOP_FAKE_NVML_SCENARIO: file }, uid: NOBODY, gid: NOBODY });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('close', () => resolve(text));
    });
    rmSync(dir, { recursive: true, force: true });
    const lines = out.split('\n');
    const rootRow = lines.find((l) => l.includes(' root ') && l.includes('mine-'));
    const nobodyRow = lines.find((l) => l.includes(' nobody ') || l.includes(' nobody'));
    expect(rootRow).toMatch(/\x1b\[2m/);
    expect(nobodyRow).toBeDefined();
    expect(nobodyRow).not.toMatch(/\x1b\[2m/);
    expect(out).toMatch(/\x1b\[1m\x1b\[35mnobody\x1b\[0m\x1b\[1m@\x1b\[0m/);
  });
});
