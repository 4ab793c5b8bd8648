// What the autoregressive mixture scripts share (ar-mixture.mjs, stocks-ar-mixture.mjs): a 2-layer GRU with a
// mixture-density head (Bishop 1994) — for each step, a mixture of K diagonal Gaussians over the next
// step's `outputs` values — its negative log-likelihood, and one draw from it. Run `npx tsc` first.
const D = new URL('../../dist/src/', import.meta.url).href;
export const { initEngine, tf } = await import(`${D}engine.js`);
export const { samplesToCsv } = await import(`${D}io/samples.js`);
export const { Rng } = await import(`${D}random.js`);
const { RecurrentStack } = await import(`${D}nn/recurrent.js`);
const { DenseHead } = await import(`${D}nn/dense.js`);
const { Adam } = await import(`${D}models/adam.js`);
await initEngine('wasm');

/** The network (`inputs` values a step in, `outputs` drawn), its Adam, and its forward pass; log-sds clipped to [minLogSd, 3]. */
export function mixtureNet({ inputs, outputs: F, hidden, components: K, lr, minLogSd }, rng) {
  const stack = new RecurrentStack({ cell: 'gru', layers: 2, hidden, inputSize: inputs }, rng.fork());
  const head = new DenseHead({ inputSize: hidden, units: K * (1 + 2 * F) }, rng.fork());
  const vars = [...stack.variables, ...head.variables];
  const opt = new Adam({ learningRate: lr, clipNorm: 1 });
  /** Log-weights [B, T', K], means and log-sds [B, T', K, F] (standardised units). */
  function mixture(x) {
    const out = stack.applyWithHead(x, head); // [batch, time, K·(1 + 2F)]
    const [B, Tt] = out.shape;
    const logits = out.slice([0, 0, 0], [B, Tt, K]);
    const mu = out.slice([0, 0, K], [B, Tt, K * F]).reshape([B, Tt, K, F]);
    const logSd = tf.clipByValue(out.slice([0, 0, K + K * F], [B, Tt, K * F]).reshape([B, Tt, K, F]), minLogSd, 3);
    return { logW: tf.logSoftmax(logits), mu, logSd };
  }
  /** One Adam step on the NLL of `y` [B, T', F] given `inp` [B, T', inputs]; returns the loss (a scalar to dispose). */
  function trainStep(inp, y) {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { logW, mu, logSd } = mixture(inp());
        const zz = tf.div(tf.sub(y().expandDims(2), mu), tf.exp(logSd)); // [batch, T', K, F]
        const logN = tf.sum(tf.sub(tf.mul(-0.5, tf.square(zz)), tf.add(logSd, 0.5 * Math.log(2 * Math.PI))), 3); // [batch, T', K]
        return tf.neg(tf.mean(tf.logSumExp(tf.add(logW, logN), 2)));
      }, vars);
      opt.step(grads);
      return value;
    });
  }
  /** The mixture at the last of `x`'s steps, as arrays: weights [B·K], means and sds [B·K·F]. */
  function lastStep(x) {
    return tf.tidy(() => {
      const { logW, mu, logSd } = mixture(x);
      const [B, Tt] = x.shape;
      const last = (m) => m.slice([0, Tt - 1], [B, 1]);
      return [tf.exp(last(logW)), last(mu), tf.exp(last(logSd))].map((m) => m.dataSync());
    });
  }
  return { trainStep, lastStep };
}

/** Window i's draw from lastStep's mixture: a component by its weight, then each value, kept within [lo, hi]. */
export function drawStep([w, mu, sg], i, K, F, lo, hi, rng) {
  let u = rng.uniform(), k = 0;
  while (k < K - 1 && (u -= w[i * K + k]) > 0) k++;
  const f = [];
  for (let j = 0; j < F; j++) f[j] = Math.min(hi[j], Math.max(lo[j], mu[(i * K + k) * F + j] + sg[(i * K + k) * F + j] * rng.normal()));
  return f;
}
