// Small dense linear algebra for the latency fit: symmetric positive-definite solves and inverses of matrices of a
// dozen rows. Row-major number[][]; nothing here allocates beyond the result.

export type Matrix = number[][];

export const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));

export const identity = (n: number): Matrix => {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m[i][i] = 1;
  return m;
};

export const copyMatrix = (m: Matrix): Matrix => m.map((row) => row.slice());

/**
 * Cholesky factor L (lower, A = L·Lᵀ) of a symmetric matrix, or null when it is not positive definite (a pivot
 * at or below `floor` times the largest diagonal entry).
 */
export function cholesky(a: Matrix, floor = 1e-14): Matrix | null {
  const n = a.length;
  const l = zeros(n, n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i][i]));
  for (let j = 0; j < n; j++) {
    let d = a[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > floor * maxDiag)) return null;
    const root = Math.sqrt(d);
    l[j][j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / root;
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b for x. */
export function choleskySolve(l: Matrix, b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix (throws when it is not). */
export function spdInverse(a: Matrix): Matrix {
  const l = cholesky(a);
  if (!l) throw new Error('matrix is not positive definite');
  const n = a.length;
  const inv = zeros(n, n);
  const e = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, e);
    for (let i = 0; i < n; i++) inv[i][j] = col[i];
  }
  // Symmetrise against rounding.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[i][j] = inv[j][i] = (inv[i][j] + inv[j][i]) / 2;
  return inv;
}

/** log det of a symmetric positive-definite matrix from its Cholesky factor. */
export function logDetFromCholesky(l: Matrix): number {
  let s = 0;
  for (let i = 0; i < l.length; i++) s += 2 * Math.log(l[i][i]);
  return s;
}

export function matVec(m: Matrix, x: readonly number[]): number[] {
  return m.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
}

export function quadForm(m: Matrix, x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) s += x[i] * m[i][j] * x[j];
  return s;
}
