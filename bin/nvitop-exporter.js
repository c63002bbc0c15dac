#!/usr/bin/env node
import '../dist/bin/nvitop-exporter.js';
