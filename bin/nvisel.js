#!/usr/bin/env node
'use strict';
// The nvisel command: its CommonJS bundle, dist/bin/nvisel.cjs (scripts/bundle.mjs). This folder is
// CommonJS (bin/package.json), so start-up goes through no ES module loader.
require('../dist/bin/nvisel.cjs');
