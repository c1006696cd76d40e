#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step), so `npx frontier` works from a fresh clone.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
