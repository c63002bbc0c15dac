#!/usr/bin/env node
'use strict';
// The nvitop-exporter command: its CommonJS bundle, dist/bin/nvitop-exporter.cjs (scripts/bundle.mjs). This folder is
// CommonJS (bin/package.json), so start-up goes through no ES module loader.
require('../dist/bin/nvitop-exporter.cjs');
