// The documentation's links work in a clone: every relative link in README.md and docs/ names a file of the
// repository (nothing outside it), and the worked example lives in docs/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function links(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^(https?:|mailto:|#|data:)/.test(href));
}

describe('documentation links', () => {
  it.each(documents)('%s links only to files in the repository', (doc) => {
    for (const href of links(readFileSync(join(root, doc), 'utf8'))) {
      const target = resolve(dirname(join(root, doc)), href.split('#')[0]);
      expect(relative(root, target).startsWith('..'), `${doc} → ${href} leaves the repository`).toBe(false);
      expect(existsSync(target), `${doc} → ${href}`).toBe(true);
    }
  });

  it('keeps the README a front page: at most 16 KB, the two commands first, every page of docs/ linked', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(16 * 1024);
    const start = readme.split('\n').slice(0, 6).join('\n');
    expect(start).toContain('npm start');
    expect(start).toContain('npm test');
    const linked = new Set(links(readme).map((href) => href.split('#')[0]));
    const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
    expect(pages.filter((page) => !linked.has(`docs/${page}`))).toEqual([]);
  });

  it('keeps the worked example in docs/, linked from the README', () => {
    expect(readFileSync(join(root, 'docs', 'exam-cnn.md'), 'utf8')).toContain('1,348.51 KB');
    expect(links(readFileSync(join(root, 'README.md'), 'utf8'))).toContain('docs/exam-cnn.md');
  });
});
