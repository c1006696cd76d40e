// One rule for a session's name, wherever it is given (the CLI's --session, --name and rename, the app and the web
// host, a bundle): printable text of 1 to 200 characters. A line break or another control character would break
// the CLI's tables and the CSV and Markdown exports that print the name.

import { UsageError } from './cli/valueList';

export const MAX_SESSION_NAME = 200;

/** C0 and C1 control characters (line breaks, tabs, escape, DEL…) and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** What is wrong with a session name, in words ("is empty"…), or null when it is a valid name. */
export function sessionNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'must be text';
  if (name.trim() === '') return 'is empty';
  if (name.length > MAX_SESSION_NAME) return `is ${name.length.toLocaleString('en-US')} characters long, more than ${MAX_SESSION_NAME}`;
  const control = CONTROL.exec(name);
  if (control) {
    const code = `U+${(control[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    return `holds a control character (${code}${control[0] === '\n' ? ', a line break' : ''}); a name is printable text`;
  }
  return null;
}

/** The name, or a usage error naming where it was given (`--session`, `rename`…) and what is wrong. */
export function checkSessionName(where: string, name: string): string {
  const problem = sessionNameProblem(name);
  if (problem) throw new UsageError(`${where}: the session name ${problem}`);
  return name;
}

/** A name made from other text (a model's file name): control characters become "_", and it is cut to fit. */
export function sessionNameFrom(text: string, suffix: string): string {
  const clean = text.replace(new RegExp(CONTROL.source, 'gu'), '_');
  return `${clean.slice(0, MAX_SESSION_NAME - suffix.length)}${suffix}`;
}
