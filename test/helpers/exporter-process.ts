/**
 * Test helpers for the built `nvitop-exporter` bin: start it on a free loopback port and wait for
 * its start-up line, run it to completion, and fetch over HTTP(S) with optional client
 * certificates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built bin. */
export const EXPORTER_BIN = resolve(ROOT, 'bin', 'nvitop-exporter.js');

/** A port that was free a moment ago (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => done(port));
    });
  });
}

export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the exporter with `args` until it exits (killed after `timeoutMs`). */
export function runExporter(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ExitResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [EXPORTER_BIN, ...args], { env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

export interface RunningExporter {
  readonly child: ChildProcess;
  readonly port: number;
  /** `http(s)://127.0.0.1:<port>` */
  readonly base: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Sends `signal` (default SIGINT) and resolves when it exited. */
  stop(signal?: NodeJS.Signals): Promise<ExitResult>;
}

/**
 * Starts the exporter on a free loopback port (`--bind-address 127.0.0.1 --port <p>` are added)
 * and resolves once it printed `INFO: Start the exporter`; rejects with its output if it exits
 * first. Retries with another port if the chosen one was taken meanwhile.
 */
export async function startExporter(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { scheme?: 'http' | 'https'; timeoutMs?: number } = {},
): Promise<RunningExporter> {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    try {
      return await startOn(port, args, env, options);
    } catch (error) {
      if (attempt < 3 && String(error).includes('already in use')) continue;
      throw error;
    }
  }
}

function startOn(
  port: number,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { scheme?: 'http' | 'https'; timeoutMs?: number },
): Promise<RunningExporter> {
  const child = spawn(process.execPath, [EXPORTER_BIN, '--bind-address', '127.0.0.1', '--port', String(port), ...args], {
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited: ExitResult | undefined;
  const exitWaiters: Array<(r: ExitResult) => void> = [];
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('close', (code, signal) => {
    exited = { code, signal, stdout, stderr };
    for (const w of exitWaiters) w(exited);
  });
  const waitExit = () => new Promise<ExitResult>((done) => (exited !== undefined ? done(exited) : exitWaiters.push(done)));
  const running: RunningExporter = {
    child,
    port,
    base: `${options.scheme ?? 'http'}://127.0.0.1:${port}`,
    stderr: () => stderr,
    stop: async (signal: NodeJS.Signals = 'SIGINT') => {
      if (exited === undefined) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await waitExit();
      clearTimeout(killer);
      return result;
    },
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`exporter did not start within ${options.timeoutMs ?? 20_000} ms:\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    const check = () => {
      if (stderr.includes('INFO: Start the exporter')) {
        clearTimeout(timer);
        child.stderr?.off('data', check);
        done(running);
      }
    };
    child.stderr?.on('data', check);
    void waitExit().then((r) => {
      clearTimeout(timer);
      fail(new Error(`exporter exited (${r.code ?? r.signal}) before starting:\n${r.stderr}`));
    });
  });
}

export interface FetchResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface FetchOptions {
  /** CA certificate(s) that signed the server's certificate (HTTPS). */
  readonly ca?: string | Buffer;
  /** Client certificate and key (mutual TLS). */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly method?: string;
}

/** GET `url` (http or https); gunzips a gzip body. Rejects on a connection or TLS error. */
export function fetchText(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  return new Promise((done, fail) => {
    const isHttps = url.startsWith('https:');
    const requestOptions: https.RequestOptions = {
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      agent: false,
      ...(isHttps ? { ca: options.ca, cert: options.cert, key: options.key, servername: 'localhost' } : {}),
    };
    const req = (isHttps ? https : http).request(url, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        let body = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        done({ status: res.statusCode ?? 0, headers: res.headers, body: body.toString('utf8') });
      });
    });
    req.setTimeout(15_000, () => req.destroy(new Error('request timed out')));
    req.on('error', fail);
    req.end();
  });
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting${last === undefined ? '' : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
