#!/usr/bin/env node
'use strict';
// The nvitop-exporter command: runs its CommonJS bundle, dist/bin/nvitop-exporter.cjs, with a compile cache (see
// src/cli/bin-loader.cts). This folder is CommonJS (bin/package.json): no ES module loader at start-up.
const { runBundle } = require('../dist/bin/load.cjs');

runBundle('nvitop-exporter');
