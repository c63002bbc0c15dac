/**
 * Entry point of the `nvisel` command (bin/nvisel.js imports this file).
 *
 * @module
 */
import { runNvisel } from './nvisel/main.js';
import { unexpectedErrorText } from './unexpected-error.js';

try {
  process.exitCode = await runNvisel(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`nvisel: ${unexpectedErrorText(error)}\n`);
  process.exitCode = 1;
}
