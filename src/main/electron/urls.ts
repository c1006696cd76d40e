// Which URLs are the app's own page: the built renderer's index.html (file://) or, in development, the renderer dev
// server's origin. IPC requests, navigation and permissions are allowed only from/to these. No electron import.
import { normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppLocation {
  /** Absolute path of out/renderer/index.html. */
  rendererIndex: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), only when running unpackaged in development. */
  devServerUrl?: string;
  platform?: NodeJS.Platform;
}

const parse = (url: string): URL | null => {
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

/** A predicate telling whether a URL is the app's own page (query and fragment do not matter). */
export function appUrlMatcher(location: AppLocation): (url: string) => boolean {
  const platform = location.platform ?? process.platform;
  const fold = (p: string): string => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  const index = fold(normalize(location.rendererIndex));
  const dev = location.devServerUrl ? parse(location.devServerUrl) : null;
  const devOrigin = dev && (dev.protocol === 'http:' || dev.protocol === 'https:') ? dev.origin : null;

  return (url: string): boolean => {
    const u = parse(url);
    if (!u) return false;
    if (u.protocol === 'file:') {
      if (u.host !== '' && u.host !== 'localhost') return false;
      u.search = '';
      u.hash = '';
      let path: string;
      try {
        path = fileURLToPath(u);
      } catch {
        return false;
      }
      return fold(normalize(path)) === index;
    }
    return devOrigin !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === devOrigin;
  };
}

/** The URL to hand to the system browser, or null: only plain web links leave the app, never file: or custom schemes. */
export function externalUrl(url: string): string | null {
  const u = parse(url);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password) return null;
  return u.href;
}
