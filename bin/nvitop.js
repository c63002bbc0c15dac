#!/usr/bin/env node
import '../dist/bin/nvitop.js';
