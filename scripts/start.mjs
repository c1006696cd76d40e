#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run; until then, the CLI's help.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/frontier.mjs', import.meta.url));
const result = spawnSync(process.execPath, [bin, '--help'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
