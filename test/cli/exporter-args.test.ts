// nvitop-exporter's command line through the shared option scanner: argparse's abbreviations and
// value forms, and argparse's rule for which dash tokens end a value (negative numbers do not).
import { describe, expect, it } from 'vitest';

import { parseExporterArguments, type ExporterCliRequest } from '../../src/cli/exporter/args.js';

const parse = (...argv: string[]): ExporterCliRequest => parseExporterArguments(argv, '10.0.0.5');
const options = (...argv: string[]) => {
  const request = parse(...argv);
  if (request.action !== 'run') throw new Error(`expected options, got ${JSON.stringify(request)}`);
  return request.options;
};
const usageError = (...argv: string[]): string => {
  const request = parse(...argv);
  if (request.action !== 'usage-error') throw new Error(`expected a usage error, got ${JSON.stringify(request)}`);
  return request.message;
};

describe('nvitop-exporter arguments', () => {
  it('defaults', () => {
    expect(options()).toEqual({ hostname: '10.0.0.5', bindAddress: '127.0.0.1', port: 8000, interval: 1, clientAuthRequired: false, kubernetes: false });
  });

  it('takes unique-prefix abbreviations of long options, as Python argparse does', () => {
    expect(options('--inter', '2').interval).toBe(2);
    expect(options('--inter=2.5').interval).toBe(2.5);
    expect(options('--po', '9000').port).toBe(9000);
    expect(options('--b', '0.0.0.0').bindAddress).toBe('0.0.0.0'); // --bind-address and --bind: one option
    expect(options('--hostn', 'gpu-7').hostname).toBe('gpu-7');
    expect(options('--ho', 'gpu-8').hostname).toBe('gpu-8'); // --hostname and --host: one option
    expect(options('--cert', 'c.pem', '--key', 'k.pem', '--client-caf', 'ca.pem', '--client-au')).toMatchObject({
      certfile: 'c.pem',
      keyfile: 'k.pem',
      clientCafile: 'ca.pem',
      clientAuthRequired: true,
    });
  });

  it('names every match of an ambiguous abbreviation', () => {
    expect(usageError('--c', 'x')).toBe('ambiguous option: --c could match --certfile, --client-cafile, --client-capath, --client-auth-required');
    expect(usageError('--client-c', 'x')).toBe('ambiguous option: --client-c could match --client-cafile, --client-capath');
  });

  it('short options take -p 8000, -p8000 and -p=8000; the last occurrence wins', () => {
    expect(options('-p', '8001').port).toBe(8001);
    expect(options('-p8002').port).toBe(8002);
    expect(options('-p=8003').port).toBe(8003);
    expect(options('-p', '1', '--port', '2', '-p3').port).toBe(3);
    expect(options('-H', 'a', '-B', '::1').hostname).toBe('a');
  });

  it('a negative number is a value (no option looks like one); another dash token is not', () => {
    expect(usageError('-p', '-5')).toBe('argument --port/-p: port must be 0-65535, got -5');
    expect(usageError('--interval', '-.5')).toBe("argument --interval: invalid positive float value: '-.5'");
    expect(usageError('--port', '-x')).toBe('argument --port/-p: expected one argument');
    expect(usageError('--port', '--inter', '2')).toBe('argument --port/-p: expected one argument');
    expect(options('--hostname', '-my host').hostname).toBe('-my host'); // a token with a space is a value
  });

  it('--help and --version win over what follows them, not over what comes before', () => {
    expect(parse('-h', '--port')).toEqual({ action: 'help' });
    expect(parse('--he', '--bogus')).toEqual({ action: 'help' });
    expect(parse('--port', '80', '-V', '--port')).toEqual({ action: 'version' });
    expect(usageError('--port', '-h')).toBe('argument --port/-p: expected one argument');
  });

  it('unknown options, positionals and tokens after -- are unrecognized arguments', () => {
    expect(usageError('--bogus')).toBe('unrecognized arguments: --bogus');
    expect(usageError('extra', '-x')).toBe('unrecognized arguments: extra -x');
    expect(usageError('--', 'x')).toBe('unrecognized arguments: x');
    expect(options('--').port).toBe(8000);
    expect(usageError('--client-auth-required=yes')).toBe("argument --client-auth-required: ignored explicit argument 'yes'");
  });

  it('checks values as before: ports, intervals, the 1/4 s floor', () => {
    expect(usageError('--port', 'abc')).toBe("argument --port/-p: invalid int value: 'abc'");
    expect(usageError('--inter', '0.1')).toBe('the interval 0.1s is too short, which may cause performance issues. Expected 1/4 or higher.');
    expect(usageError('--interval', '0')).toBe("argument --interval: invalid positive float value: '0'");
  });
});

describe('nvitop-exporter --kubernetes', () => {
  it('turns the workload labels on, --kubelet-socket names the socket, and --po still means --port', () => {
    const request = parseExporterArguments(['--kubernetes', '--kubelet-socket', '/run/k.sock', '--po', '9400'], '10.0.0.5');
    expect(request).toEqual({
      action: 'run',
      options: { hostname: '10.0.0.5', bindAddress: '127.0.0.1', port: 9400, interval: 1, clientAuthRequired: false, kubernetes: true, podResourcesSocket: '/run/k.sock' },
    });
    expect(parseExporterArguments(['--kubernetes=yes'], 'h')).toMatchObject({ action: 'usage-error' });
  });
});
