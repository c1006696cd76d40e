// The repository's root holds the tools' configuration and nothing else to run: scripts live under scripts/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('the repository root', () => {
  it('has no scripts but the tools’ configuration files', () => {
    const scripts = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(m|c)?(t|j)s$/.test(entry.name))
      .map((entry) => entry.name)
      .filter((name) => !/^[\w-]+(\.[\w-]+)?\.config\.(m|c)?(t|j)s$/.test(name));
    expect(scripts, 'move scripts under scripts/ (or delete scratch files)').toEqual([]);
  });
});
