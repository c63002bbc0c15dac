#!/usr/bin/env node
'use strict';
// The nvisel command: runs its CommonJS bundle, dist/bin/nvisel.cjs, with a compile cache (see
// src/cli/bin-loader.cts). This folder is CommonJS (bin/package.json): no ES module loader at start-up.
const { runBundle } = require('../dist/bin/load.cjs');

runBundle('nvisel');
