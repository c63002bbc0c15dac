// The built nvitop-exporter's command line: help, version, usage errors (exit 2), runtime errors
// with nvitop-exporter's messages (exit 1: no NVML, no GPU, port in use, bad address, missing
// certificate files), flag aliases, SIGTERM.
import { readFileSync } from 'node:fs';
import * as net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv } from '../helpers/fake-nvml.js';
import { ROOT, fetchText, freePort, runExporter, startExporter } from '../helpers/exporter-process.js';
import { parsePromText } from '../helpers/prom-text.js';

const env = () => fakeNvmlEnv('one-gpu');

describe('nvitop-exporter command line', () => {
  it('--help lists every flag with its aliases and defaults', async () => {
    const result = await runExporter(['--help'], env());
    expect(result.code).toBe(0);
    for (const text of [
      'usage: nvitop-exporter',
      '--help, -h',
      '--version, -V',
      '--hostname HOSTNAME, --host HOSTNAME, -H HOSTNAME',
      '--bind-address ADDRESS, --bind ADDRESS, -B ADDRESS',
      '(default: 127.0.0.1)',
      '--port PORT, -p PORT',
      '(default: 8000)',
      '--interval SEC',
      '(default: 1.0)',
      '--certfile PATH',
      '--keyfile PATH',
      '--client-cafile PATH',
      '--client-capath PATH',
      '--client-auth-required',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toMatch(/Hostname to display in the exporter\. \(default: \d+\.\d+\.\d+\.\d+\)/);
    expect((await runExporter(['-h'], env())).stdout).toBe(result.stdout);
  });

  it('--version prints nvitop-exporter and package versions', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runExporter([flag], env());
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`nvitop-exporter ${version} (nvitop-node ${version})\n`);
    }
  });

  it.each([
    [['--port', 'abc'], "argument --port/-p: invalid int value: 'abc'"],
    [['-p', '70000'], 'argument --port/-p: port must be 0-65535, got 70000'],
    [['--interval', '0.1'], 'the interval 0.1s is too short, which may cause performance issues. Expected 1/4 or higher.'],
    [['--interval', '0'], "argument --interval: invalid positive float value: '0'"],
    [['--interval', 'soon'], "argument --interval: invalid positive float value: 'soon'"],
    [['--port'], 'argument --port/-p: expected one argument'],
    [['--bogus'], 'unrecognized arguments: --bogus'],
    [['extra'], 'unrecognized arguments: extra'],
    [['--certfile', 'c.pem'], '`--certfile` and `--keyfile` must be specified together.'],
    [['--keyfile', 'k.pem'], '`--certfile` and `--keyfile` must be specified together.'],
    [['--client-cafile', 'ca.pem', '--client-auth-required'], 'Mutual TLS options require `--certfile` and `--keyfile`.'],
    [['--client-auth-required'], 'Mutual TLS options require `--certfile` and `--keyfile`.'],
    [
      ['--certfile', 'c.pem', '--keyfile', 'k.pem', '--client-auth-required'],
      '`--client-cafile` / `--client-capath` and `--client-auth-required` must be specified together to enable mutual TLS.',
    ],
    [
      ['--certfile', 'c.pem', '--keyfile', 'k.pem', '--client-cafile', 'ca.pem'],
      '`--client-cafile` / `--client-capath` and `--client-auth-required` must be specified together to enable mutual TLS.',
    ],
  ])('usage error %j exits 2', async (args, message) => {
    const result = await runExporter(args, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${result.stderr.split('\n')[0]}\nnvitop-exporter: error: ${message}\n`);
    expect(result.stderr).toMatch(/^usage: nvitop-exporter /);
  });

  it('missing certificate files: exit 1 with the path', async () => {
    const result = await runExporter(['--certfile', '/nonexistent/cert.pem', '--keyfile', '/nonexistent/key.pem'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ERROR: `--certfile` not found: /nonexistent/cert.pem\n');
  });

  it('no NVML library: exit 1 with an NVML ERROR line naming the library', async () => {
    const result = await runExporter([], { ...process.env, NVITOP_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^NVML ERROR: .*libnvidia-ml/);
  });

  it('no GPU: exit 1 with nvitop-exporter\'s message', async () => {
    const result = await runExporter([], fakeNvmlEnv('no-gpu'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('NVML ERROR: No NVIDIA devices found.\n');
  });

  describe('listen errors', () => {
    let blocker: net.Server;
    let busyPort: number;
    beforeAll(async () => {
      blocker = net.createServer();
      busyPort = await freePort();
      await new Promise<void>((done) => blocker.listen(busyPort, '127.0.0.1', done));
    });
    afterAll(() => blocker.close());

    it('port in use: exit 1 and the hint to pick another port', async () => {
      const result = await runExporter(['--bind-address', '127.0.0.1', '--port', String(busyPort)], env());
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `ERROR: Address http://127.0.0.1:${busyPort} is already in use. Please specify a different port via \`--port <PORT>\`.\n`,
      );
    });

    it('an address of another machine: exit 1 and the hint to pick another address', async () => {
      const port = await freePort();
      const result = await runExporter(['--bind', '203.0.113.7', '-p', String(port)], env());
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `ERROR: Cannot assign requested address at http://203.0.113.7:${port}. Please specify a different address via \`--bind-address <ADDRESS>\`.\n`,
      );
    });

    it('an address that is not one: exit 1', async () => {
      const result = await runExporter(['-B', 'no-such-host.invalid', '-p', String(await freePort())], env());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/ERROR: Cannot resolve the bind address `no-such-host\.invalid`/);
    });
  });

  it('accepts --host=, -H, -B and -pPORT forms; stops on SIGTERM like on Ctrl-C', async () => {
    const port = await freePort();
    const exporter = await startExporter(['--host=alias-host', `-p${port}`, '-B', '127.0.0.1', '--interval=0.5'], env());
    // The helper's own --port comes first; the later -pPORT wins, as with argparse.
    expect(exporter.stderr()).toContain(`INFO: Start the exporter on alias-host at http://127.0.0.1:${port}/metrics.`);
    const body = (await fetchText(`http://127.0.0.1:${port}/metrics`)).body;
    const info = parsePromText(body).get('nvitop_info')?.samples[0];
    expect(info?.labels['hostname']).toBe('alias-host');
    const result = await exporter.stop('SIGTERM');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('INFO: Interrupted by user.\n');
  });
});
