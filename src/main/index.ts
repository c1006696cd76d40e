// The Electron main process: one window running the Svelte renderer, the services of src/main/services behind a
// single IPC channel, a native menu. This file and src/main/electron/* are the only code that imports `electron`;
// the services, the CLI and the web host never load it.
//
// Security posture (https://www.electronjs.org/docs/latest/tutorial/security): context isolation, no Node in the
// renderer, the Chromium sandbox, web security on; a Content-Security-Policy header; navigation and new windows
// refused (web links go to the system browser); permission requests denied; IPC accepted only from the app's own
// page, every input parsed by its schema in src/shared/api.ts before a handler runs.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, screen, session, shell, type WebContents } from 'electron';
import type { EventName, SessionListEntry } from '../shared/api';
import { createServices, errorPayload, type Services } from './services/handlers';
import { resolveDbPath } from './store/paths';
import { CONTENT_SECURITY_POLICY } from './web/security';
import {
  EVENT_CHANNEL,
  INVOKE_CHANNEL,
  MENU_CHANNEL,
  SESSION_CHANGING_METHODS,
  createInvokeHandler,
  forwardEvents,
  senderOf,
} from './electron/ipc';
import { buildMenuTemplate, type MenuAction, type MenuDetail } from './electron/menu';
import { MODEL_FILE_FILTERS, readModelForRenderer } from './electron/modelFile';
import { createSweepWorker } from './electron/sweepWorker';
import { createEvaluationWorker } from './electron/evaluationWorker';
import { appUrlMatcher, externalUrl } from './electron/urls';
import {
  WINDOW_LIMITS,
  WINDOW_STATE_FILE,
  clampWindowState,
  loadWindowState,
  saveWindowState,
  trackWindowState,
} from './electron/windowState';

const APP_NAME = 'Frontier';
const here = import.meta.dirname;
const rendererIndex = join(here, '../renderer/index.html');
const preloadScript = join(here, '../preload/index.cjs');
const isDev = !app.isPackaged;
const devServerUrl = isDev ? process.env.ELECTRON_RENDERER_URL : undefined;
const isAppUrl = appUrlMatcher({ rendererIndex, devServerUrl });

// One settings directory whatever the package name says ("frontier" unpackaged, "Frontier" packaged).
// $FRONTIER_USER_DATA overrides it (tests: their own window state and single-instance lock).
app.setName(APP_NAME);
app.setPath('userData', process.env.FRONTIER_USER_DATA || join(app.getPath('appData'), APP_NAME));
// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();

let services: Services | null = null;
let mainWindow: BrowserWindow | null = null;
let flushWindowState: (() => void) | null = null;
let stopForwarding: (() => void) | null = null;

function windows(): BrowserWindow[] {
  return BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed());
}

function sendMenu(action: MenuAction, detail?: MenuDetail): void {
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : windows()[0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
  win.webContents.send(MENU_CHANNEL, action, detail);
}

async function openModel(): Promise<void> {
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
  const options = { title: 'Open Model', properties: ['openFile' as const], filters: MODEL_FILE_FILTERS };
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (picked.canceled || picked.filePaths.length === 0) return;
  try {
    sendMenu('open-model', { file: await readModelForRenderer(picked.filePaths[0]) });
  } catch (error) {
    dialog.showErrorBox('Cannot open the model', (error as Error).message);
  }
}

function showAbout(): void {
  const detail = [
    `Version ${app.getVersion()}`,
    `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
    `Database: ${services?.dbPath ?? '(not open)'}`,
    '',
    'Design-space explorer for fitting neural networks onto microcontrollers.',
  ].join('\n');
  const options = { type: 'info' as const, title: `About ${APP_NAME}`, message: `${APP_NAME} ${app.getVersion()}`, detail, buttons: ['OK'] };
  if (mainWindow && !mainWindow.isDestroyed()) void dialog.showMessageBox(mainWindow, options);
  else void dialog.showMessageBox(options);
}

async function refreshMenu(): Promise<void> {
  let recent: SessionListEntry[] = [];
  try {
    if (services) recent = await services.handlers['sessions.list']({});
  } catch {
    // A store problem shows up in the page; the menu just lists no sessions.
  }
  const template = buildMenuTemplate({
    platform: process.platform,
    isDev,
    appName: APP_NAME,
    recent,
    send: sendMenu,
    openModel: () => void openModel(),
    about: showAbout,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The CSP as a response header for everything the renderer loads (the same policy is a meta tag in index.html). */
function installContentSecurityPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
}

/** No camera, microphone, notifications, geolocation, HID, serial…: the app needs none of them. */
function denyPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/** Navigation stays on the app's page; web links open in the system browser; nothing opens a new window. */
function guardContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrl(url);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    const external = externalUrl(url);
    if (external) void shell.openExternal(external);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), WINDOW_STATE_FILE);
  const displays = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const state = clampWindowState(loadWindowState(stateFile), displays);

  const win = new BrowserWindow({
    title: APP_NAME,
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: WINDOW_LIMITS.minWidth,
    minHeight: WINDOW_LIMITS.minHeight,
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#ffffff',
    webPreferences: {
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      preload: preloadScript,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  flushWindowState = trackWindowState(win, (s) => saveWindowState(stateFile, s));
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererIndex);
  return win;
}

function startServices(): Services | null {
  try {
    const dbPath = resolveDbPath();
    return createServices({ dbPath, createWorker: createSweepWorker, createEvaluationWorker, warmWorkers: true });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const abi = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message);
    dialog.showErrorBox(
      'Frontier cannot open its database',
      abi
        ? `${message}\n\nbetter-sqlite3 is built for Node, not for Electron. Rebuild it for Electron ` +
            '(npx @electron/rebuild -f -w better-sqlite3) — see docs/desktop.md.'
        : message,
    );
    return null;
  }
}

function onReady(): void {
  installContentSecurityPolicy();
  denyPermissions();

  services = startServices();
  if (!services) {
    app.exit(1);
    return;
  }
  const active = services;
  const invoke = createInvokeHandler({
    handlers: active.handlers,
    isAppUrl,
    toError: errorPayload,
    onSuccess: (method) => {
      if (SESSION_CHANGING_METHODS.has(method)) void refreshMenu();
    },
  });
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, params: unknown) => invoke(senderOf(event), method, params));

  stopForwarding = forwardEvents(active.events, (name: EventName, payload: unknown) => {
    for (const win of windows()) win.webContents.send(EVENT_CHANNEL, name, payload);
    if (name === 'sweep.finished') void refreshMenu();
  });

  void refreshMenu();
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Frontier is running: it gets focus (second-instance below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = mainWindow;
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (services && windows().length === 0) mainWindow = createWindow();
  });
  app.on('before-quit', () => flushWindowState?.());
  app.on('will-quit', () => {
    stopForwarding?.();
    stopForwarding = null;
    ipcMain.removeHandler(INVOKE_CHANNEL);
    services?.close();
    services = null;
  });
  app.whenReady().then(onReady, (error: unknown) => {
    dialog.showErrorBox('Frontier could not start', (error as Error)?.message ?? String(error));
    app.exit(1);
  });
}
