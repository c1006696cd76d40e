// The part of jsfive's API the Keras .h5 importer uses (the package ships no types).
declare module 'jsfive' {
  export type Attributes = Record<string, unknown>;
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Attributes;
    get(path: string): Group | Dataset | null;
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** numpy-style: `<f4`, `<f2`, `|i1`… */
    readonly dtype: string | unknown;
    readonly attrs: Attributes;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
