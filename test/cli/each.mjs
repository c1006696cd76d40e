#!/usr/bin/env node
// Runs several `frontier` commands one after another in one child process (one start-up for all), for tests whose
// failure would be a wait without end (a FIFO opened for reading or writing): the parent bounds the child's time.
// Argument: a JSON list of argument lists. Prints a JSON list of { code, stdout, stderr }, one per command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../src/main/cli/main.ts');
const results = [];
for (const args of JSON.parse(process.argv[2])) {
  const out = [];
  const err = [];
  const code = await main(args, { out: (text) => out.push(text + '\n'), err: (text) => err.push(text + '\n'), isTTY: false });
  results.push({ code, stdout: out.join(''), stderr: err.join('') });
}
process.stdout.write(JSON.stringify(results));
