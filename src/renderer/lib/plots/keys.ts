// What a key pressed on a focused Pareto plot does: move the selection along the front (← → ↑ ↓, Home, End), clear
// it (Escape) or reset the zoom (0). Other keys are the page's.
import { frontNeighbour, type PlotData } from './model';

export type PlotKeyAction = { kind: 'select'; row: number | null } | { kind: 'clear' } | { kind: 'reset' };

/** The action of `key` with the row `selectedRow` selected (null: none), or null for a key the plot leaves alone. */
export function plotKeyAction(key: string, data: PlotData, selectedRow: number | null): PlotKeyAction | null {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return { kind: 'select', row: frontNeighbour(data, selectedRow, 1) };
    case 'ArrowLeft':
    case 'ArrowDown':
      return { kind: 'select', row: frontNeighbour(data, selectedRow, -1) };
    case 'Home':
      return { kind: 'select', row: data.front.length ? data.front[0] : null };
    case 'End':
      return { kind: 'select', row: data.front.length ? data.front[data.front.length - 1] : null };
    case 'Escape':
      return { kind: 'clear' };
    case '0':
      return { kind: 'reset' };
    default:
      return null;
  }
}
