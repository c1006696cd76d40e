// A file with operators Frontier does not know is refused unless the user asks to analyse them as zero-MAC
// pass-throughs. The refusal is written for the command line (it names --allow-unknown-ops); the app offers the
// same choice as a button, so it shows the refusal without the flag.

/** The refusal in the app's words (what is unknown, without the command-line advice), or null for another error. */
export function unknownOperatorsRefusal(message: string): string | null {
  if (!message.includes('--allow-unknown-ops')) return null;
  const advice = message.search(/[.;]?\s*(?:With --allow-unknown-ops|--allow-unknown-ops|\(use --allow-unknown-ops)/);
  const said = (advice > 0 ? message.slice(0, advice) : message).trim();
  return `${said.replace(/[.;,\s]+$/, '')}.`;
}
