#!/usr/bin/env node
import '../dist/cli/nvitop.js';
