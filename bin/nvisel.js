#!/usr/bin/env node
import '../dist/bin/nvisel.js';
