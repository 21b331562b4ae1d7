/**
 * Ridge-regularised logistic regression by iteratively reweighted least squares (Newton's method)
 * (its rank AUC is reports/lib/auc.ts). Pure functions on typed arrays, no DuckDB.
 *
 * Why not `ml-logistic-regression`: it installs, but it fits by plain gradient descent with a fixed
 * step and step count, has no intercept and no regularisation, so its result depends on the scale
 * of the inputs and on when it stops. A few dozen features and a few hundred thousand rows are
 * solved exactly here in a handful of Newton steps.
 *
 * The model: P(churn) = sigmoid(b0 + sum_j b_j x_j), fitted by minimising
 *   -(1/n) sum_i loglik_i + (lambda / 2) sum_j b_j^2      (the intercept is not penalised)
 */

export interface Design {
  rows: number;
  cols: number;
  /** Row-major features, rows x cols. */
  x: Float64Array;
  /** 1 = churned within the horizon. */
  y: Uint8Array;
}

export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
  converged: boolean;
}

/** Fits the ridge logistic regression on `design`; `lambda` >= 0 (on the mean log-likelihood). */
export function fitRidgeLogistic(design: Design, lambda: number, maxIterations = 50, tolerance = 1e-9): LogisticFit {
  const { rows, cols, x, y } = design;
  const k = cols + 1; // intercept first
  const beta = new Float64Array(k);
  let positives = 0;
  for (let r = 0; r < rows; r++) positives += y[r]!;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, rows > 0 ? positives / rows : 0.5));
  beta[0] = Math.log(rate / (1 - rate));
  const hessian = new Float64Array(k * k);
  const gradient = new Float64Array(k);
  const row = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations && !converged; iterations++) {
    hessian.fill(0);
    gradient.fill(0);
    for (let r = 0; r < rows; r++) {
      row[0] = 1;
      let eta = beta[0]!;
      for (let j = 0; j < cols; j++) {
        const v = x[r * cols + j]!;
        row[j + 1] = v;
        eta += beta[j + 1]! * v;
      }
      const p = 1 / (1 + Math.exp(-eta));
      const w = Math.max(p * (1 - p), 1e-12);
      const residual = p - y[r]!;
      for (let a = 0; a < k; a++) {
        gradient[a]! += residual * row[a]!;
        const wa = w * row[a]!;
        for (let b = 0; b <= a; b++) hessian[a * k + b]! += wa * row[b]!;
      }
    }
    const n = Math.max(1, rows);
    for (let a = 0; a < k; a++) {
      gradient[a] = gradient[a]! / n + (a > 0 ? lambda * beta[a]! : 0);
      for (let b = 0; b <= a; b++) {
        const h = hessian[a * k + b]! / n + (a === b && a > 0 ? lambda : 0) + (a === b ? 1e-10 : 0);
        hessian[a * k + b] = h;
        hessian[b * k + a] = h;
      }
    }
    const step = solveSymmetric(hessian, gradient, k);
    let change = 0;
    for (let a = 0; a < k; a++) {
      beta[a]! -= step[a]!;
      change = Math.max(change, Math.abs(step[a]!));
    }
    converged = change < tolerance;
  }
  return { intercept: beta[0]!, coef: Array.from(beta.subarray(1)), iterations, converged };
}

/** The linear predictor b0 + x.b of every row of `design`. */
export function linearPredictor(design: Design, fit: LogisticFit): Float64Array {
  const out = new Float64Array(design.rows);
  for (let r = 0; r < design.rows; r++) {
    let eta = fit.intercept;
    for (let j = 0; j < design.cols; j++) eta += fit.coef[j]! * design.x[r * design.cols + j]!;
    out[r] = eta;
  }
  return out;
}

/** Solves A s = g for a symmetric positive definite A (k x k, row-major) by Cholesky. */
function solveSymmetric(a: Float64Array, g: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j]!;
      for (let m = 0; m < j; m++) sum -= l[i * k + m]! * l[j * k + m]!;
      if (i === j) l[i * k + i] = Math.sqrt(Math.max(sum, 1e-300));
      else l[i * k + j] = sum / l[j * k + j]!;
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = g[i]!;
    for (let m = 0; m < i; m++) sum -= l[i * k + m]! * z[m]!;
    z[i] = sum / l[i * k + i]!;
  }
  const s = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let m = i + 1; m < k; m++) sum -= l[m * k + i]! * s[m]!;
    s[i] = sum / l[i * k + i]!;
  }
  return s;
}
