// Emoji and wide characters in a process's command line (🚀 ✅ ⚡ take two columns in a terminal,
// 👩‍💻 two as one cluster, 中文 two each): the once table and the monitor keep their right border
// in the last column. The width is measured by a real terminal (tmux), not by our own function.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, withPids, writeScenario } from '../helpers/fake-nvml.js';
import { TmuxSession, terminalColumns } from '../helpers/tmux.js';
import { killAll, runNvitop } from './nvitop-run.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const COMMANDS = ['deploy-🚀-✅-⚡-👩‍💻-done', 'python-训练.py-ëpochs'];
const workers: ChildProcess[] = [];
let scenarioFile = '';

beforeAll(() => {
  for (const argv0 of COMMANDS) workers.push(spawn('sleep', ['100000'], { argv0, stdio: 'ignore' }));
  scenarioFile = writeScenario(withPids(loadScenario('one-gpu-parity'), workers.map((w) => w.pid!)));
});
afterAll(() => killAll(workers));

const rowsOf = (lines: readonly string[]): string[] => lines.filter((line) => line.includes('deploy') || line.includes('python'));

describe('wide characters in commands', () => {
  it.each(['79', '100', '140'])('nvitop -1 at %s columns: every process row is as wide as the table', async (columns) => {
    const { stdout, code } = await runNvitop(['-1'], fakeNvmlEnv(scenarioFile, { COLUMNS: columns }));
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const width = [...lines.find((line) => line.startsWith('╒') && line.length > 79) ?? lines[1]!].length;
    const rows = rowsOf(lines);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.endsWith(' │')).toBe(true);
      expect([row, await terminalColumns(row)]).toEqual([row, width]);
    }
    // The whole command where there is room; cut with `..` (never inside a cluster) where not.
    if (columns !== '79') expect(rows[0]).toContain(`${COMMANDS[0]} 100000`);
    else expect(rows[0]).toMatch(/\.\. │$/);
  });

  it('the monitor in a 100-column terminal', async () => {
    const env = fakeNvmlEnv(scenarioFile);
    const session = new TmuxSession({
      columns: 100,
      rows: 40,
      cwd: ROOT,
      command: ['node', 'bin/nvitop.js'],
      env: { NVITOP_NVML_LIBRARY: env.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: env.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '' },
    });
    try {
      const screen = await session.waitFor((lines) => rowsOf(lines).length === 2, 'both process rows');
      for (const row of rowsOf(screen)) expect([row, await terminalColumns(row)]).toEqual([row, 100]);
      expect(rowsOf(screen)[0]).toContain('👩‍💻');
    } finally {
      session.kill();
    }
  });
});
