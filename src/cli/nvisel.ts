/**
 * Entry point of the `nvisel` command (bin/nvisel.js imports this file).
 *
 * @module
 */
import { runNvisel } from './nvisel/main.js';

process.exitCode = await runNvisel(process.argv.slice(2));
