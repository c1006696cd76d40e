// No two modules under src/ import each other, directly or round a ring: a circle means neither can be understood,
// tested or moved without the other. madge (a maintained dependency checker) reads every TypeScript and
// worker-entry file with the project's TypeScript configuration; type-only imports count, since they tie two
// modules' designs together just as much.
import { join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('imports under src/', () => {
  it('form no circle', { timeout: 240_000 }, async () => {
    const graph = await madge(join(root, 'src'), { fileExtensions: ['ts', 'mjs'], tsConfig: join(root, 'tsconfig.json') });
    const circles = graph.circular().map((files) => [...files, files[0]].join(' → '));
    expect(circles, `import circles in src/:\n${circles.join('\n')}`).toEqual([]);
  });
});
