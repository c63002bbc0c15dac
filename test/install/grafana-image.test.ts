// grafana/Dockerfile, built without a container engine: every instruction is replayed in a clean
// folder per stage (WORKDIR, COPY from the build context as .dockerignore filters it or from an
// earlier stage, RUN with the stage's ENV), then the image's ENTRYPOINT + CMD runs against the fake
// NVML, and its HEALTHCHECK command checks it. A Dockerfile instruction this replay does not know
// fails the test, so the Dockerfile cannot drift away from what is checked here.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import { ROOT, cleanEnv, fakeEnv, run, startUntil } from './helpers.js';
import { fetchText, freePort } from '../helpers/exporter-process.js';

interface Stage {
  readonly name: string;
  readonly root: string;
  workdir: string;
  env: Record<string, string>;
}

/** The Dockerfile's instructions: continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Array<{ keyword: string; args: string }> {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** .dockerignore as a predicate on context-relative paths. */
function dockerIgnore(context: string): (relative: string) => boolean {
  const file = path.join(context, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
    : [];
  const regexes = patterns.map((pattern) => {
    const source = pattern
      .replace(/^\/+/, '')
      .split('**')
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
      .join('.*');
    return new RegExp(`^${source}(/.*)?$`);
  });
  return (relative) => regexes.some((regex) => regex.test(relative));
}

const work = mkdtempSync(path.join(tmpdir(), 'nvitop-image-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Where an absolute path inside a stage's file system lies in the replay folder. */
const inside = (stage: Stage, target: string): string => path.join(stage.root, path.posix.isAbsolute(target) ? target : path.posix.join(stage.workdir, target));

function copyInto(from: string, to: string, destIsDir: boolean, ignored: (relative: string) => boolean, base: string): void {
  const target = destIsDir ? path.join(to, path.basename(from)) : to;
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      const child = path.join(from, entry);
      if (!ignored(path.relative(base, child))) copyInto(child, path.join(to, entry), false, ignored, base);
    }
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(from, target);
}

describe('grafana/Dockerfile, replayed', () => {
  const stages = new Map<string, Stage>();
  let final: Stage | undefined;
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let exposed = 0;
  let healthcheck: string[] = [];

  it('every step succeeds in a clean folder: npm ci, the build, the prune', async () => {
    const ignored = dockerIgnore(ROOT);
    for (const { keyword, args } of instructions(readFileSync(path.join(ROOT, 'grafana', 'Dockerfile'), 'utf8'))) {
      switch (keyword) {
        case 'FROM': {
          const [image = '', as, name] = args.split(/\s+/);
          expect(image).toMatch(/^node:\d+(\.\d+)*-[a-z]+-slim$/); // a pinned Node major on a Debian release
          const stage: Stage = { name: as?.toUpperCase() === 'AS' ? (name ?? '') : `stage-${stages.size}`, root: path.join(work, `stage-${stages.size}`), workdir: '/', env: {} };
          mkdirSync(stage.root, { recursive: true });
          stages.set(stage.name, stage);
          final = stage;
          break;
        }
        case 'WORKDIR':
          final!.workdir = path.posix.resolve(final!.workdir, args);
          mkdirSync(inside(final!, '.'), { recursive: true });
          break;
        case 'ENV':
          for (const [, key, value] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) final!.env[key!] = value!;
          break;
        case 'COPY': {
          const words = args.split(/\s+/);
          const from = words[0]?.startsWith('--from=') ? stages.get(words.shift()!.slice('--from='.length)) : undefined;
          const dest = words.pop()!;
          const destIsDir = dest.endsWith('/') || dest === '.' || words.length > 1;
          for (const source of words) {
            const origin = from === undefined ? path.join(ROOT, source) : inside(from, source);
            expect(existsSync(origin), `COPY ${source}`).toBe(true);
            if (from === undefined) expect(ignored(path.normalize(source)), `COPY ${source} is excluded by .dockerignore`).toBe(false);
            copyInto(origin, inside(final!, dest), destIsDir, from === undefined ? ignored : () => false, from === undefined ? ROOT : from.root);
          }
          break;
        }
        case 'RUN': {
          const result = await run('bash', ['-euo', 'pipefail', '-c', args], { cwd: inside(final!, '.'), env: cleanEnv(final!.env), timeoutMs: 900_000 });
          expect(result.stderr).not.toMatch(/npm (error|ERR!)/);
          expect(result.code, `RUN ${args}\n${result.stderr}`).toBe(0);
          break;
        }
        case 'EXPOSE':
          exposed = Number(args);
          break;
        case 'HEALTHCHECK':
          healthcheck = JSON.parse(args.slice(args.indexOf('CMD ') + 4)) as string[];
          break;
        case 'ENTRYPOINT':
          entrypoint = JSON.parse(args) as string[];
          break;
        case 'CMD':
          cmd = JSON.parse(args) as string[];
          break;
        default:
          throw new Error(`the replay does not know the Dockerfile instruction ${keyword}`);
      }
    }
    expect(stages.size).toBeGreaterThanOrEqual(2);
  }, 900_000);

  it('the image holds the command bundles and koffi, no sources and no dev dependencies', () => {
    const app = inside(final!, '.');
    for (const file of ['bin/nvitop-exporter.js', 'bin/package.json', 'dist/bin/nvitop-exporter.cjs', 'node_modules/koffi/package.json', 'package.json']) {
      expect(existsSync(path.join(app, file)), file).toBe(true);
    }
    for (const absent of ['src', 'node_modules/typescript', 'node_modules/vitest', 'node_modules/prom-client']) {
      expect(existsSync(path.join(app, absent)), absent).toBe(false);
    }
  });

  it('ENTRYPOINT + CMD serve the metrics on the exposed port, and the HEALTHCHECK passes', async () => {
    const port = await freePort();
    const map = (arg: string) => (arg.startsWith('/') ? inside(final!, arg) : arg);
    const [command = '', ...args] = [...entrypoint, ...cmd].map(map);
    expect(cmd).toContain(String(exposed));
    const exporter = await startUntil(command, [...args, '--port', String(port)], {
      cwd: inside(final!, '.'),
      env: { ...fakeEnv('one-gpu'), ...final!.env },
      ready: /Start the exporter/,
    });
    try {
      expect(exporter.output()).toContain(`http://0.0.0.0:${port}/metrics`);
      const { body } = await fetchText(`http://127.0.0.1:${port}/metrics`);
      expect(body).toMatch(/^gpu_utilization_Percentage\{/m);
      const [health = '', ...healthArgs] = healthcheck.map((arg) => arg.replace(`:${exposed}/`, `:${port}/`));
      const checked = await run(health, healthArgs, { cwd: inside(final!, '.'), env: cleanEnv(final!.env) });
      expect(checked.code).toBe(0);
    } finally {
      expect(await exporter.stop()).toBe(0);
    }
  });
});
