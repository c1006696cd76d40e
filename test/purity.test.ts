// src/shared must run anywhere: no electron, no node:* or Node built-ins, no better-sqlite3.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', 'src', 'shared');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
const forbidden = new Set(['electron', 'better-sqlite3', ...builtinModules]);
const specifiers = (source: string): string[] =>
  [...source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

export function impurities(source: string): string[] {
  return specifiers(source).filter((s) => s.startsWith('node:') || forbidden.has(s) || forbidden.has(s.split('/')[0]));
}

describe('src/shared is pure', () => {
  it('the check catches what it must', () => {
    expect(impurities("import { readFileSync } from 'node:fs';")).toEqual(['node:fs']);
    expect(impurities("import x from 'fs';\nimport { app } from 'electron';")).toEqual(['fs', 'electron']);
    expect(impurities("const p = require('path');")).toEqual(['path']);
    expect(impurities("import { a } from './model/types';")).toEqual([]);
  });
  it.each(files(root).map((f) => [f.slice(root.length + 1), f]))('%s', (_name, path) => {
    expect(impurities(readFileSync(path, 'utf8'))).toEqual([]);
  });
});
