#!/usr/bin/env node
import '../dist/cli/nvitop-exporter.js';
