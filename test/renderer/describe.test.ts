// Words of the session lists: Recent's detail after a name, a free name for an imported copy.
import { describe, expect, it } from 'vitest';
import { freeSessionName, recentDetail } from '../../src/renderer/lib/describe';

describe('session words', () => {
  it('Recent says a running sweep is running, not "(0)", and never adds a second parenthesis', () => {
    expect(recentDetail({ status: 'running', configs: 0, total: 120 })).toBe('running, 0 of 120');
    expect(recentDetail({ status: 'complete', configs: 12, total: 12 })).toBe('12 configs');
    expect(recentDetail({ status: 'complete', configs: 1, total: 1 })).toBe('1 config');
  });
  it('a copy of "vww-rt-2 (2)" is "vww-rt-2 (3)"', () => {
    expect(freeSessionName('vww-rt-2 (2)', new Set(['vww-rt-2', 'vww-rt-2 (2)']))).toBe('vww-rt-2 (3)');
    expect(freeSessionName('exam', new Set(['exam']))).toBe('exam (2)');
  });
});
