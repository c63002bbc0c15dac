// Doc tests: runs a streaming command (`node stream-until-interrupt.mjs BIN ARGS...`) the way a
// user at a terminal does, then presses Ctrl-C. The SIGINT goes DOCTEST_STREAM_SECONDS (default 3)
// after the stream's first output, not after a fixed time from its start: a Ctrl-C that lands
// while Node is still loading the program (seconds, on a loaded machine) would end it with 130,
// which is not what the docs describe. Its stdout is forwarded as it comes; when the reader goes
// away (`| head -3`), the stream's own stdout closes, as it would in the pipeline. The exit status
// is the stream's (128 + signal number when a signal ended it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const [bin, ...args] = process.argv.slice(2);
const afterFirstOutputMs = Number(process.env.DOCTEST_STREAM_SECONDS ?? '3') * 1000;
// A stream that prints nothing (a bug) still gets its Ctrl-C, and the doc test its exit status.
const startUpLimitMs = 60_000;

const child = spawn(process.execPath, [bin, ...args], { stdio: ['inherit', 'pipe', 'inherit'] });
const interrupt = () => child.kill('SIGINT');
let timer = setTimeout(interrupt, startUpLimitMs);
let started = false;

child.stdout.on('data', (chunk) => {
  if (!started) {
    started = true;
    clearTimeout(timer);
    timer = setTimeout(interrupt, afterFirstOutputMs);
  }
  if (!process.stdout.write(chunk)) {
    child.stdout.pause();
    process.stdout.once('drain', () => child.stdout.resume());
  }
});
process.stdout.on('error', () => child.stdout.destroy());
child.on('close', (code, signal) => {
  clearTimeout(timer);
  process.exitCode = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
});
