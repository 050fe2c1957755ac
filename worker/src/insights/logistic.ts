/**
 * Logistic regression of a yes/no outcome on 0/1 features, L2-penalised, fitted by
 * Newton's method (iteratively reweighted least squares) with step halving. Pure
 * and deterministic: the same input gives the same bits.
 *
 * The penalty (a normal prior on each coefficient) keeps them finite where plain
 * maximum likelihood has none: a feature that separates the outcomes, a feature no
 * row has, outcomes all one way. The intercept gets a much weaker one, enough to
 * stay finite when every outcome is the same. With a penalty the objective is
 * strictly concave, so Newton's method with halving always converges to its one
 * maximum.
 */

export interface LogisticFit {
  intercept: number;
  /** One per feature: how much having it adds to the log-odds of the outcome. */
  coefficients: number[];
  iterations: number;
}

export interface LogisticOptions {
  /** Penalty on each coefficient: 1 is a standard normal prior on it. */
  penalty?: number;
  /** Penalty on the intercept. */
  interceptPenalty?: number;
}

const MAX_ITERATIONS = 100;
const MAX_HALVINGS = 40;
const TOLERANCE = 1e-10;

/**
 * Fits P(outcome) = σ(intercept + Σ coefficients[f] over the features a row has).
 * `rows[i]` lists the features (0 … features − 1) that row i has, each once: an
 * MQL hits a few rules of many, so rows are sparse and a fit costs about
 * rows × (features per row)² + features³ per iteration.
 */
export function fitLogistic(
  rows: readonly (readonly number[])[], outcomes: readonly boolean[], features: number, options: LogisticOptions = {},
): LogisticFit {
  const { penalty = 1, interceptPenalty = 1e-4 } = options;
  const size = features + 1; // parameter 0 is the intercept, 1 + f is feature f
  const lambda = Array.from({ length: size }, (_, j) => (j === 0 ? interceptPenalty : penalty));
  // Each row's parameters: the intercept, then its features.
  const columns = rows.map((row) => [0, ...row.map((f) => f + 1)]);
  let theta: number[] = new Array(size).fill(0);
  let objective = penalisedLogLikelihood(columns, outcomes, theta, lambda);

  let iterations = 0;
  while (iterations < MAX_ITERATIONS) {
    iterations += 1;
    const { gradient, hessian } = derivatives(columns, outcomes, theta, lambda);
    const step = solveSpd(hessian, gradient, size);
    let scale = 1;
    let next = theta;
    let nextObjective = objective;
    for (let halving = 0; halving <= MAX_HALVINGS; halving++, scale /= 2) {
      const candidate = theta.map((t, j) => t + scale * step[j]!);
      const value = penalisedLogLikelihood(columns, outcomes, candidate, lambda);
      if (value >= objective) {
        next = candidate;
        nextObjective = value;
        break;
      }
    }
    const moved = Math.max(0, ...next.map((t, j) => Math.abs(t - theta[j]!)));
    theta = next;
    objective = nextObjective;
    if (moved < TOLERANCE) break;
  }
  return { intercept: theta[0]!, coefficients: theta.slice(1), iterations };
}

/** log(1 + e^x) without overflow. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** 1 / (1 + e^−x) without overflow. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const linear = (columns: readonly number[], theta: readonly number[]) => columns.reduce((sum, j) => sum + theta[j]!, 0);

function penalisedLogLikelihood(
  columns: readonly (readonly number[])[], outcomes: readonly boolean[], theta: readonly number[], lambda: readonly number[],
): number {
  let value = 0;
  columns.forEach((row, i) => {
    const eta = linear(row, theta);
    value += (outcomes[i] ? eta : 0) - softplus(eta);
  });
  return theta.reduce((sum, t, j) => sum - (lambda[j]! * t * t) / 2, value);
}

/** The penalised log-likelihood's gradient, and its negated Hessian (positive definite), row-major. */
function derivatives(
  columns: readonly (readonly number[])[], outcomes: readonly boolean[], theta: readonly number[], lambda: readonly number[],
): { gradient: number[]; hessian: Float64Array } {
  const size = theta.length;
  const gradient = theta.map((t, j) => -lambda[j]! * t);
  const hessian = new Float64Array(size * size);
  for (let j = 0; j < size; j++) hessian[j * size + j] = lambda[j]!;
  columns.forEach((row, i) => {
    const p = sigmoid(linear(row, theta));
    const residual = (outcomes[i] ? 1 : 0) - p;
    const weight = p * (1 - p);
    for (const a of row) {
      gradient[a] = gradient[a]! + residual;
      for (const b of row) hessian[a * size + b] = hessian[a * size + b]! + weight;
    }
  });
  return { gradient, hessian };
}

/** Solves A·x = b for a symmetric positive definite A (row-major, n × n) by Cholesky. */
function solveSpd(a: Float64Array, b: readonly number[], n: number): number[] {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, Number.MIN_VALUE)) : sum / l[j * n + j]!;
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}
