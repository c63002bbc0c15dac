// grafana/: the dashboard, the provisioning files, docker-compose.yml and the exporter's
// Dockerfile, checked without docker: every file parses, every metric the dashboard queries is
// one the exporter exports (and so is every metric nvitop-exporter's own dashboard queries), and
// the files agree with each other (ports, service names, mount paths, copied sources).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { parseExporterArguments } from '../../src/cli/exporter/args.js';
import { ROOT } from '../helpers/exporter-process.js';
import { GRAFANA_DIR, dashboardQueries, metricNames } from './dashboard-queries.js';
import { ALL_FAMILIES, KUBERNETES_FAMILIES } from './expected.js';

/** The dashboard row of the by-pod view (nvitop-exporter --kubernetes). */
const KUBERNETES_ROW = 'Kubernetes pods';

const read = (name: string) => readFileSync(join(GRAFANA_DIR, name), 'utf8');
const yaml = (name: string) => parseYaml(read(name)) as Record<string, unknown>;

/** Metric names nvitop-exporter's own grafana/dashboard.json selects (read from its source). */
const NVITOP_DASHBOARD_METRICS = [
  'host_cpu_percent_Percentage',
  'gpu_utilization_Percentage',
  'gpu_memory_percent_Percentage',
  'host_virtual_memory_percent_Percentage',
  'process_gpu_memory_MiB',
  'gpu_memory_total_MiB',
  'process_info_info',
  'process_cpu_percent_Percentage',
  'process_rss_memory_MiB',
  'process_gpu_sm_utilization_Percentage',
  'process_gpu_memory_utilization_Percentage',
  'process_gpu_encoder_utilization_Percentage',
  'process_gpu_decoder_utilization_Percentage',
  'process_running_time_Second',
  'host_virtual_memory_total_MiB',
  'host_load_average_1m_Percentage',
  'host_load_average_5m_Percentage',
  'host_load_average_15m_Percentage',
  'host_virtual_memory_used_MiB',
  'host_swap_memory_used_MiB',
  'host_net_io_rx_data_MiB',
  'host_net_io_tx_data_MiB',
  'host_disk_io_read_data_MiB',
  'host_disk_io_write_data_MiB',
  'gpu_memory_used_MiB',
  'gpu_pcie_rx_throughput_MiBps',
  'gpu_pcie_tx_throughput_MiBps',
  'gpu_nvlink_total_rx_throughput_MiBps',
  'gpu_nvlink_total_tx_throughput_MiBps',
  'gpu_power_usage_W',
  'gpu_temperature_C',
];

describe('grafana/dashboard.json', () => {
  const dashboard = JSON.parse(read('dashboard.json')) as {
    uid: string;
    title: string;
    panels: Array<{ id: number; type: string; title: string; datasource?: { uid: string }; gridPos: { x: number; y: number; w: number; h: number }; targets?: Array<{ refId: string; datasource?: { uid: string } }> }>;
    templating: { list: Array<{ name: string; type: string }> };
  };

  it('queries only metrics the exporter exports, with braces on every selector', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    const used = new Set<string>();
    for (const { where, expr, row } of queries) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      // The Kubernetes row (and its namespace variable) may also use what --kubernetes adds;
      // test/exporter/grafana-pods.test.ts evaluates it against such an exporter.
      const exported = row === KUBERNETES_ROW || where === 'variable namespace' ? [...ALL_FAMILIES, ...KUBERNETES_FAMILIES] : ALL_FAMILIES;
      for (const name of names) {
        expect(exported, `${where}: ${name}`).toContain(name);
        used.add(name);
        if (!where.startsWith('variable')) expect(expr, where).toContain(`${name}{`);
      }
    }
    // The GPU and process views use every GPU and process family.
    for (const family of ALL_FAMILIES.filter((f) => /^(gpu_|process_)/.test(f))) expect([...used], family).toContain(family);
  });

  it('has the hostname and username variables nvitop-exporter\'s dashboard has, and a data-source variable', () => {
    const names = dashboard.templating.list.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['datasource', 'hostname', 'username', 'namespace']));
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it('has unique panel ids and refIds, and panels that fit the 24-column grid without overlapping', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i += 1) {
        for (let j = y; j < y + h; j += 1) {
          const cell = `${i},${j}`;
          expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it('Disk I/O sums whole disks only: no partition, device-mapper, md, loop or zram device counted twice', () => {
    const queries = dashboardQueries().filter((q) => q.expr.includes('host_disk_io_'));
    expect(queries.length).toBe(2);
    const names = readFileSync('/proc/diskstats', 'utf8').trim().split('\n').map((line) => line.trim().split(/\s+/)[2]!);
    // This machine's whole physical disks: the block devices outside /sys/devices/virtual (CD drives aside).
    const whole = names.filter((n) => existsSync(`/sys/block/${n}`) && !realpathSync(`/sys/block/${n}`).includes('/virtual/') && !/^sr\d/.test(n));
    for (const { where, expr } of queries) {
      const matcher = /partition=~"([^"]+)"/.exec(expr)?.[1];
      expect(matcher, where).toBeDefined();
      const selects = (name: string) => new RegExp(`^(?:${matcher})$`).test(name); // PromQL matchers are anchored
      for (const disk of ['sda', 'sdb', 'sdaa', 'vda', 'xvdf', 'hda', 'nvme0n1', 'nvme12n3', 'mmcblk0']) expect(selects(disk), `${where}: ${disk}`).toBe(true);
      for (const other of ['sda1', 'sdb15', 'vda2', 'xvdf1', 'nvme0n1p1', 'nvme12n3p10', 'mmcblk0p2', 'dm-0', 'dm-12', 'md0', 'md127', 'loop0', 'loop12', 'zram0', 'ram0', 'sr0']) {
        expect(selects(other), `${where}: ${other}`).toBe(false);
      }
      expect(names.filter(selects).sort(), `${where} on this machine`).toEqual(whole.sort());
      expect(expr).toMatch(/^sum by \(hostname\) \(rate\(/);
    }
  });

  it('has a by-pod view: panels grouped by namespace and pod, and the allocation series joined on the device', () => {
    const row = dashboardQueries().filter((q) => q.row === KUBERNETES_ROW);
    expect(row.length).toBeGreaterThanOrEqual(4);
    for (const { where, expr } of row) expect(expr, where).toMatch(/namespace=~"\$namespace"/);
    const grouped = row.filter((q) => /^sum by \(hostname, namespace, pod\)|^avg by \(hostname, namespace, pod\)/.test(q.expr));
    expect(grouped.map((q) => metricNames(q.expr)[0])).toEqual(expect.arrayContaining(['process_gpu_memory_MiB', 'gpu_allocation_info']));
    expect(row.some((q) => /gpu_allocation_info\{[^}]*\} \* on \(hostname, uuid\) group_left gpu_/.test(q.expr))).toBe(true);
  });

  it('every metric nvitop-exporter\'s own dashboard queries is exported', () => {
    for (const name of NVITOP_DASHBOARD_METRICS) expect(ALL_FAMILIES).toContain(name);
  });
});

describe('grafana/ provisioning and compose files', () => {
  const compose = yaml('docker-compose.yml') as { services: Record<string, { build?: { context: string; dockerfile: string }; command?: string[]; ports?: string[]; volumes?: string[]; pid?: string; image?: string }> };
  const prometheus = yaml('prometheus.yml') as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
  const datasource = yaml('datasource.yml') as { apiVersion: number; datasources: Array<{ type: string; url: string; uid: string; isDefault?: boolean }> };
  const provider = yaml('dashboard.yml') as { apiVersion: number; providers: Array<{ type: string; options: { path: string } }> };

  const exporterService = compose.services['nvitop-exporter'];
  /** A compose value with every `${VAR:-default}` at its default. */
  const byDefault = (value: string): string => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
  const exporterArgs = (exporterService?.command ?? []).map(byDefault);
  /** `host:container` of each published port, the address left out ("127.0.0.1:5050:5050" → "5050:5050"). */
  const published = (service: string): string[] => (compose.services[service]?.ports ?? []).map((p) => byDefault(p).split(':').slice(-2).join(':'));

  it('runs the three services; the exporter is built from this repository with its Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'nvitop-exporter', 'prometheus']);
    const build = exporterService?.build;
    const context = resolve(GRAFANA_DIR, build?.context ?? '');
    expect(existsSync(join(context, 'package.json'))).toBe(true);
    expect(existsSync(join(context, build?.dockerfile ?? ''))).toBe(true);
    expect(exporterService?.pid).toBe('host');
  });

  it('Prometheus scrapes the exporter where the exporter listens', () => {
    const request = parseExporterArguments(exporterArgs, 'unused');
    expect(request.action).toBe('run');
    if (request.action !== 'run') return;
    expect(request.options.bindAddress).toBe('0.0.0.0');
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(targets).toContain(`nvitop-exporter:${request.options.port}`);
    expect(published('nvitop-exporter')).toContain(`${request.options.port}:${request.options.port}`);
  });

  it('Grafana mounts files that exist where its provisioning looks, and reaches Prometheus by service name', () => {
    const grafana = compose.services['grafana'];
    const mounts = new Map((grafana?.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => {
      const [source = '', target = ''] = v.split(':');
      return [source.slice(2), target] as const;
    }));
    for (const source of mounts.keys()) expect(statSync(join(GRAFANA_DIR, source)).isFile(), source).toBe(true);
    expect(posix.dirname(mounts.get('datasource.yml') ?? '')).toBe('/etc/grafana/provisioning/datasources');
    expect(posix.dirname(mounts.get('dashboard.yml') ?? '')).toBe('/etc/grafana/provisioning/dashboards');
    expect(posix.dirname(mounts.get('dashboard.json') ?? '')).toBe(provider.providers[0]?.options.path);
    expect(provider.providers[0]?.type).toBe('file');
    expect(provider.apiVersion).toBe(1);

    const source = datasource.datasources[0];
    expect(datasource.apiVersion).toBe(1);
    expect(source?.type).toBe('prometheus');
    expect(source?.isDefault).toBe(true);
    const url = new URL(source?.url ?? '');
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(published(url.hostname)).toContain(`${url.port}:${url.port}`);
    const promMount = (compose.services['prometheus']?.volumes ?? []).find((v) => v.startsWith('./prometheus.yml:'));
    expect(promMount?.split(':')[1]).toBe('/etc/prometheus/prometheus.yml');
  });

  it('publishes every port on 127.0.0.1 unless NVITOP_PUBLISH_ADDRESS says otherwise', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) {
        expect(port, name).toMatch(/^\$\{NVITOP_PUBLISH_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$/);
      }
    }
  });

  it('pins every image to a version, the exporter\'s to the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const [name, service] of Object.entries(compose.services)) {
      const image = service.image ?? '';
      expect(image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
    }
    expect(exporterService?.image).toBe(`nvitop-node-exporter:${version}`);
  });

  it('gives anonymous visitors no more than Viewer, and keeps the login form', () => {
    const environment = new Map(
      ((compose.services['grafana'] as { environment?: string[] }).environment ?? []).map((entry) => entry.split('=', 2) as [string, string]),
    );
    if (environment.get('GF_AUTH_ANONYMOUS_ENABLED') === 'true') expect(environment.get('GF_AUTH_ANONYMOUS_ORG_ROLE')).toBe('Viewer');
    expect(environment.get('GF_AUTH_DISABLE_LOGIN_FORM')).not.toBe('true');
    expect(environment.has('GF_AUTH_BASIC_ENABLED') && environment.get('GF_AUTH_BASIC_ENABLED') === 'false').toBe(false);
  });

  it('prometheus.yml passes promtool check config', (context) => {
    if (spawnSync('promtool', ['--version']).error) {
      context.skip('promtool is not installed (Debian package "prometheus")');
      return;
    }
    const output = execFileSync('promtool', ['check', 'config', join(GRAFANA_DIR, 'prometheus.yml')], { encoding: 'utf8' });
    expect(output).toContain('SUCCESS');
  });

  it('the Dockerfile copies files that exist, builds, and starts the exporter on the exposed port', () => {
    const dockerfile = read('Dockerfile');
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of (match[1] ?? '').split(/\s+/)) expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/npm run build/);
    // `npm run build` runs scripts/bundle.mjs: the image must have it (test/install/grafana-image.test.ts builds it for real).
    expect(dockerfile).toMatch(/^COPY scripts \.\/scripts$/m);
    expect(dockerfile.split('\n').filter((line) => !line.startsWith('#')).join('\n')).not.toMatch(/--omit=optional/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/nvitop-exporter\.js"\]$/m);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    const request = parseExporterArguments(cmd, 'unused');
    expect(request.action).toBe('run');
    const port = request.action === 'run' ? request.options.port : -1;
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
    expect(dockerfile).toContain(`http://127.0.0.1:${port}/healthz`);
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});
