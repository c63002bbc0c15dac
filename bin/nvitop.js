#!/usr/bin/env node
'use strict';
// The nvitop command: its CommonJS bundle, dist/bin/nvitop.cjs (scripts/bundle.mjs). This folder is
// CommonJS (bin/package.json), so start-up goes through no ES module loader.
require('../dist/bin/nvitop.cjs');
