#!/usr/bin/env node
// The compiled CLI (dist/, built by `npm run build`, and by `npm ci` through the `prepare` script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
