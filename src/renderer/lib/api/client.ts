// Picks the transport at start-up: the Electron preload's bridge when present, else the web host. Nothing else in
// the UI knows which one it is on.
import type { FrontierBridge } from '../../../shared/api';
import { webBridge } from './web';

export type MenuListener = (action: string, detail?: { file?: { name: string; base64: string } }) => void;

interface ElectronBridge extends FrontierBridge {
  onMenu(listener: MenuListener): () => void;
}

declare global {
  interface Window {
    frontier?: ElectronBridge;
  }
}

export const transport: 'electron' | 'web' = window.frontier ? 'electron' : 'web';

export const api: FrontierBridge = window.frontier ?? webBridge(window.location);

/** Native menu actions (Electron only; the web host has none). */
export const onMenu = (listener: MenuListener): (() => void) => window.frontier?.onMenu(listener) ?? (() => undefined);
