// A one-line progress bar on stderr, drawn only when stderr is a terminal.
import type { PhaseProgress } from '../services/sweepAccuracy';
import type { Io } from './io';

export function progressBar(io: Io): { update: (p: PhaseProgress) => void; done: () => void } {
  if (!io.isTTY) return { update: () => undefined, done: () => undefined };
  let drawn = false;
  return {
    update: (p) => {
      const width = 30;
      const fraction = p.total > 0 ? p.done / p.total : 1;
      const filled = Math.round(fraction * width);
      const eta = p.etaS === null ? '—' : `${p.etaS.toFixed(1)} s`;
      process.stderr.write(
        `\r${p.phase ? `${p.phase} ` : ''}[${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} ` +
          `${Math.round(p.rate).toLocaleString('en-US')}/s ETA ${eta}   `,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
