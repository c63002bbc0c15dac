#!/usr/bin/env node
import '../dist/cli/nvisel.js';
