// One deadline reads one way everywhere: the risk sentence uses the app's duration format (as cards, plots and the
// tooltip's band do), not a form of its own.
import { describe, expect, it } from 'vitest';
import { duration } from '../../src/shared/format';
import { deadlineRisk } from '../../src/shared/latency/model';

describe('deadlineRisk words', () => {
  it('reads the deadline and the band as duration() does', () => {
    const text = deadlineRisk({ latencyS: 0.0305, latencyBand: { low: 0.028, high: 0.0331, basis: 'x' } }, 0.031);
    expect(text).toBe(
      `predicted ${duration(0.0305)} meets the ${duration(0.031)} deadline, but its band (${duration(0.028)}–${duration(0.0331)}, 80 %) crosses it: measure before relying on it`,
    );
    expect(text).toContain('the 31.0 ms deadline');
    expect(text).toContain('(28.0 ms–33.1 ms, 80 %)');
  });
});
