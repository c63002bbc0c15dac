// HTTPS and mutual TLS of the built nvitop-exporter, with certificates made here by openssl: a
// scrape over HTTPS parses like one over HTTP; with --client-auth-required a client certificate
// signed by the trusted CA (file or directory) is accepted and none, or one from another CA, is
// refused; bad certificate files stop the exporter with exit status 1.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';
import { fetchText, runExporter, startExporter, type RunningExporter } from '../helpers/exporter-process.js';
import { parsePromText, sampleOf } from '../helpers/prom-text.js';

let dir: string;
const running: RunningExporter[] = [];
const path = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(path(name));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA (`<name>-ca.pem`, `<name>-ca.key`). */
function makeCa(name: string): void {
  openssl('req', '-x509', ...EC, '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-days', '1', '-subj', `/CN=${name} test CA`);
}

/** A certificate `<name>.pem` / `<name>.key` signed by CA `<ca>`, with an optional extensions file. */
function makeSigned(name: string, ca: string, extensions?: string): void {
  openssl('req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  const ext = extensions === undefined ? [] : ['-extfile', `${name}.ext`];
  if (extensions !== undefined) writeFileSync(path(`${name}.ext`), extensions);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}-ca.pem`, '-CAkey', `${ca}-ca.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', ...ext);
}

const env = () => fakeNvmlEnv('one-gpu');

async function start(args: string[]): Promise<RunningExporter> {
  const exporter = await startExporter(['--interval', '0.5', ...args], env(), { scheme: 'https' });
  running.push(exporter);
  return exporter;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-exporter-tls-'));
  // A self-signed server certificate (plain HTTPS).
  openssl('req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  // A CA that signs the server and a client; another CA that signs a stranger.
  makeCa('trusted');
  makeCa('other');
  makeSigned('server', 'trusted', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeSigned('client', 'trusted', 'extendedKeyUsage=clientAuth\n');
  makeSigned('stranger', 'other', 'extendedKeyUsage=clientAuth\n');
  mkdirSync(path('cadir'));
  copyFileSync(path('trusted-ca.pem'), path('cadir/trusted.pem'));
  writeFileSync(path('garbage.pem'), 'not a certificate\n');
});

afterAll(async () => {
  await Promise.all(running.map((e) => e.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS', () => {
  it('serves the same metrics over HTTPS, verified with the certificate', async () => {
    const exporter = await start(['--certfile', path('self.pem'), '--keyfile', path('self.key'), '--hostname', 'tls-host']);
    expect(exporter.stderr()).toContain(`INFO: Start the exporter on tls-host at https://127.0.0.1:${exporter.port}/metrics.`);
    const response = await fetchText(`${exporter.base}/metrics`, { ca: read('self.pem') });
    expect(response.status).toBe(200);
    const families = parsePromText(response.body);
    const device = loadScenario('one-gpu').devices[0];
    expect(sampleOf(families, 'gpu_temperature_C', { hostname: 'tls-host', index: '0', uuid: device?.uuid ?? '' }).value).toBe(device?.temperature);
    expect((await fetchText(`${exporter.base}/healthz`, { ca: read('self.pem') })).body).toBe('ok\n');
    // Without trusting the certificate, the client refuses the server.
    await expect(fetchText(`${exporter.base}/metrics`)).rejects.toThrow();
    // Plain HTTP to the HTTPS port gets no metrics.
    const plain = await fetchText(`http://127.0.0.1:${exporter.port}/metrics`).then((r) => r.body, (e: unknown) => String(e));
    expect(plain).not.toContain('gpu_');
  });
});

describe('mutual TLS', () => {
  const serverFlags = () => ['--certfile', path('server.pem'), '--keyfile', path('server.key'), '--client-auth-required'];

  it('with --client-cafile: accepts a client certificate of that CA, refuses none and a stranger', async () => {
    const exporter = await start([...serverFlags(), '--client-cafile', path('trusted-ca.pem')]);
    const ca = read('trusted-ca.pem');
    const ok = await fetchText(`${exporter.base}/metrics`, { ca, cert: read('client.pem'), key: read('client.key') });
    expect(ok.status).toBe(200);
    expect(parsePromText(ok.body).has('gpu_utilization_Percentage')).toBe(true);
    await expect(fetchText(`${exporter.base}/metrics`, { ca })).rejects.toThrow();
    await expect(fetchText(`${exporter.base}/metrics`, { ca, cert: read('stranger.pem'), key: read('stranger.key') })).rejects.toThrow();
    // Still serving after refusing clients.
    expect((await fetchText(`${exporter.base}/healthz`, { ca, cert: read('client.pem'), key: read('client.key') })).status).toBe(200);
  });

  it('with --client-capath: trusts the CA certificates in the directory', async () => {
    const exporter = await start([...serverFlags(), '--client-capath', path('cadir')]);
    const ca = read('trusted-ca.pem');
    expect((await fetchText(`${exporter.base}/metrics`, { ca, cert: read('client.pem'), key: read('client.key') })).status).toBe(200);
    await expect(fetchText(`${exporter.base}/metrics`, { ca })).rejects.toThrow();
  });
});

describe('bad certificate files', () => {
  it('a file that is not PEM: exit 1 naming both files', async () => {
    const result = await runExporter(['--certfile', path('garbage.pem'), '--keyfile', path('self.key')], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^ERROR: Failed to load TLS certificate/key from \`${path('garbage.pem')}\` / \`${path('self.key')}\`: `));
  });

  it('a key that does not match the certificate: exit 1', async () => {
    const result = await runExporter(['--certfile', path('self.pem'), '--keyfile', path('server.key')], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR: Failed to load TLS certificate\/key from /);
  });

  it('a client CA directory without certificates, or a missing one: exit 1', async () => {
    mkdirSync(path('empty'), { recursive: true });
    const empty = await runExporter([...['--certfile', path('server.pem'), '--keyfile', path('server.key')], '--client-auth-required', '--client-capath', path('empty')], env());
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^ERROR: Failed to load client CA bundle from /);
    const missing = await runExporter([...['--certfile', path('server.pem'), '--keyfile', path('server.key')], '--client-auth-required', '--client-cafile', path('none.pem')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`ERROR: \`--client-cafile\` not found: ${path('none.pem')}\n`);
  });
});
