/**
 * `nvitop-exporter`: serves nvitop-exporter's Prometheus metrics over HTTP(S). Same flags,
 * defaults, start-up lines and exit codes as the Python tool; the work is done by
 * `src/exporter`.
 *
 * Exit codes: 0 after Ctrl-C (or SIGTERM), 1 for a runtime error (no NVML, no GPU, port in use,
 * bad address, missing or bad certificate files), 2 for a usage error.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

// Bundled into the command (prom-client is only an optional peer dependency of the library).
import * as prom from 'prom-client';

import { Device, KubeletPodResources, NvmlError, type MigDevice, type PodResourcesState } from '../core/index.js';
import { parseExporterArguments, exporterHelp, exporterUsage, type ExporterCliOptions } from './exporter/args.js';
import { createExpositionSource } from '../exporter/exporter.js';
import { providePromClient } from '../exporter/prom.js';
import { guessIpAddress } from '../exporter/ip-address.js';
import { registerProcessMetrics } from '../exporter/process-metrics.js';
import { exportableDevices } from '../exporter/sample.js';
import { startMetricsServer, type MetricsServer } from '../exporter/server.js';
import { loadTlsSettings, TlsConfigError, type HttpsSettings } from '../exporter/tls.js';
import { unexpectedErrorText } from './unexpected-error.js';

const useColor = process.stderr.isTTY === true && process.env['NO_COLOR'] === undefined;
const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35 } as const;

function colored(text: string, color: keyof typeof CODES, underline = false): string {
  if (!useColor) return text;
  return `\x1b[1;${underline ? '4;' : ''}${CODES[color]}m${text}\x1b[0m`;
}

/** Prints a line to stderr, colouring its `INFO:`/`ERROR:` prefix on a terminal (nvitop's cprint). */
function cprint(text = ''): void {
  let line = text;
  for (const [prefix, color] of [
    ['INFO:', 'yellow'],
    ['WARNING:', 'yellow'],
    ['ERROR:', 'red'],
    ['NVML ERROR:', 'red'],
  ] as const) {
    if (line.startsWith(`${prefix} `)) {
      line = colored(prefix, color) + line.slice(prefix.length);
      break;
    }
  }
  process.stderr.write(`${line}\n`);
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** One line on stderr: what the kubelet gave, or why not. */
function describeKubelet(state: PodResourcesState): string {
  if (state.status === 'ok') {
    const pods = new Set(state.allocations.map((a) => `${a.namespace}/${a.pod}`)).size;
    return `INFO: Kubernetes labels from the kubelet at ${state.socketPath} (${state.allocations.length} GPU allocation(s) to ${pods} pod(s)).`;
  }
  return `WARNING: ${state.reason ?? 'kubelet pod-resources API unavailable'}; pod, namespace and container labels stay empty.`;
}

/** Prints the kubelet's first state, then again whenever it changes (ok ↔ unavailable). */
async function watchKubelet(kubelet: KubeletPodResources): Promise<NodeJS.Timeout> {
  let printed = '';
  const report = (state: PodResourcesState): void => {
    if (state.status === 'pending') return;
    const key = state.status === 'ok' ? 'ok' : `${state.status}:${state.reason ?? ''}`;
    if (key !== printed) cprint(describeKubelet(state));
    printed = key;
  };
  report(await kubelet.fetch());
  const timer = setInterval(() => report(kubelet.current()), 5000);
  timer.unref();
  return timer;
}

function usageError(message: string): number {
  process.stderr.write(`${exporterUsage()}\nnvitop-exporter: error: ${message}\n`);
  return 2;
}

function loadTls(options: ExporterCliOptions): HttpsSettings | undefined | number {
  try {
    return loadTlsSettings(options);
  } catch (error) {
    if (error instanceof TlsConfigError) {
      if (error.kind === 'usage') return usageError(error.message);
      cprint(`ERROR: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function listDevices(): Device[] | number {
  let count: number;
  try {
    count = Device.count();
  } catch (error) {
    if (error instanceof NvmlError) {
      cprint(`NVML ERROR: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (count === 0) {
    cprint('NVML ERROR: No NVIDIA devices found.');
    return 1;
  }
  const devices = exportableDevices();
  const migCount = devices.filter((device) => device.isMigDevice()).length;
  cprint(
    `INFO: Found ${colored(String(count), 'green')}${
      migCount > 0 ? ` physical device(s) and ${colored(String(migCount), 'blue')} MIG device(s)` : ' device(s)'
    }.`,
  );
  for (const device of devices) {
    const name = String(device.name());
    const uuid = String(device.uuid());
    if (device.isMigDevice()) {
      const short = name.slice(name.lastIndexOf(' ') + 1);
      cprint(`INFO:   MIG ${short.padEnd(11)} Device ${String((device as MigDevice).migIndex).padStart(2)}: (UUID: ${uuid})`);
    } else {
      cprint(`INFO: GPU ${device.displayIndex}: ${name} (UUID: ${uuid})`);
    }
  }
  return devices;
}

function listenError(error: NodeJS.ErrnoException, scheme: string, options: ExporterCliOptions): void {
  const host = options.bindAddress.includes(':') ? `[${options.bindAddress}]` : options.bindAddress;
  const where = colored(`${scheme}://${host}:${options.port}`, 'blue', true);
  if (error.code === 'EADDRINUSE') {
    cprint(`ERROR: Address ${where} is already in use. Please specify a different port via \`--port <PORT>\`.`);
  } else if (error.code === 'EADDRNOTAVAIL') {
    cprint(`ERROR: Cannot assign requested address at ${where}. Please specify a different address via \`--bind-address <ADDRESS>\`.`);
  } else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EAI_NONAME') {
    cprint(`ERROR: Cannot resolve the bind address \`${options.bindAddress}\` (${error.code}). Please specify a different address via \`--bind-address <ADDRESS>\`.`);
  } else {
    cprint(`ERROR: ${error.message}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const defaultHostname = guessIpAddress();
  const request = parseExporterArguments(argv, defaultHostname);
  if (request.action === 'help') {
    process.stdout.write(exporterHelp(defaultHostname));
    return 0;
  }
  if (request.action === 'version') {
    const version = packageVersion();
    process.stdout.write(`nvitop-exporter ${version} (nvitop-node ${version})\n`);
    return 0;
  }
  if (request.action === 'usage-error') return usageError(request.message);
  const options = request.options;

  const tls = loadTls(options);
  if (typeof tls === 'number') return tls;

  const devices = listDevices();
  if (typeof devices === 'number') return devices;

  providePromClient(prom);
  const registry = new prom.Registry();
  const kubelet = options.kubernetes
    ? new KubeletPodResources({
        maxAgeMs: Math.max(5000, options.interval * 1000),
        ...(options.podResourcesSocket === undefined ? {} : { socketPath: options.podResourcesSocket }),
      })
    : undefined;
  // The kubelet's first answer (at most its 2 s deadline) comes before the first collection, so
  // the first scrape already has the allocations; later answers come in the background.
  const kubeletWatch = kubelet === undefined ? undefined : await watchKubelet(kubelet);
  // The GPU and host families are written straight from each sample (no prom-client gauges);
  // the registry holds the exporter's own process metrics, served after them.
  const exporter = createExpositionSource({
    devices,
    interval: options.interval,
    hostname: options.hostname,
    ...(kubelet === undefined ? {} : { kubernetes: kubelet }),
  });
  // The event-loop lag sampled once a second, not every 10 ms: each sample is a timer wake-up,
  // and 100 a second cost an idle exporter ~9 ms of CPU a second (issue 15).
  registerProcessMetrics(registry, { eventLoopMonitoringPrecision: 1000 });

  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      registry,
      source: exporter,
      host: options.bindAddress,
      port: options.port,
      ...(tls === undefined ? {} : { tls }),
      onError: (error) => cprint(`ERROR: Failed to collect metrics: ${unexpectedErrorText(error)}`),
    });
  } catch (error) {
    listenError(error as NodeJS.ErrnoException, tls === undefined ? 'http' : 'https', options);
    return 1;
  }
  cprint(`INFO: Start the exporter on ${colored(options.hostname, 'magenta')} at ${colored(server.url, 'green', true)}.`);

  // Warm up: the first scrape then gets interval figures (CPU percent) and no first-call delays.
  void exporter.sample().catch(() => undefined);

  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (kubeletWatch !== undefined) clearInterval(kubeletWatch);
      cprint();
      cprint('INFO: Interrupted by user.');
      const timer = setTimeout(() => resolve(0), 2000);
      timer.unref();
      void server.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    cprint(`ERROR: ${unexpectedErrorText(error)}`);
    process.exit(1);
  },
);
