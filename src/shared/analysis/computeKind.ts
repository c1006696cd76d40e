// The kinds of MAC-carrying layer whose speed differs on real kernels. The analysis assigns each layer its kind
// (counts.ts); a device profile's efficiency scales its throughput per kind. Both import it from here, so neither
// imports the other for it.
export type ComputeKind = 'conv' | 'depthwise' | 'separable' | 'dense';
export const COMPUTE_KINDS: readonly ComputeKind[] = ['conv', 'depthwise', 'separable', 'dense'];
