// The native menu, as a template built from data (electron is imported for types only, so the template is testable
// in Node; src/main/index.ts turns it into a Menu). Items that concern the page send an action to the renderer on
// the `frontier:menu` channel; the preload exposes it as `window.frontier.onMenu(listener)`.
import type { MenuItemConstructorOptions } from 'electron';
import type { SessionListEntry } from '../../shared/api';

export const VIEWS = ['model', 'device', 'sweep', 'results', 'sessions'] as const;
export type View = (typeof VIEWS)[number];

/**
 * Every action the menu sends:
 * - `open-model` with detail `{ file: { name, base64 } }`: the main process has shown the Open dialog and read the
 *   file; the renderer passes `detail.file` to `model.load`.
 * - `open-session`: show the sessions picker.
 * - `session:<name>` (File ▸ Recent Sessions): open that session.
 * - `export`: open the export dialog for the current session.
 * - `view:<view>`: show that step of the workflow.
 * - `help:conventions`: show the conventions help (MACs vs FLOPs, KiB, peak activation definitions…).
 */
export type MenuAction =
  | 'open-model'
  | 'open-session'
  | `session:${string}`
  | 'export'
  | `view:${View}`
  | 'help:conventions';

/** The fixed actions (plus `session:<name>` for each recent session). */
export const MENU_ACTIONS: readonly MenuAction[] = [
  'open-model',
  'open-session',
  'export',
  ...VIEWS.map((v): MenuAction => `view:${v}`),
  'help:conventions',
];

export interface MenuDetail {
  file?: { name: string; base64: string };
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Unpackaged (development) run: adds Toggle Developer Tools. */
  isDev: boolean;
  appName: string;
  recent: readonly SessionListEntry[];
  send: (action: MenuAction, detail?: MenuDetail) => void;
  /** Shows the Open dialog for a model file (main process). */
  openModel: () => void;
  /** Shows the About box (main process). */
  about: () => void;
}

export const RECENT_LIMIT = 10;

/** On Windows and Linux `&` in a label marks the access key; a literal one is written `&&`. */
export const menuLabel = (text: string): string => text.replace(/&/g, '&&');

/** The most recent sessions first (by creation time, as the store writes ISO timestamps), at most RECENT_LIMIT. */
export function recentSessions(sessions: readonly SessionListEntry[], limit = RECENT_LIMIT): SessionListEntry[] {
  return [...sessions].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0)).slice(0, limit);
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { send } = options;
  const mac = options.platform === 'darwin';
  const recent = recentSessions(options.recent);
  const viewLabels: Record<View, string> = {
    model: 'Model',
    device: 'Device',
    sweep: 'Sweep',
    results: 'Results',
    sessions: 'Sessions',
  };

  const recentMenu: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No sessions yet', enabled: false }]
      : recent.map((s) => ({
          label: menuLabel(`${s.name} (${s.configs})`),
          click: () => send(`session:${s.name}`),
        }));

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: () => options.openModel() },
      { label: 'Open Session…', accelerator: 'CmdOrCtrl+Shift+O', click: () => send('open-session') },
      { label: 'Recent Sessions', submenu: recentMenu },
      { type: 'separator' },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send('export') },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...VIEWS.map(
        (v, i): MenuItemConstructorOptions => ({
          label: viewLabels[v],
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: () => send(`view:${v}`),
        }),
      ),
      { type: 'separator' },
      { role: 'reload' },
      ...(options.isDev ? ([{ role: 'forceReload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { label: 'Conventions', accelerator: 'F1', click: () => send('help:conventions') },
      { type: 'separator' },
      { label: `About ${options.appName}`, click: () => options.about() },
    ],
  };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) template.push({ role: 'appMenu', label: options.appName });
  template.push(file, { role: 'editMenu' }, view);
  if (mac) template.push({ role: 'windowMenu' });
  template.push(help);
  return template;
}
