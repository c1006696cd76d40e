// How a refused field of a file reads: one that is absent is missing, with what it must be (never "got nothing" or
// "got undefined"); one that is present is shown as it was given.
export function refusal(field: string, requirement: string, value: unknown, show: (value: unknown) => string): string {
  return value === undefined ? `${field} is missing; it ${requirement}` : `${field} ${requirement}, got ${show(value)}`;
}
