// The Sweep view's "measured on data": the Data panel's data as the sweep spec names it (paths as they are, uploads
// as stored files), the spec the services accept, and a measured session not shown stale for its fitted model.
import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from '../../src/shared/sweep/specFile';
import { sweepDataOf } from '../../src/renderer/lib/sweepData';
import { sameSpec } from '../../src/renderer/lib/specs';
import type { SweepSpec } from '../../src/shared/sweep/types';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
/** A sweep as the Sweep view sends it with "measured on data" (sweepSpecOf with measured inputs). */
const measuredSpec = (data: SweepSpec['data']): SweepSpec => ({
  model: 'cnn',
  devices: ['exam-mcu'],
  channels: {},
  prune: { conv1: ['0', '0.5'] },
  precisions: ['fp32'],
  memoryModel: 'layer-io',
  biasMode: 'weight',
  headroom: 0,
  accuracy: null,
  clients: [],
  strategy: 'grid',
  data,
  verify: 3,
  metric: 'macroF1',
});

describe('the sweep names the Data panel data', () => {
  it('keeps paths, and names uploads by their hash with their name standing for the path', () => {
    expect(sweepDataOf({ data: { path: '/d/x.npy' }, labels: { path: '/d/y.npy' } })).toEqual({ path: '/d/x.npy', labels: '/d/y.npy' });
    expect(sweepDataOf({ data: { hash: H1, name: 'x.npy' }, labels: { hash: H2, name: 'y.npy' }, dataKeys: [] })).toEqual({
      path: 'x.npy',
      labels: 'y.npy',
      stored: { data: { hash: H1, name: 'x.npy' }, labels: { hash: H2, name: 'y.npy' } },
    });
    // Uploaded samples with labels by path: only the samples are stored.
    expect(sweepDataOf({ data: { hash: H1, name: 'x.npz' }, labels: { path: '/d/y.npy' }, dataKeys: ['x', 'y'] })).toEqual({
      path: 'x.npz',
      labels: '/d/y.npy',
      dataKeys: ['x', 'y'],
      stored: { data: { hash: H1, name: 'x.npz' } },
    });
  });

  it('the services accept the spec a measured sweep sends', () => {
    const spec = measuredSpec(sweepDataOf({ data: { hash: H1, name: 'x.npy' } }));
    const parsed = parseSweepSpec(JSON.parse(JSON.stringify(spec)), 'app');
    expect(parsed.data).toEqual({ path: 'x.npy', stored: { data: { hash: H1, name: 'x.npy' } } });
    expect(parsed.verify).toBe(3);
    expect(parsed.metric).toBe('macroF1');
    // Stored labels only (samples by path) are accepted too; a stored form naming neither is refused.
    expect(parseSweepSpec(measuredSpec(sweepDataOf({ data: { path: '/d/x.npy' }, labels: { hash: H2, name: 'y.npy' } })), 'app').data?.stored).toEqual({ labels: { hash: H2, name: 'y.npy' } });
    expect(() => parseSweepSpec(measuredSpec({ path: 'x.npy', stored: {} }), 'app')).toThrow(/data\.stored/);
  });

  it('a measured session is not stale for the accuracy model it fitted', () => {
    const spec = measuredSpec(sweepDataOf({ data: { path: '/d/x.npy' } }));
    const stored = { ...spec, accuracy: { kind: 'measured', metric: 'accuracy', base: { fp32: 0.9 }, reference: 'fp32', layers: [], form: 'additive', coefficients: [], band: null } } as never;
    expect(sameSpec(stored, spec)).toBe(true);
    expect(sameSpec(stored, { ...spec, verify: 5 })).toBe(false);
    const { data: _data, verify: _verify, metric: _metric, ...typed } = spec;
    expect(sameSpec({ ...typed, accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.9, penalties: {} } }, spec)).toBe(false);
  });
});
