/**
 * Entry point of the `nvisel` command (bin/nvisel.js loads its bundle, dist/bin/nvisel.cjs).
 *
 * @module
 */
import { runNvisel } from './nvisel/main.js';
import { unexpectedErrorText } from './unexpected-error.js';

runNvisel(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`nvisel: ${unexpectedErrorText(error)}\n`);
    process.exitCode = 1;
  },
);
