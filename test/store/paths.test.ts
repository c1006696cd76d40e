import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/main/store/errors';
import { defaultDbPath, platformDbPath, resolveDbPath } from '../../src/main/store/paths';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-paths-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('platformDbPath', () => {
  it('Linux: $XDG_DATA_HOME/frontier, else ~/.local/share/frontier', () => {
    expect(platformDbPath({ platform: 'linux', home: '/home/ada', env: { XDG_DATA_HOME: '/data' } })).toBe(
      '/data/frontier/frontier.db',
    );
    expect(platformDbPath({ platform: 'linux', home: '/home/ada', env: {} })).toBe(
      '/home/ada/.local/share/frontier/frontier.db',
    );
    // a relative XDG_DATA_HOME is invalid per the spec and ignored
    expect(platformDbPath({ platform: 'linux', home: '/home/ada', env: { XDG_DATA_HOME: 'rel' } })).toBe(
      '/home/ada/.local/share/frontier/frontier.db',
    );
  });
  it('macOS: ~/Library/Application Support/Frontier', () => {
    expect(platformDbPath({ platform: 'darwin', home: '/Users/ada', env: {} })).toBe(
      '/Users/ada/Library/Application Support/Frontier/frontier.db',
    );
  });
  it('Windows: %APPDATA%\\Frontier', () => {
    expect(platformDbPath({ platform: 'win32', home: 'C:\\Users\\ada', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' } })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Frontier\\frontier.db',
    );
  });
});

describe('defaultDbPath / resolveDbPath', () => {
  it('$FRONTIER_DB wins over the platform default, resolved against the working directory', () => {
    expect(defaultDbPath({ platform: 'linux', home: '/h', cwd: '/work', env: { FRONTIER_DB: 'x/s.db' } })).toBe(
      '/work/x/s.db',
    );
    expect(defaultDbPath({ platform: 'linux', home: '/h', env: { FRONTIER_DB: '~/s.db' } })).toBe('/h/s.db');
    expect(defaultDbPath({ platform: 'linux', home: '/h', env: { FRONTIER_DB: '' } })).toBe(
      '/h/.local/share/frontier/frontier.db',
    );
  });

  it('the --db flag wins over $FRONTIER_DB; the directory is created', () => {
    const env = { FRONTIER_DB: join(dir, 'env', 'e.db') };
    const flag = join(dir, 'flag', 'nested', 'f.db');
    expect(resolveDbPath(flag, { env })).toBe(flag);
    expect(statSync(join(dir, 'flag', 'nested')).isDirectory()).toBe(true);
    expect(existsSync(flag)).toBe(false); // the file itself is left to openDatabase
    expect(existsSync(join(dir, 'env'))).toBe(false);
    expect(resolveDbPath(undefined, { env })).toBe(env.FRONTIER_DB);
    expect(existsSync(join(dir, 'env'))).toBe(true);
  });

  it('falls back to the data directory and creates it', () => {
    const path = resolveDbPath(undefined, { platform: 'linux', env: { XDG_DATA_HOME: join(dir, 'xdg') }, home: dir });
    expect(path).toBe(join(dir, 'xdg', 'frontier', 'frontier.db'));
    expect(statSync(join(dir, 'xdg', 'frontier')).isDirectory()).toBe(true);
  });

  it(':memory: passes through; an empty --db is refused', () => {
    expect(resolveDbPath(':memory:')).toBe(':memory:');
    expect(() => resolveDbPath('')).toThrow(StoreError);
  });
});
