// Choices a user makes when a file leaves something open: sizes of dynamic dimensions, unknown operators.
import { UsageError } from '../cli/valueList';

export interface ImportOptions {
  /**
   * Sizes for an input's dynamic dimensions (a symbolic batch or resolution), by input name, in the file's own
   * layout with the batch dimension: `--input-shape input=1x3x224x224`. Dynamic dimensions not given become 1.
   */
  inputShapes?: Record<string, number[]>;
  /**
   * Analyse operators Frontier does not know as zero-MAC operations with the output shape the file declares, with a
   * warning on every figure they touch, instead of refusing the file.
   */
  allowUnknownOps?: boolean;
}

/** Largest dimension an input shape may give (a bound, not a model limit: no real input comes close). */
export const MAX_INPUT_DIMENSION = 1 << 20;

/** Parses `name=1x3x224x224` (also `name=1,3,224,224`). */
export function parseInputShape(text: string): { name: string; shape: number[] } {
  const eq = text.lastIndexOf('=');
  const name = eq > 0 ? text.slice(0, eq) : '';
  const dims = eq > 0 ? text.slice(eq + 1).split(/[x×,]/) : [];
  const shape = dims.map((d) => Number(d.trim()));
  if (
    name === '' ||
    shape.length === 0 ||
    !shape.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_INPUT_DIMENSION)
  ) {
    throw new UsageError(
      `--input-shape ${text}: give an input name and its dimensions, e.g. input=1x3x224x224 (whole numbers from 1 to ${MAX_INPUT_DIMENSION})`,
    );
  }
  return { name, shape };
}
