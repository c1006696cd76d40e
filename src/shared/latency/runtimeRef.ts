// What a device profile records about the software stack its latency model describes.

export interface RuntimeRef {
  /** A built-in runtime id (`x-cube-ai-9`), or the id a calibration gave its runtime. */
  id: string;
  name: string;
  /**
   * RAM the runtime keeps for the whole run besides the activations (interpreter and tensor structs, quantisation
   * parameters), in bytes, or null when not published; `sources.persistentRamBytes` says where it comes from.
   */
  persistentRamBytes: number | null;
  /** How this board's figures were obtained: `measured`, `transferred`, `estimated` or `calibrated`. */
  basis: 'measured' | 'transferred' | 'estimated' | 'calibrated';
  /** For `transferred`: the board (and core) the figures come from. */
  from?: string;
  sources: Record<string, string>;
}
