// A real Prometheus server (Debian's `prometheus` package) scrapes the built nvitop-exporter on
// loopback; values come back through Prometheus's HTTP query API. `promtool check metrics` lints
// the exposition. The dashboard's queries (and some of nvitop-exporter's own dashboard queries)
// run against the scraped data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, withPids, type FakeScenario } from '../helpers/fake-nvml.js';
import { fetchText, freePort, startExporter, waitFor, type RunningExporter } from '../helpers/exporter-process.js';
import { parsePromText } from '../helpers/prom-text.js';
import { concrete, dashboardQueries } from './dashboard-queries.js';
import { ALL_FAMILIES, expectedDeviceValues } from './expected.js';

const havePrometheus = !spawnSync('prometheus', ['--version']).error;
const havePromtool = !spawnSync('promtool', ['--version']).error;
if (!havePrometheus) console.warn('SKIPPED test/exporter/prometheus.test.ts: no `prometheus` binary (apt-get install -y prometheus)');

const HOSTNAME = 'prom-host';
const MiB = 2 ** 20;
let dir: string;
let scenario: FakeScenario;
let exporter: RunningExporter;
let exposition: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-exporter-prom-'));
  children.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
  scenario = withPids(loadScenario('eight-gpu'), [children[0]?.pid as number]);
  exporter = await startExporter(['--interval', '0.5', '--hostname', HOSTNAME], fakeNvmlEnv(scenario));
  exposition = (await fetchText(`${exporter.base}/metrics`)).body;
});

afterAll(async () => {
  await exporter?.stop('SIGKILL');
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `promtool check metrics` on `text`: its exit status and the problems it lists. */
function promtoolCheck(text: string): { status: number | null; problems: string[] } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const problems = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return { status: result.status, problems };
}

/** The exposition without the families named (HELP, TYPE and sample lines). */
function without(text: string, families: ReadonlySet<string>): string {
  return `${text
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('#') ? line.split(/\s+/)[2] : /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      return name === undefined || !families.has(name);
    })
    .join('\n')
    .trimEnd()}\n`;
}

describe.runIf(havePromtool)('promtool check metrics', () => {
  // nvitop-exporter's names carry unit suffixes with capitals (`_MiB`, `_MiBps`), which promtool's
  // camelCase lint flags; they are kept for compatibility with its dashboards and alerts.
  const camelCase = () => new Set(ALL_FAMILIES.filter((name) => /[a-z][A-Z]/.test(name)));

  it('reports nothing but the camelCase lint of the inherited unit suffixes', () => {
    const { status, problems } = promtoolCheck(exposition);
    const flagged = new Set<string>();
    for (const problem of problems) {
      const m = /^(\S+) metric names should be written in 'snake_case' not 'camelCase'$/.exec(problem);
      expect(m, problem).not.toBeNull();
      flagged.add(m?.[1] ?? '');
    }
    expect([...flagged].sort()).toEqual([...camelCase()].sort());
    expect(status).not.toBe(0);
  });

  it('passes cleanly on everything else, including the exporter\'s own process metrics', () => {
    const rest = without(exposition, camelCase());
    expect(parsePromText(rest).has('process_cpu_seconds_total')).toBe(true);
    expect(parsePromText(rest).has('gpu_utilization_Percentage')).toBe(true);
    expect(promtoolCheck(rest)).toEqual({ status: 0, problems: [] });
  });
});

describe.runIf(havePrometheus)('a real Prometheus server scraping the exporter', () => {
  let prometheus: ChildProcess;
  let api: string;
  let log = '';

  const query = async (expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
    const response = await fetchText(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = JSON.parse(response.body) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  };

  beforeAll(async () => {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: nvitop-exporter',
        '    static_configs:',
        `      - targets: ["127.0.0.1:${exporter.port}"]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(async () => ((await fetchText(`${api}/-/ready`)).status === 200 ? true : undefined), 30_000, 200).catch((error: unknown) => {
      throw new Error(`Prometheus did not become ready: ${String(error)}\n${log}`);
    });
    // Two scrapes at least, so that rate() has samples.
    await waitFor(async () => {
      const up = await query('count_over_time(up{job="nvitop-exporter"}[1m])');
      return Number(up[0]?.value[1] ?? 0) >= 3 ? true : undefined;
    }, 45_000, 250);
  }, 90_000);

  afterAll(() => {
    prometheus?.kill('SIGKILL');
  });

  it('the target is up and every family of the exposition is stored', async () => {
    const up = await query('up{job="nvitop-exporter"}');
    expect(up.map((r) => r.value[1])).toEqual(['1']);
    const names = new Set((await query('count by (__name__) ({job="nvitop-exporter"})')).map((r) => r.metric['__name__']));
    for (const [, family] of parsePromText(exposition)) {
      if (family.samples.length === 0) continue;
      for (const sample of family.samples) expect(names.has(sample.name), sample.name).toBe(true);
    }
  });

  it('GPU values read back through the query API equal the scenario, NaN included', async () => {
    for (const [family, field] of [
      ['gpu_memory_total_MiB', 'gpu_memory_total_MiB'],
      ['gpu_power_usage_W', 'gpu_power_usage_W'],
      ['gpu_temperature_C', 'gpu_temperature_C'],
      ['gpu_fan_speed_Percentage', 'gpu_fan_speed_Percentage'],
      ['gpu_utilization_Percentage', 'gpu_utilization_Percentage'],
    ] as const) {
      const result = await query(`${family}{hostname="${HOSTNAME}"}`);
      expect(result, family).toHaveLength(scenario.devices.length);
      scenario.devices.forEach((device, i) => {
        const row = result.find((r) => r.metric['index'] === String(i));
        expect(row?.metric['uuid']).toBe(device.uuid);
        expect(row?.metric['devicename']).toBe(device.name);
        const expected = expectedDeviceValues(device)[field] as number;
        if (Number.isNaN(expected)) expect(row?.value[1], `${family} ${i}`).toBe('NaN');
        else expect(Number(row?.value[1]), `${family} ${i}`).toBe(expected);
      });
    }
  });

  it('process and info series come back with their labels', async () => {
    const info = await query('nvitop_info');
    expect(info[0]?.metric).toMatchObject({ hostname: HOSTNAME, device_count: '8', driver_version: scenario.driverVersion });
    const real = children[0]?.pid as number;
    const rows = await query(`process_info_info{pid="${real}"}`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]?.metric).toMatchObject({ command: 'sleep 3600', hostname: HOSTNAME });
    const owner = scenario.devices.findIndex((d) => (d.computeProcesses ?? []).some((p) => p.pid === real));
    const entry = scenario.devices[owner]?.computeProcesses?.find((p) => p.pid === real);
    const memory = await query(`process_gpu_memory_MiB{pid="${real}", index="${owner}"}`);
    expect(Number(memory[0]?.value[1])).toBe((entry?.usedGpuMemory ?? 0) / MiB);
  });

  it('every dashboard query evaluates, and those without rate() return series', async () => {
    for (const { where, expr, row } of dashboardQueries()) {
      // The Kubernetes row needs --kubernetes (test/exporter/grafana-pods.test.ts): here it must
      // evaluate, and find nothing.
      const kubernetes = row === 'Kubernetes pods' || where === 'variable namespace';
      if (where.startsWith('variable')) {
        const selector = /label_values\((.*),\s*\w+\)/.exec(expr)?.[1] ?? expr;
        const found = (await query(concrete(selector))).length;
        if (kubernetes) expect(found, where).toBe(0);
        else expect(found, where).toBeGreaterThan(0);
        continue;
      }
      const result = await query(concrete(expr));
      if (kubernetes) expect(result.length, `${where}: ${expr}`).toBe(0);
      else if (!expr.includes('rate(')) expect(result.length, `${where}: ${expr}`).toBeGreaterThan(0);
    }
  });

  it('nvitop-exporter\'s own dashboard queries work on these metrics', async () => {
    const h = 'hostname=~".*"';
    const hu = 'hostname=~".*", username=~".*"';
    const occupied = await query(`count(group by(uuid) (process_gpu_memory_MiB{${hu}}))`);
    const busy = new Set(scenario.devices.filter((d) => (d.computeProcesses ?? []).length + (d.graphicsProcesses ?? []).length > 0).map((d) => d.uuid));
    expect(Number(occupied[0]?.value[1])).toBe(busy.size);
    expect(Number((await query(`count(gpu_memory_total_MiB{${h}})`))[0]?.value[1])).toBe(8);
    expect((await query(`count by(hostname, index) (process_gpu_memory_MiB{${hu}})`)).length).toBe(busy.size);
    expect((await query(`count by(hostname) (count by(hostname, pid) (process_info_info{${hu}}))`)).length).toBe(1);
    const rx = await query(`sum by(hostname) (rate(host_net_io_rx_data_MiB{${h}}[1m]))`);
    expect(rx[0]?.metric['hostname']).toBe(HOSTNAME);
    expect(Number(rx[0]?.value[1])).toBeGreaterThanOrEqual(0);
  });
});
