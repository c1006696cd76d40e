// The component rendered on the server (there is no DOM here): its markup, test ids and attributes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Component } from 'svelte';
import { compile } from 'svelte/compiler';
import { render } from 'svelte/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTable } from './fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const plots = resolve(here, '../../src/renderer/lib/plots');
const require = createRequire(import.meta.url);
let dir = '';
let ParetoPlot: Component<Record<string, unknown>>;

/** Compiles a component for the server into a temporary module whose imports point back at the sources (a
 * component it imports is compiled the same way). */
function compileForServer(path: string): string {
  const name = basename(path, '.svelte');
  const { js, warnings } = compile(readFileSync(path, 'utf8'), { generate: 'server', filename: basename(path) });
  expect(warnings.map((w) => w.code)).toEqual([]);
  const code = js.code.replace(/from '([^']+)'/g, (_, spec: string) => {
    if (spec.startsWith('.')) {
      const base = resolve(dirname(path), spec);
      const file = spec.endsWith('.svelte') ? compileForServer(base) : existsSync(`${base}.ts`) ? `${base}.ts` : base;
      return `from '${pathToFileURL(file).href}'`;
    }
    return `from '${pathToFileURL(require.resolve(spec)).href}'`;
  });
  const file = join(dir, `${name}.js`);
  writeFileSync(file, code);
  return file;
}

/** Compiles ParetoPlot.svelte (and the components it uses) for the server. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pareto-ssr-'));
  const file = compileForServer(join(plots, 'ParetoPlot.svelte'));
  ParetoPlot = (await import(/* @vite-ignore */ pathToFileURL(file).href)).default;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const K = 1024;

describe('ParetoPlot (client build)', () => {
  it('compiles for the browser without warnings', () => {
    const source = readFileSync(join(plots, 'ParetoPlot.svelte'), 'utf8');
    const { js, warnings } = compile(source, { generate: 'client', filename: 'ParetoPlot.svelte' });
    expect(warnings.map((w) => w.code)).toEqual([]);
    // The public methods a parent reaches through bind:this.
    for (const name of ['toSVG', 'toPNG', 'resetZoom']) expect(js.code).toContain(name);
  });
});

describe('ParetoPlot (server render)', () => {
  it('renders the latency plot with its test ids', () => {
    const { body } = render(ParetoPlot, {
      props: {
        table: tinyTable(),
        x: 'latency',
        deadlines: [
          { name: 'client1', seconds: 0.2 },
          { name: 'client2', seconds: 0.5 },
        ],
        limits: [],
        hovered: null,
        selected: 11,
        title: 'accuracy vs latency',
      },
    });
    expect(body).toContain('data-testid="pareto-plot-latency"');
    expect(body).toContain('data-points="6"');
    expect(body).toContain('data-front="4"');
    expect(body).toContain('data-testid="deadline-client1"');
    expect(body).toContain('data-testid="deadline-client2"');
    expect(body).toContain('data-testid="front"');
    expect(body).toContain('data-testid="selected-ring"');
    expect(body).not.toContain('data-testid="hover-ring"');
    expect(body).toContain('latency (ms)');
    expect(body).toContain('accuracy vs latency');
    expect(body).not.toContain('re-run to update');
    expect(body).toContain('tabindex="0"');
  });

  it('renders the memory plot with the SRAM limit, dimmed when stale', () => {
    const { body } = render(ParetoPlot, {
      props: { table: tinyTable(), x: 'memory', deadlines: [], limits: [{ label: 'SRAM', bytes: 520 * K }], hovered: 12, selected: null, title: 'accuracy vs memory', stale: true },
    });
    expect(body).toContain('data-testid="pareto-plot-memory"');
    expect(body).toContain('data-testid="limit-sram"');
    expect(body).toContain('SRAM 520 KiB');
    expect(body).toContain('does not fit');
    expect(body).toContain('data-testid="hover-ring"');
    expect(body).toContain('re-run to update');
    expect(body).toMatch(/class="pareto-plot[^"]*stale/);
  });

  it('renders an empty plot without a table', () => {
    const { body } = render(ParetoPlot, { props: { table: null, x: 'latency', deadlines: [], limits: [], hovered: null, selected: null } });
    expect(body).toContain('data-points="0"');
    expect(body).toContain('no results yet');
  });
});
