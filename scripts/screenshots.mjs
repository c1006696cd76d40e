#!/usr/bin/env node
// `npm run screenshots`: refreshes the README's screenshots (docs/screenshots/*.png) from the worked example as the
// end-to-end test drives it in Chromium. `npm test` writes its screenshots to test-results/ instead, so a test run
// leaves the work tree as it was.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const bin = (pkg, file) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

function run(what, args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`${what} failed; the screenshots were not refreshed.`);
    process.exit(result.status ?? 1);
  }
}

run('The build', [bin('electron-vite', 'bin/electron-vite.js'), 'build']);
run('The worked example', [bin('playwright', 'cli.js'), 'test', 'e2e/exam.spec.ts', '--project=web'], {
  ...process.env,
  FRONTIER_SCREENSHOTS: join('docs', 'screenshots'),
});
console.log('Screenshots refreshed in docs/screenshots/.');
