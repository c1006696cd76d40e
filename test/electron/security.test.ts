// Static checks of the Electron main and preload sources (parsed with the TypeScript compiler, never run: no test
// may load electron): every BrowserWindow is isolated and sandboxed, new windows are denied, navigation is guarded,
// permissions are denied, a CSP header is set, one IPC channel is registered, and only the Electron entry points
// import `electron`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const parse = (path: string): ts.SourceFile => ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true);

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

function find<T extends ts.Node>(source: ts.SourceFile, test: (node: ts.Node) => node is T): T[] {
  const found: T[] = [];
  walk(source, (node) => {
    if (test(node)) found.push(node);
  });
  return found;
}

const electronFiles = [
  'src/main/index.ts',
  ...readdirSync(join(root, 'src/main/electron'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/main/electron/${f}`),
];

const propertyOf = (object: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined =>
  object.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name,
  );

/** Calls `<x>.<method>(...)`. */
const callsOf = (source: ts.SourceFile, method: string): ts.CallExpression[] =>
  find(
    source,
    (n): n is ts.CallExpression =>
      ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === method,
  );

/** The text of an argument, or of the function it names when it is an identifier declared in the file. */
function handlerText(source: ts.SourceFile, arg: ts.Expression): string {
  if (!ts.isIdentifier(arg)) return arg.getText(source);
  const decl = find(
    source,
    (n): n is ts.VariableDeclaration | ts.FunctionDeclaration =>
      (ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n)) && n.name?.getText(source) === arg.text,
  );
  expect(decl, `declaration of ${arg.text}`).toHaveLength(1);
  return decl[0].getText(source);
}

describe('BrowserWindow webPreferences', () => {
  const required: Record<string, boolean> = { contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true };

  it('every BrowserWindow in the main process sets the secure preferences explicitly', () => {
    let windows = 0;
    for (const file of electronFiles) {
      const source = parse(file);
      const created = find(
        source,
        (n): n is ts.NewExpression => ts.isNewExpression(n) && n.expression.getText(source) === 'BrowserWindow',
      );
      for (const call of created) {
        windows++;
        const options = call.arguments?.[0];
        expect(options && ts.isObjectLiteralExpression(options), `${file}: options must be an object literal`).toBe(true);
        const prefs = propertyOf(options as ts.ObjectLiteralExpression, 'webPreferences');
        expect(prefs && ts.isObjectLiteralExpression(prefs.initializer), `${file}: webPreferences literal`).toBe(true);
        const literal = (prefs as ts.PropertyAssignment).initializer as ts.ObjectLiteralExpression;
        expect(literal.properties.some((p) => ts.isSpreadAssignment(p)), 'no spread in webPreferences').toBe(false);
        for (const [name, value] of Object.entries(required)) {
          const p = propertyOf(literal, name);
          expect(p?.initializer.kind, `${file}: webPreferences.${name}`).toBe(value ? ts.SyntaxKind.TrueKeyword : ts.SyntaxKind.FalseKeyword);
        }
        const preload = propertyOf(literal, 'preload');
        expect(preload, 'a preload script').toBeDefined();
      }
    }
    expect(windows).toBeGreaterThan(0);
  });

  it('the preload path is the CommonJS build', () => {
    expect(read('src/main/index.ts')).toMatch(/join\(here, '\.\.\/preload\/index\.cjs'\)/);
  });
});

describe('navigation, new windows, permissions, CSP', () => {
  const source = parse('src/main/index.ts');
  const text = source.getFullText();

  it('denies every window.open, sending only web links to the system browser', () => {
    const calls = callsOf(source, 'setWindowOpenHandler');
    expect(calls).toHaveLength(1);
    const handler = handlerText(source, calls[0].arguments[0]);
    expect(handler).toMatch(/return \{ action: 'deny' \}/);
    expect(handler).not.toMatch(/'allow'/);
    expect(handler).toMatch(/externalUrl\(/);
  });

  it('guards will-navigate (and redirects) with preventDefault unless the URL is the app', () => {
    const ons = callsOf(source, 'on').filter((c) => {
      const first = c.arguments[0];
      return first && ts.isStringLiteral(first) && (first.text === 'will-navigate' || first.text === 'will-redirect');
    });
    expect(ons.map((c) => (c.arguments[0] as ts.StringLiteral).text).sort()).toEqual(['will-navigate', 'will-redirect']);
    for (const call of ons) {
      const handler = handlerText(source, call.arguments[1]);
      expect(handler).toMatch(/isAppUrl\(url\)/);
      expect(handler).toMatch(/event\.preventDefault\(\)/);
    }
  });

  it('applies the guards to every web contents, and refuses webviews', () => {
    expect(text).toMatch(/app\.on\('web-contents-created', \(_event, contents\) => guardContents\(contents\)\)/);
    expect(text).toMatch(/'will-attach-webview', \(event\) => event\.preventDefault\(\)/);
  });

  it('denies permission requests and checks', () => {
    expect(text).toMatch(/setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/);
    expect(text).toMatch(/setPermissionCheckHandler\(\(\) => false\)/);
  });

  it('sends the Content-Security-Policy header, the same policy as the web host and the page', () => {
    expect(text).toMatch(/onHeadersReceived/);
    expect(text).toMatch(/headers\['Content-Security-Policy'\] = \[CONTENT_SECURITY_POLICY\]/);
  });

  it('registers exactly one IPC handler, on frontier:invoke, and takes the single-instance lock', () => {
    const handles = callsOf(source, 'handle').filter((c) => c.expression.getText(source) === 'ipcMain.handle');
    expect(handles).toHaveLength(1);
    expect(handles[0].arguments[0].getText(source)).toBe('INVOKE_CHANNEL');
    expect(text).not.toMatch(/ipcMain\.on\(/);
    expect(text).toMatch(/requestSingleInstanceLock\(\)/);
    expect(text).toMatch(/app\.enableSandbox\(\)/);
  });
});

describe('the preload', () => {
  const source = parse('src/preload/index.ts');

  it('exposes one object, frontier, with exactly invoke, on and onMenu', () => {
    const exposes = callsOf(source, 'exposeInMainWorld');
    expect(exposes).toHaveLength(1);
    const [key, value] = exposes[0].arguments;
    expect(ts.isStringLiteral(key) && key.text).toBe('frontier');
    const decl = handlerText(source, value);
    const object = find(source, (n): n is ts.VariableDeclaration => ts.isVariableDeclaration(n) && n.name.getText(source) === 'bridge')[0];
    expect(decl).toContain('satisfies DesktopBridge');
    let init = object.initializer as ts.Expression;
    if (ts.isSatisfiesExpression(init)) init = init.expression;
    expect(ts.isObjectLiteralExpression(init)).toBe(true);
    const names = (init as ts.ObjectLiteralExpression).properties.map((p) => p.name?.getText(source)).sort();
    expect(names).toEqual(['invoke', 'on', 'onMenu']);
  });

  it('imports only electron at run time (the shared API for types only)', () => {
    const imports = source.statements.filter(ts.isImportDeclaration);
    for (const imp of imports) {
      const from = (imp.moduleSpecifier as ts.StringLiteral).text;
      if (from !== 'electron') expect(imp.importClause?.isTypeOnly, `${from} must be a type-only import`).toBe(true);
    }
  });
});

describe('electron stays in the Electron entry points', () => {
  const scanned: string[] = [];
  const collect = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir))) {
      const path = `${dir}/${entry}`;
      if (statSync(join(root, path)).isDirectory()) collect(path);
      else if (/\.(ts|mts|mjs|js|svelte)$/.test(entry)) scanned.push(path);
    }
  };
  for (const dir of ['src', 'bin', 'scripts', 'test']) collect(dir);

  /** Module specifiers a file loads at run time: imports (not `import type`), re-exports, require() and import(). */
  function runtimeSpecifiers(path: string): string[] {
    let text = read(path);
    if (path.endsWith('.svelte')) {
      text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
    }
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const specs: string[] = [];
    walk(source, (n) => {
      if (ts.isImportDeclaration(n) && !n.importClause?.isTypeOnly && ts.isStringLiteral(n.moduleSpecifier)) {
        specs.push(n.moduleSpecifier.text);
      } else if (ts.isExportDeclaration(n) && !n.isTypeOnly && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
        specs.push(n.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(n) &&
        (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) &&
        n.arguments[0] &&
        ts.isStringLiteralLike(n.arguments[0])
      ) {
        specs.push(n.arguments[0].text);
      }
    });
    return specs;
  }

  it('no file outside src/main/index.ts, src/main/electron and src/preload imports electron at run time', () => {
    const allowed = new Set([...electronFiles, 'src/preload/index.ts']);
    const offenders = scanned.filter(
      (f) => !allowed.has(f) && runtimeSpecifiers(f).some((s) => s === 'electron' || s.startsWith('electron/')),
    );
    expect(offenders.map((f) => relative(root, join(root, f)))).toEqual([]);
    // The scan itself works: the Electron main is found importing electron.
    expect(runtimeSpecifiers('src/main/index.ts')).toContain('electron');
  });

  it('src/main/electron/* other than the entry glue import electron for types only (so tests can load them)', () => {
    for (const file of electronFiles.filter((f) => f.startsWith('src/main/electron/'))) {
      const source = parse(file);
      for (const imp of source.statements.filter(ts.isImportDeclaration)) {
        if ((imp.moduleSpecifier as ts.StringLiteral).text === 'electron') {
          expect(imp.importClause?.isTypeOnly, `${file} imports electron at run time`).toBe(true);
        }
      }
    }
  });
});
