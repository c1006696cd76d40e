// The native gate (src/main/engine/nativeGate.ts): a call in flight is counted while it runs, and once the owner has
// cancelled no new call starts (EvaluationCancelled), while a release still goes through.
import { describe, expect, it } from 'vitest';
import { EvaluationCancelled } from '../../src/main/engine/evaluationCancelled';
import { gateBusy, gateCancel, GATE_BYTES, shareNativeGate, throughNativeGate } from '../../src/main/engine/nativeGate';

describe('the native gate', () => {
  it('counts the calls in flight, refuses new ones after a cancel, and still lets a release through', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(GATE_BYTES));
    shareNativeGate(shared.buffer as SharedArrayBuffer);
    let finish: () => void = () => undefined;
    const inFlight = throughNativeGate(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    expect(gateBusy(shared)).toBe(true);
    gateCancel(shared);
    // The call already running is left to finish: the owner waits for it before ending the thread.
    expect(gateBusy(shared)).toBe(true);
    finish();
    await expect(inFlight).resolves.toBe('done');
    expect(gateBusy(shared)).toBe(false);

    let started = false;
    await expect(throughNativeGate(async () => (started = true))).rejects.toBeInstanceOf(EvaluationCancelled);
    expect(started).toBe(false);
    expect(gateBusy(shared)).toBe(false);
    await expect(throughNativeGate(async () => 'released', true)).resolves.toBe('released');
    shareNativeGate(new SharedArrayBuffer(GATE_BYTES));
  });
});
