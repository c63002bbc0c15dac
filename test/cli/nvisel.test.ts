// nvisel (the built bin) on the fake GPUs: the README's examples adapted to the eight-GPU
// scenario, byte for byte, the separators, and the exit codes.
//
// Eight-GPU scenario, from its JSON (free = total − reserved − used), worked out by hand:
//   GPU      0     1     2     3     4     5    6     7
//   free   40.4  12.4  41.4  79.4  14.4  3.7  31.7  35.1  GiB
//   util     98    97    81     0    54  100     0    37  %
// so the ranking by free memory is 3,2,0,7,6,4,1,5.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../helpers/fake-nvml.js';
import { NVISEL, ROOT, nvisel, nviselEnv } from './nvisel-helpers.js';

const eight = loadScenario('eight-gpu');
const uuid = (i: number) => eight.devices[i]!.uuid as string;
const uuids = (...indices: number[]) => indices.map(uuid);
const env = nviselEnv('eight-gpu');
const cvd = (ids: string[]) => `CUDA_VISIBLE_DEVICES="${ids.join(',')}"\n`;

describe("the README's examples (eight-GPU machine)", () => {
  it('nvisel: all devices, sorted', () => {
    const run = nvisel([], env);
    expect(run).toMatchObject({ status: 0, stdout: '3,2,0,7,6,4,1,5\n', stderr: cvd(['3,2,0,7,6,4,1,5']) });
  });

  it('nvisel -n 4', () => {
    expect(nvisel(['-n', '4'], env)).toMatchObject({ status: 0, stdout: '3,2,0,7\n', stderr: cvd(['3,2,0,7']) });
  });

  it('nvisel --min-count 2 --max-count 3 --min-free-memory 5GiB --max-gpu-utilization 60', () => {
    const run = nvisel(['--min-count', '2', '--max-count', '3', '--min-free-memory', '5GiB', '--max-gpu-utilization', '60'], env);
    expect(run).toMatchObject({ status: 0, stdout: '3,7,6\n' });
  });

  it('export CUDA_VISIBLE_DEVICES="$(nvisel -c 1 -f 10GiB)"', () => {
    const run = spawnSync('sh', ['-c', `export CUDA_DEVICE_ORDER="PCI_BUS_ID" CUDA_VISIBLE_DEVICES="$(node ${NVISEL} -c 1 -f 10GiB)"; echo "[$CUDA_VISIBLE_DEVICES]"`], {
      env,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('[3,2,0,7,6,4,1]\n');
    expect(run.stderr).toBe(cvd(['3,2,0,7,6,4,1']));
  });

  it('nvisel -O uuid -c 2 -f 5000M', () => {
    const ids = uuids(3, 2, 0, 7, 6, 4, 1);
    expect(nvisel(['-O', 'uuid', '-c', '2', '-f', '5000M'], env)).toMatchObject({ status: 0, stdout: `${ids.join(',')}\n`, stderr: cvd(ids) });
  });

  it('nvisel --newline -O uuid -C 6 -f 8GiB', () => {
    const ids = uuids(3, 2, 0, 7, 6, 4);
    expect(nvisel(['--newline', '-O', 'uuid', '-C', '6', '-f', '8GiB'], env)).toMatchObject({ status: 0, stdout: `${ids.join('\n')}\n` });
  });

  it('nvisel -0 -O uuid -c 2 -f 4GiB | xargs -0 ...', () => {
    const ids = uuids(3, 2, 0, 7, 6, 4, 1);
    expect(nvisel(['-0', '-O', 'uuid', '-c', '2', '-f', '4GiB'], env)).toMatchObject({ status: 0, stdout: `${ids.join('\0')}\0` });
    const piped = spawnSync('sh', ['-c', `node ${NVISEL} -0 -O uuid -c 2 -f 4GiB | xargs -0 -I {} echo "id={}"`], { env, encoding: 'utf8' });
    expect(piped.stdout).toBe(ids.map((id) => `id=${id}\n`).join(''));
    expect(piped.stderr).toBe(cvd(ids));
  });

  it('nvisel -i "GPU-1d3c4002,GPU-0c2b3ff1" -S (abbreviated UUIDs to indices), and to full UUIDs', () => {
    expect(nvisel(['-i', 'GPU-1d3c4002,GPU-0c2b3ff1', '-S'], env)).toMatchObject({ status: 0, stdout: '1,0\n' });
    const run = nvisel(['-i', 'GPU-1d3c4002,GPU-0c2b3ff1', '-S', '-O', 'uuid', '--newline'], env);
    expect(run.stdout).toBe(`${uuid(1)}\n${uuid(0)}\n`);
  });
});

describe('options', () => {
  it('separators: --sep, --separator=, -s attached', () => {
    expect(nvisel(['-n', '3', '--sep', ' '], env).stdout).toBe('3 2 0\n');
    expect(nvisel(['-n', '3', '--separator=;'], env).stdout).toBe('3;2;0\n');
    expect(nvisel(['-n3', '-s:'], env).stdout).toBe('3:2:0\n');
    expect(nvisel(['-n', '3', '--sep='], env).stdout).toBe('320\n');
  });

  it('--inherit without a value uses $CUDA_VISIBLE_DEVICES; a value overrides it', () => {
    const withCvd = nviselEnv('eight-gpu', { CUDA_VISIBLE_DEVICES: '6,2,5' });
    expect(nvisel(['-i'], withCvd).stdout).toBe('2,6,5\n');
    expect(nvisel(['--inherit', '-S'], withCvd).stdout).toBe('6,2,5\n');
    expect(nvisel(['--inherit=1,4'], withCvd).stdout).toBe('4,1\n');
    expect(nvisel([], withCvd).stdout).toBe('3,2,0,7,6,4,1,5\n'); // no -i: every GPU
    expect(nvisel(['-i', '9'], env)).toMatchObject({ status: 0, stdout: '\n' }); // invalid: no device
  });

  it('--tolerance loosens the constraints; the default is strict', () => {
    expect(nvisel(['-f', '45GiB'], env).stdout).toBe('3\n');
    // 45GiB × 0.9 = 40.5GiB: GPU 2 (41.4) passes loosely and ranks after GPU 3; GPU 0 (40.4) does not.
    expect(nvisel(['-f', '45GiB', '--tol', '10'], env).stdout).toBe('3,2\n');
    expect(nvisel(['-f', '45GiB', '--tolerance=10'], env).stdout).toBe('3,2\n');
  });

  it('-t and -M constraints; --no-sort keeps NVML order', () => {
    expect(nvisel(['-t', '40GiB'], env).stdout).toBe('3,2,0,7,1\n');
    expect(nvisel(['-M', '30', '-S'], env).stdout).toBe('3,4,6,7\n');
    expect(nvisel(['-G', '60', '-S0'], env).stdout).toBe('3\x004\x006\x007\x00');
  });

  it('--account-as-free counts the named users (default: me) as free memory', () => {
    // GPU 5 (3.7GiB free) runs nvisel itself ("self") with 10GiB and another process of ours with 10GiB.
    const scenario = structuredClone(eight);
    scenario.devices[5]!.computeProcesses = [
      { pid: 'self', usedGpuMemory: 10 * 1024 ** 3 },
      { pid: 'parent', usedGpuMemory: 10 * 1024 ** 3 },
    ];
    const mine = nviselEnv(scenario);
    expect(nvisel(['-f', '20GiB'], mine).stdout).toBe('3,2,0,7,6\n');
    expect(nvisel(['-f', '20GiB', '--account-as-free'], mine).stdout).toBe('3,2,0,7,6,5\n');
    const me = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
    expect(nvisel(['--account-as-free', me, 'nobody', '-f', '20GiB'], mine).stdout).toBe('3,2,0,7,6,5\n');
    expect(nvisel(['--account-as-free', 'nobody', '-f', '20GiB'], mine).stdout).toBe('3,2,0,7,6\n');
  });

  it('--help and --version', () => {
    const help = nvisel(['--help'], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: nvisel \[--help\] \[--version\]/);
    for (const flag of ['--inherit', '--account-as-free', '--min-count N, -c N', '--max-count N, -C N', '--count N, -n N', '-f SIZE', '-t SIZE', '-G RATE', '-M RATE', '--tol TOL', '-O FORMAT', '-s SEP', '--newline', '--null, -0', '--no-sort, -S', '--wait', '--interval', '--lock']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('(default: 0, i.e. strict)');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(nvisel(['-V'], env)).toMatchObject({ status: 0, stdout: `nvisel ${version}\n` });
  });
});

describe('exit codes', () => {
  it('4 when fewer than --min-count devices fit; stdout still lists those that fit', () => {
    const run = nvisel(['-c', '6', '-f', '30GiB'], env);
    expect(run.status).toBe(4);
    expect(run.stdout).toBe('3,2,0,7,6\n');
    expect(run.stderr).toBe(
      `${cvd(['3,2,0,7,6'])}nvisel: Not enough devices found. 5 of at least 6 devices found (--min-count). Of 8 devices, 3 have less than 30.00GiB free memory (--min-free-memory).\n`,
    );
    expect(nvisel(['-c', '9'], env)).toMatchObject({ status: 4, stdout: '3,2,0,7,6,4,1,5\n' });
  });

  it.each([
    [['-f', '8GB?'], "argument --min-free-memory/-f: Invalid size: '8GB?'"],
    [['-f', '-1G'], "argument --min-free-memory/-f: Invalid size: '-1G'"],
    [['-f', ''], "argument --min-free-memory/-f: Invalid size: ''"],
    [['--min-total-memory=1e999'], "argument --min-total-memory/-t: Invalid size: '1e999'"],
    [['-c', '-1'], "argument --min-count/-c: invalid non-negative integer value: '-1'"],
    [['-n', 'two'], "argument --count/-n: invalid non-negative integer value: 'two'"],
    [['-c', '3', '-C', '2'], 'Max count must be no less than min count.'],
    [['-O', 'name'], "argument --format/-O: invalid choice: 'name' (choose from 'index', 'uuid')"],
    [['--sep', ';', '--null'], 'argument --null/-0: not allowed with argument --sep/--separator/-s'],
    [['--bogus'], 'unrecognized arguments: --bogus'],
    [['-f'], 'argument --min-free-memory/-f: expected one argument'],
    [['--wait', '5 minutes'], "argument --wait: Invalid duration: '5 minutes'"],
    [['--lock'], '--lock needs an owner that outlives nvisel'],
    [['--lock', '999999999'], 'Invalid lock owner PID: 999999999. Expected the PID of a running process.'],
    [['--m', '1'], 'ambiguous option: --m could match --min-count, --max-count, --min-free-memory'],
  ])('2 for bad arguments: %j', (args, message) => {
    const run = nvisel(args, env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^usage: nvisel /);
    expect(run.stderr).toContain(`nvisel: error: ${message}`);
  });

  it('long options may be abbreviated', () => {
    expect(nvisel(['--min-f', '45GiB', '--co', '1'], env)).toMatchObject({ status: 0, stdout: '3\n' });
  });

  it('1 when the NVML library is missing', () => {
    const run = nvisel([], { ...env, NVITOP_NVML_LIBRARY: join(ROOT, 'no-such-dir', 'libnvidia-ml.so.1') });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^NVML ERROR: NVIDIA Management Library \(NVML\) not found/);
  });

  it('2 when NVML fails to initialise', () => {
    const run = nvisel([], nviselEnv({ ...eight, initError: 'DRIVER_NOT_LOADED' }));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^NVML ERROR: /);
  });

  it('no GPU: an empty line, or 4 with --min-count', () => {
    const none = nviselEnv('no-gpu');
    expect(nvisel([], none)).toMatchObject({ status: 0, stdout: '\n', stderr: cvd([]) });
    const run = nvisel(['-c', '1'], none);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('0 of at least 1 device found (--min-count). There are no devices to select from.');
  });
});

describe('MIG machine', () => {
  const mig = loadScenario('mig');
  const migEnv = nviselEnv('mig');

  it('a non-MIG GPU ranks first: only non-MIG devices', () => {
    expect(nvisel([], migEnv).stdout).toBe('1\n');
  });

  it('a selected MIG device is printed as its UUID even with the index format', () => {
    const migUuid = mig.devices[0]!.migDevices![0]!.uuid as string;
    expect(nvisel(['-i', '0'], migEnv)).toMatchObject({ status: 0, stdout: `${migUuid}\n`, stderr: cvd([migUuid]) });
  });
});

describe('terminal output', () => {
  it('prints no CUDA_VISIBLE_DEVICES line when stdout is a terminal', () => {
    const run = spawnSync('script', ['-qec', `node ${NVISEL} -n 2`, '/dev/null'], { env, encoding: 'utf8' });
    if (run.error) return; // no script(1) here
    expect(run.stdout.replace(/\r/g, '')).toBe('3,2\n');
  });
});
