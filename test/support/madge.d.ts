// The part of madge's API the import-circle test uses (madge ships no types).
declare module 'madge' {
  interface MadgeResult {
    /** Each circle as the files in it, relative to the directory given. */
    circular(): string[][];
    /** Imports that could not be resolved to a file (packages, virtual modules). */
    warnings(): { skipped: string[] };
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    detectiveOptions?: Record<string, unknown>;
  }
  export default function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
}
