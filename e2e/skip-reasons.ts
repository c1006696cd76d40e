// A reporter that says why tests were skipped (the list reporter only marks them): at the end of the run, one line
// per reason with the tests it skipped, e.g. the `electron` project on a machine without an Electron binary.
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasons implements Reporter {
  private readonly skipped = new Map<string, string[]>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const annotations = [...test.annotations, ...(result.annotations ?? [])].filter((a) => a.type === 'skip' || a.type === 'fixme');
    const reason = annotations.map((a) => a.description).find((d) => d) ?? 'no reason given';
    const project = test.parent.project()?.name ?? '';
    const key = `${project ? `[${project}] ` : ''}${reason}`;
    const list = this.skipped.get(key) ?? [];
    list.push(test.titlePath().slice(2).join(' › '));
    this.skipped.set(key, list);
  }

  onEnd(_result: FullResult): void {
    for (const [reason, tests] of this.skipped) {
      const files = [...new Set(tests.map((t) => t.split(' › ')[0]))];
      console.log(`\n  ${tests.length} skipped ${reason}`);
      console.log(`    (${files.join(', ')})`);
    }
  }

  printsToStdio(): boolean {
    return true;
  }
}
