// The nvitop command line: argparse's forms (abbreviations, attached values, clusters, -ov,
// variadic and optional values), the environment defaults, and the errors.
import { describe, expect, it } from 'vitest';
import { UsageError, helpText, parseNvitopArgs, resolveMonitorMode, thresholdsFromEnv, usage } from '../../src/cli/args.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseNvitopArgs(argv, env);
const fails = (argv: string[], message: RegExp | string, env: NodeJS.ProcessEnv = {}) => {
  expect(() => parse(argv, env)).toThrow(UsageError);
  expect(() => parse(argv, env)).toThrow(message);
};

describe('parseNvitopArgs', () => {
  it('defaults', () => {
    const args = parse([]);
    expect(args).toMatchObject({
      once: false,
      monitor: undefined,
      interval: null,
      ascii: false,
      only: null,
      user: null,
      pid: null,
      json: false,
      gpuUtilThresholds: [10, 75],
      memUtilThresholds: [10, 80],
    });
  });

  it('flags and their aliases', () => {
    expect(parse(['-1']).once).toBe(true);
    expect(parse(['--once']).once).toBe(true);
    for (const alias of ['--ascii', '--no-unicode', '-U']) expect(parse([alias]).ascii).toBe(true);
    expect(parse(['-c', '-C', '-g', '-G'])).toMatchObject({ compute: true, onlyCompute: true, graphics: true, onlyGraphics: true });
    expect(parse(['--force-color', '--colorful', '--light', '--readonly', '--json'])).toMatchObject({
      forceColor: true,
      colorful: true,
      light: true,
      readonly: true,
      json: true,
    });
  });

  it('-ov is its own option, not -o with value v', () => {
    expect(parse(['-ov'])).toMatchObject({ onlyVisible: true, only: null });
    expect(parse(['--only-visible']).onlyVisible).toBe(true);
  });

  it('variadic -o / -p stop at the next option, and -1 after them is --once', () => {
    expect(parse(['-o', '0', '1', '3', '-1'])).toMatchObject({ only: [0, 1, 3], once: true });
    expect(parse(['-p', '12', '34', '-c'])).toMatchObject({ pid: [12, 34], compute: true });
    expect(parse(['--only=2']).only).toEqual([2]);
    expect(parse(['-o2']).only).toEqual([2]);
    fails(['-o'], 'argument --only/-o: expected at least one argument');
    fails(['-o', '-1'], 'argument --only/-o: expected at least one argument');
    fails(['-o', 'x'], "argument --only/-o: invalid int value: 'x'");
    fails(['-p', '12', 'abc'], "argument --pid/-p: invalid int value: 'abc'");
  });

  it('-u takes zero or more users ([] = the current user)', () => {
    expect(parse(['-u']).user).toEqual([]);
    expect(parse(['-u', 'alice', 'bob', '-1'])).toMatchObject({ user: ['alice', 'bob'], once: true });
    expect(parse(['--user=carol']).user).toEqual(['carol']);
    expect(parse(['-ucarol']).user).toEqual(['carol']);
  });

  it('-m takes an optional mode', () => {
    expect(parse(['-m']).monitor).toBeNull();
    expect(parse(['-m', 'full']).monitor).toBe('full');
    expect(parse(['--monitor=compact']).monitor).toBe('compact');
    expect(parse(['-m', '-1'])).toMatchObject({ monitor: null, once: true });
    fails(['-m', 'huge'], "argument --monitor/-m: invalid choice: 'huge' (choose from 'auto', 'full', 'compact')");
  });

  it('clusters of one-letter flags, and unique prefixes of long options', () => {
    expect(parse(['-1cU'])).toMatchObject({ once: true, compute: true, ascii: true });
    expect(parse(['-1o', '3'])).toMatchObject({ once: true, only: [3] });
    expect(parse(['--onc', '--comp'])).toMatchObject({ once: true, compute: true });
    fails(['--on'], /ambiguous option: --on could match --once, --only/);
  });

  it('thresholds: two integers in 1..99, increasing', () => {
    expect(parse(['--gpu-util-thresh', '20', '60']).gpuUtilThresholds).toEqual([20, 60]);
    expect(parse(['--mem-util-thresh', '1', '99']).memUtilThresholds).toEqual([1, 99]);
    fails(['--gpu-util-thresh', '20'], 'argument --gpu-util-thresh: expected 2 arguments');
    fails(['--gpu-util-thresh', '0', '50'], 'argument --gpu-util-thresh: invalid choice: 0 (choose from 1 to 99)');
    fails(['--mem-util-thresh', '50', '100'], 'invalid choice: 100');
    fails(['--gpu-util-thresh', '75', '10'], 'argument --gpu-util-thresh: expected th1 < th2, got 75 10');
    fails(['--gpu-util-thresh', '50', '50'], 'expected th1 < th2');
    fails(['--gpu-util-thresh', 'a', '50'], "invalid int value: 'a'");
  });

  it('thresholds from the environment when the flags are absent (invalid values ignored)', () => {
    expect(parse([], { NVITOP_GPU_UTILIZATION_THRESHOLDS: '20,60' }).gpuUtilThresholds).toEqual([20, 60]);
    expect(parse([], { NVITOP_MEMORY_UTILIZATION_THRESHOLDS: '90,5' }).memUtilThresholds).toEqual([5, 90]);
    expect(parse([], { NVITOP_GPU_UTILIZATION_THRESHOLDS: '0,60' }).gpuUtilThresholds).toEqual([10, 75]);
    expect(parse(['--gpu-util-thresh', '30', '40'], { NVITOP_GPU_UTILIZATION_THRESHOLDS: '20,60' }).gpuUtilThresholds).toEqual([30, 40]);
    expect(thresholdsFromEnv('x,3')).toBeNull();
    expect(thresholdsFromEnv(' 7 , 8 ,9')).toEqual([7, 8]);
  });

  it('--interval: a positive number of seconds, at least 0.25', () => {
    expect(parse(['--interval', '0.5']).interval).toBe(0.5);
    expect(parse(['--interval=2']).interval).toBe(2);
    fails(['--interval', '0.1'], 'the interval 0.1s is too short, which may cause performance issues. Expected 1/4 or higher.');
    fails(['--interval', '0'], "argument --interval: invalid positive float value: '0'");
    fails(['--interval', 'fast'], "invalid positive float value: 'fast'");
    fails(['--interval'], 'argument --interval: expected one argument');
  });

  it('NVITOP_MONITOR_MODE tokens: colorful unless plain, light unless dark, readonly, the mode', () => {
    expect(parse([], { NVITOP_MONITOR_MODE: 'Full, Colorful , light,readonly' })).toMatchObject({ colorful: true, light: true, readonly: true });
    expect(parse([], { NVITOP_MONITOR_MODE: 'colorful,plain,light,dark' })).toMatchObject({ colorful: false, light: false });
    expect(resolveMonitorMode(null, { NVITOP_MONITOR_MODE: 'full,light' })).toBe('full');
    expect(resolveMonitorMode(null, { NVITOP_MONITOR_MODE: 'full,compact' })).toBe('auto');
    expect(resolveMonitorMode(undefined, {})).toBe('auto');
    expect(resolveMonitorMode('compact', { NVITOP_MONITOR_MODE: 'full' })).toBe('compact');
  });

  it('rejects unknown options and stray arguments, but --help wins', () => {
    fails(['--bogus'], 'unrecognized arguments: --bogus');
    fails(['-1', 'extra', '-x'], 'unrecognized arguments: extra -x');
    fails(['-5'], 'unrecognized arguments: -5');
    fails(['--once=yes'], "argument --once/-1: ignored explicit argument 'yes'");
    expect(parse(['--bogus', '-h']).help).toBe(true);
    expect(parse(['-V']).version).toBe(true);
  });

  it('usage and help name every option', () => {
    expect(usage().split('\n')[0]).toBe('usage: nvitop [--help] [--version] [--once | --monitor [{auto,full,compact}]]');
    for (const option of ['--only-visible', '--gpu-util-thresh', '--user [USERNAME ...]', '--pid PID [PID ...]', '--json', 'NVITOP_MONITOR_MODE', 'NO_COLOR']) {
      expect(helpText()).toContain(option);
    }
  });
});
