// Fused recurrent kernels for tsgan, in AssemblyScript compiled to WebAssembly SIMD.
//
// One call runs a whole recurrent layer over all time steps (forward), or its
// whole backpropagation through time (backward), with exactly the math of
// tfjs-layers' SimpleRNNCell / LSTMCell / GRUCell (sigmoid recurrent
// activation; gate order i,f,c,o and z,r,h; GRU resets before the recurrent
// product), so that weights stay interchangeable with TF.js LayersModels.
// A dense layer on top of the stack (Keras Dense at every step) runs in the
// same call, so that a network's output is what crosses into TF.js.
//
// Why AssemblyScript: it builds from npm with no system compiler, and with
// raw memory, SIMD and a 4×8 register-blocked GEMM it was the fastest of the
// WebAssembly options measured (see issue 3 and BENCHMARKS.md).
//
// Layout: all sequences are time-major, [T, B, width], so that each step is
// one contiguous [B, width] block. Gate pre-activations are kept as separate
// [T, B, H] blocks per gate. Weights are in Keras layout: W [I, G·H],
// U [H, G·H], b [G·H]; a gate's columns are a strided slice (ld = G·H).
// The caller (src/kernels/wasm-kernels.ts) owns memory: every pointer is a
// byte offset into this module's memory, scratch included.

// ---------------------------------------------------------------- helpers

@inline function ld(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
@inline function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}
@inline function off(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// exp on four lanes: Cephes expf (range reduction by ln 2, degree-6
// polynomial), relative error about 2e-7 over the clamped range.
// Written for what V8 emits on x64: pmin/pmax are one instruction each
// (f32x4.min/max are six, for NaN and −0 rules that a clamp does not need;
// a NaN still passes through), and n = round(x·log2 e) comes from adding
// 1.5·2²³, which rounds to nearest even as f32x4.nearest does and leaves n
// in the low bits, so 2ⁿ is a shift away (no float → int conversion).
@inline function exp4(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, f32x4.splat(88.3)), f32x4.splat(-87.3));
  const magic = f32x4.splat(12582912.0); // 1.5·2²³
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // bits(t) = bits(1.5·2²³) + n, and bits(1.5·2²³) << 23 overflows away.
  const e = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(y, e);
}

@inline function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// tanh on four lanes: (1 − e^(−2|x|)) / (1 + e^(−2|x|)) with the sign put
// back, and a short Taylor series near 0 where that form loses digits.
@inline function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const t = exp4(f32x4.mul(ax, f32x4.splat(-2)));
  const one = f32x4.splat(1);
  const big = f32x4.div(f32x4.sub(one, t), f32x4.add(one, t));
  const x2 = f32x4.mul(ax, ax);
  // x − x³/3 + 2x⁵/15 − 17x⁷/315
  let s = f32x4.splat(-17.0 / 315.0);
  s = f32x4.add(f32x4.mul(s, x2), f32x4.splat(2.0 / 15.0));
  s = f32x4.add(f32x4.mul(s, x2), f32x4.splat(-1.0 / 3.0));
  s = f32x4.add(f32x4.mul(s, x2), one);
  const small = f32x4.mul(s, ax);
  const mag = v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.0625)));
  // copy the sign bit of x
  return v128.or(v128.and(mag, i32x4.splat(0x7fffffff)), v128.and(x, i32x4.splat(0x80000000)));
}

// Elementwise loops run four lanes at a time; the last 1–3 elements of a
// row go through the same vector code with these partial loads and stores,
// so that each loop body is written once. n is 4 in the main loop, where
// the branches fold away after inlining.
@inline function ldv(p: usize, i: i32, n: i32): v128 {
  if (n >= 4) return v128.load(off(p, i));
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, ld(p, i));
  if (n > 1) v = f32x4.replace_lane(v, 1, ld(p, i + 1));
  if (n > 2) v = f32x4.replace_lane(v, 2, ld(p, i + 2));
  return v;
}
@inline function stv(p: usize, i: i32, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(off(p, i), v);
    return;
  }
  st(p, i, f32x4.extract_lane(v, 0));
  if (n > 1) st(p, i + 1, f32x4.extract_lane(v, 1));
  if (n > 2) st(p, i + 2, f32x4.extract_lane(v, 2));
}
@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

// ---------------------------------------------------------------- GEMM

// a·b + c: one fused instruction in the relaxed-SIMD build (where the runtime
// accepts it), a multiply and an add in the default build.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[M,N] (+)= A[M,K] · B[K,N], row-major with leading dimensions (in floats).
// acc = 0 overwrites C, acc = 1 adds to it.
export function gemm(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  gemmStrided(M, N, K, a, <usize>lda << 2, 4, b, ldb, c, ldc, acc);
}

// C[M,N] (+)= Aᵀ · B for A stored [K, M] (leading dimension lda): the weight
// gradients Xᵀ·dA read the time-major activations in place, no transpose.
// The micro-kernel reads A one element at a time either way, so this costs
// the same as gemm; the sums run in the same order.
export function gemm_tn(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  gemmStrided(M, N, K, a, 4, <usize>lda << 2, b, ldb, c, ldc, acc);
}

// A element (i, k) is at a + i·rs + k·cs (bytes). K is cut into panels of
// KC rows of B, so that the panel stays in cache while every row block of A
// passes over it (for the long-K products of the weight gradients, K = T·B).
const KC = 256;
function gemmStrided(M: i32, N: i32, K: i32, a: usize, rs: usize, cs: usize, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  if (K <= KC) {
    gemmPanel(M, N, K, a, rs, cs, b, ldb, c, ldc, acc);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    gemmPanel(M, N, kc, a + <usize>k0 * cs, rs, cs, off(b, k0 * ldb), ldb, c, ldc, k0 > 0 ? 1 : acc);
  }
}

// 4×8 register blocks over SIMD.
function gemmPanel(M: i32, N: i32, K: i32, a: usize, rs: usize, cs: usize, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  const zero = f32x4.splat(0);
  const bstep = <usize>ldb << 2;
  const kend = <usize>K * cs;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * rs;
    const a1 = a0 + rs;
    const a2 = a1 + rs;
    const a3 = a2 + rs;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let bp = off(b, j);
      for (let ko: usize = 0; ko < kend; ko += cs) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let av = v128.load32_splat(a0 + ko);
        c00 = madd(av, b0, c00);
        c01 = madd(av, b1, c01);
        av = v128.load32_splat(a1 + ko);
        c10 = madd(av, b0, c10);
        c11 = madd(av, b1, c11);
        av = v128.load32_splat(a2 + ko);
        c20 = madd(av, b0, c20);
        c21 = madd(av, b1, c21);
        av = v128.load32_splat(a3 + ko);
        c30 = madd(av, b0, c30);
        c31 = madd(av, b1, c31);
        bp += bstep;
      }
      const p0 = off(c, i * ldc + j);
      const p1 = off(p0, ldc);
      const p2 = off(p1, ldc);
      const p3 = off(p2, ldc);
      if (acc) {
        c00 = f32x4.add(c00, v128.load(p0)); c01 = f32x4.add(c01, v128.load(p0, 16));
        c10 = f32x4.add(c10, v128.load(p1)); c11 = f32x4.add(c11, v128.load(p1, 16));
        c20 = f32x4.add(c20, v128.load(p2)); c21 = f32x4.add(c21, v128.load(p2, 16));
        c30 = f32x4.add(c30, v128.load(p3)); c31 = f32x4.add(c31, v128.load(p3, 16));
      }
      v128.store(p0, c00); v128.store(p0, c01, 16);
      v128.store(p1, c10); v128.store(p1, c11, 16);
      v128.store(p2, c20); v128.store(p2, c21, 16);
      v128.store(p3, c30); v128.store(p3, c31, 16);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = zero, c1 = zero, c2 = zero, c3 = zero;
      let bp = off(b, j);
      for (let ko: usize = 0; ko < kend; ko += cs) {
        const b0 = v128.load(bp);
        c0 = madd(v128.load32_splat(a0 + ko), b0, c0);
        c1 = madd(v128.load32_splat(a1 + ko), b0, c1);
        c2 = madd(v128.load32_splat(a2 + ko), b0, c2);
        c3 = madd(v128.load32_splat(a3 + ko), b0, c3);
        bp += bstep;
      }
      const p0 = off(c, i * ldc + j);
      const p1 = off(p0, ldc);
      const p2 = off(p1, ldc);
      const p3 = off(p2, ldc);
      if (acc) {
        c0 = f32x4.add(c0, v128.load(p0));
        c1 = f32x4.add(c1, v128.load(p1));
        c2 = f32x4.add(c2, v128.load(p2));
        c3 = f32x4.add(c3, v128.load(p3));
      }
      v128.store(p0, c0);
      v128.store(p1, c1);
      v128.store(p2, c2);
      v128.store(p3, c3);
    }
    for (; j < N; j++) {
      for (let r = 0; r < 4; r++) {
        const ar = a + <usize>(i + r) * rs;
        let s: f32 = 0;
        for (let k = 0; k < K; k++) s += load<f32>(ar + <usize>k * cs) * ld(b, k * ldb + j);
        const cp = off(c, (i + r) * ldc + j);
        store<f32>(cp, acc ? load<f32>(cp) + s : s);
      }
    }
  }
  for (; i < M; i++) {
    const ar = a + <usize>i * rs;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let c0 = zero;
      for (let k = 0; k < K; k++) c0 = madd(v128.load32_splat(ar + <usize>k * cs), v128.load(off(b, k * ldb + j)), c0);
      const cp = off(c, i * ldc + j);
      v128.store(cp, acc ? f32x4.add(c0, v128.load(cp)) : c0);
    }
    for (; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += load<f32>(ar + <usize>k * cs) * ld(b, k * ldb + j);
      const cp = off(c, i * ldc + j);
      store<f32>(cp, acc ? load<f32>(cp) + s : s);
    }
  }
}

// dst[cols, rows] = src[rows, cols]ᵀ (src with leading dimension lds).
export function transpose(rows: i32, cols: i32, src: usize, lds: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) st(dst, c * rows + r, ld(src, r * lds + c));
  }
}

// [B, T, F] ⇄ [T, B, F]
export function batch_to_time(B: i32, T: i32, F: i32, src: usize, dst: usize): void {
  const row = <usize>F << 2;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) memory.copy(off(dst, (t * B + b) * F), off(src, (b * T + t) * F), row);
}
export function time_to_batch(B: i32, T: i32, F: i32, src: usize, dst: usize): void {
  const row = <usize>F << 2;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) memory.copy(off(dst, (b * T + t) * F), off(src, (t * B + b) * F), row);
}

// Column g of a [rows, G·H] matrix, i.e. the [rows, H] block of gate g,
// written contiguously with the bias of that gate added to every row.
function project(rows: i32, I: i32, H: i32, G: i32, g: i32, x: usize, w: usize, bias: usize, dst: usize): void {
  gemm(rows, H, I, x, I, off(w, g * H), G * H, dst, H, 0);
  const bg = off(bias, g * H);
  for (let r = 0; r < rows; r++) addRow(off(dst, r * H), bg, H);
}
// d[0..n) += s[0..n)
@inline function addRow(d: usize, s: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) addTo(d, s, j, 4);
  if (j < n) addTo(d, s, j, n - j);
}
@inline function addTo(d: usize, s: usize, j: i32, n: i32): void {
  stv(d, j, f32x4.add(ldv(d, j, n), ldv(s, j, n)), n);
}

// Parameter gradients shared by every cell, from the per-gate pre-activation
// gradients DA_g [T·B, H] (contiguous blocks, gate g at da + g·T·B·H):
//   dW[:, g] = Xᵀ·DA_g,  db[g] = Σ DA_g,  dX = Σ_g DA_g·W_gᵀ
// and the recurrent part dU[:, g] = H_prevᵀ·DA_g over t ≥ 1 (h_{−1} = 0),
// where hprev [(T−1)·B, H] holds h_0..h_{T−2} (read transposed in place).
// `what` says which are wanted (WANT_PARAMS | WANT_INPUT): a frozen network
// needs no dW, dU, db (half of its backward pass), a constant input no dX.
// A dense layer is the case T = 1 with du = 0 (no recurrent weights).
const WANT_PARAMS = 1;
const WANT_INPUT = 2;
function paramGrads(T: i32, B: i32, I: i32, H: i32, G: i32, x: usize, w: usize, da: usize, hprev: usize,
  dx: usize, dw: usize, du: usize, db: usize, wT: usize, skipRecGate: i32, what: i32): void {
  const TB = T * B;
  const GH = G * H;
  const params = (what & WANT_PARAMS) != 0;
  const input = (what & WANT_INPUT) != 0;
  if (input) transpose(I, GH, w, GH, wT); // [G·H, I]
  for (let g = 0; g < G; g++) {
    const dag = off(da, g * TB * H);
    if (params) {
      gemm_tn(I, H, TB, x, I, dag, H, off(dw, g * H), GH, 0);
      if (g != skipRecGate && T > 1) gemm_tn(H, H, (T - 1) * B, hprev, H, off(dag, B * H), H, off(du, g * H), GH, 0);
      // db[g] = column sums of DA_g, row by row (each column summed in row order)
      const dbg = off(db, g * H);
      memory.fill(dbg, 0, <usize>H << 2);
      for (let r = 0; r < TB; r++) addRow(dbg, off(dag, r * H), H);
    }
    if (input) gemm(TB, I, H, dag, H, off(wT, g * H * I), I, dx, I, g > 0 ? 1 : 0);
  }
  if (params && T <= 1 && du != 0) memory.fill(du, 0, <usize>(H * GH) << 2);
}

// ---------------------------------------------------------------- scratch

// Floats of scratch each call needs (the caller allocates this much).
export function scratch_floats(cell: i32, T: i32, B: i32, I: i32, H: i32): i32 {
  const G = cell == 2 ? 4 : cell == 1 ? 3 : 1; // 0 rnn, 1 gru, 2 lstm
  const TB = T * B;
  // forward: zeros [B, H] (h_{−1}, c_{−1})
  // backward: DA [G, T·B, H] + W^T [G·H, I] + U^T [G·H, H] + dh, dtmp, dc, zeros [B, H]
  return G * TB * H + G * H * I + G * H * H + 4 * B * H + 64;
}

// ---------------------------------------------------------------- plain RNN

// h_t = tanh(x_t·W + h_{t−1}·U + b). out [T, B, H].
export function rnn_forward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, bias: usize, out: usize, scratch: usize): void {
  const TB = T * B;
  const BH = B * H;
  project(TB, I, H, 1, 0, x, w, bias, out); // out holds x·W + b, then h in place
  for (let t = 0; t < T; t++) {
    const o = off(out, t * BH);
    if (t > 0) gemm(B, H, H, off(out, (t - 1) * BH), H, u, H, o, H, 1);
    let i = 0;
    for (; i + 4 <= BH; i += 4) stv(o, i, tanh4(ldv(o, i, 4)), 4);
    if (i < BH) stv(o, i, tanh4(ldv(o, i, BH - i)), BH - i);
  }
}

// dout [T, B, H] (gradient w.r.t. every h_t) → dx [T, B, I], dw, du, db.
export function rnn_backward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, out: usize, dout: usize,
  dx: usize, dw: usize, du: usize, db: usize, scratch: usize, what: i32): void {
  const TB = T * B;
  const BH = B * H;
  const da = scratch;
  const wT = off(da, TB * H);
  const uT = off(wT, H * I);
  const dh = off(uT, H * H);
  transpose(H, H, u, H, uT);
  memory.fill(dh, 0, <usize>BH << 2);
  for (let t = T - 1; t >= 0; t--) {
    const o = off(out, t * BH);
    const g = off(dout, t * BH);
    const a = off(da, t * BH);
    let i = 0;
    for (; i + 4 <= BH; i += 4) rnnGrad(o, g, dh, a, i, 4);
    if (i < BH) rnnGrad(o, g, dh, a, i, BH - i);
    if (t > 0) gemm(B, H, H, a, H, uT, H, dh, H, 0);
  }
  paramGrads(T, B, I, H, 1, x, w, da, out, dx, dw, du, db, wT, -1, what);
}
// a = (dout + dh)·(1 − h²)
@inline function rnnGrad(o: usize, g: usize, dh: usize, a: usize, i: i32, n: i32): void {
  const h = ldv(o, i, n);
  stv(a, i, f32x4.mul(f32x4.add(ldv(g, i, n), ldv(dh, i, n)), f32x4.sub(splat(1), f32x4.mul(h, h))), n);
}

// ---------------------------------------------------------------- GRU

// z = σ(x·Wz + h·Uz + bz), r = σ(x·Wr + h·Ur + br),
// ĥ = tanh(x·Wh + (r⊙h)·Uh + bh), h' = z⊙h + (1 − z)⊙ĥ.
// Saves gates [3, T, B, H] (z, r, ĥ) and rh [T, B, H] (r⊙h_{t−1}) for backward.
export function gru_forward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, bias: usize,
  out: usize, gates: usize, rh: usize, scratch: usize): void {
  const TB = T * B;
  const BH = B * H;
  const Z = gates;
  const R = off(gates, TB * H);
  const HH = off(gates, 2 * TB * H);
  const zeros = scratch; // h_{−1}
  memory.fill(zeros, 0, <usize>BH << 2);
  // Input projections for every step, straight into the gate buffers.
  project(TB, I, H, 3, 0, x, w, bias, Z);
  project(TB, I, H, 3, 1, x, w, bias, R);
  project(TB, I, H, 3, 2, x, w, bias, HH);
  const G3 = 3 * H;
  for (let t = 0; t < T; t++) {
    const z = off(Z, t * BH);
    const r = off(R, t * BH);
    const hh = off(HH, t * BH);
    const o = off(out, t * BH);
    const q = off(rh, t * BH);
    // At t = 0, h_{−1} = 0: no recurrent products, and the same gate math.
    const hp = t > 0 ? off(out, (t - 1) * BH) : zeros;
    if (t > 0) {
      gemm(B, H, H, hp, H, u, G3, z, H, 1);
      gemm(B, H, H, hp, H, off(u, H), G3, r, H, 1);
    }
    let i = 0;
    for (; i + 4 <= BH; i += 4) gruResetUpdate(z, r, q, hp, i, 4);
    if (i < BH) gruResetUpdate(z, r, q, hp, i, BH - i);
    if (t > 0) gemm(B, H, H, q, H, off(u, 2 * H), G3, hh, H, 1);
    i = 0;
    for (; i + 4 <= BH; i += 4) gruOutput(z, hh, hp, o, i, 4);
    if (i < BH) gruOutput(z, hh, hp, o, i, BH - i);
  }
}
// r = σ(r), r⊙h_{t−1}, z = σ(z)
@inline function gruResetUpdate(z: usize, r: usize, q: usize, hp: usize, i: i32, n: i32): void {
  const rv = sigmoid4(ldv(r, i, n));
  stv(r, i, rv, n);
  stv(q, i, f32x4.mul(rv, ldv(hp, i, n)), n);
  stv(z, i, sigmoid4(ldv(z, i, n)), n);
}
// ĥ = tanh(ĥ), h = z⊙h_{t−1} + (1 − z)⊙ĥ
@inline function gruOutput(z: usize, hh: usize, hp: usize, o: usize, i: i32, n: i32): void {
  const hv = tanh4(ldv(hh, i, n));
  stv(hh, i, hv, n);
  const zv = ldv(z, i, n);
  stv(o, i, f32x4.add(f32x4.mul(zv, ldv(hp, i, n)), f32x4.mul(f32x4.sub(splat(1), zv), hv)), n);
}

export function gru_backward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, out: usize, gates: usize, rh: usize,
  dout: usize, dx: usize, dw: usize, du: usize, db: usize, scratch: usize, what: i32): void {
  const TB = T * B;
  const BH = B * H;
  const G3 = 3 * H;
  const Z = gates;
  const R = off(gates, TB * H);
  const HH = off(gates, 2 * TB * H);
  const da = scratch; // [3, T·B, H]: dz, dr, dĥ pre-activation gradients
  const DZ = da;
  const DR = off(da, TB * H);
  const DH = off(da, 2 * TB * H);
  const wT = off(da, 3 * TB * H);
  const uT = off(wT, G3 * I);
  const dh = off(uT, G3 * H);
  const drh = off(dh, BH);
  const zeros = off(drh, BH);
  transpose(H, G3, u, G3, uT); // [3H, H]: rows g·H.. are U_gᵀ
  memory.fill(dh, 0, <usize>BH << 2);
  memory.fill(zeros, 0, <usize>BH << 2);
  for (let t = T - 1; t >= 0; t--) {
    const z = off(Z, t * BH);
    const r = off(R, t * BH);
    const hh = off(HH, t * BH);
    const g = off(dout, t * BH);
    const dz = off(DZ, t * BH);
    const dr = off(DR, t * BH);
    const dc = off(DH, t * BH);
    const hp = t > 0 ? off(out, (t - 1) * BH) : zeros;
    let i = 0;
    for (; i + 4 <= BH; i += 4) gruGradOut(g, dh, z, hh, hp, dc, dz, i, 4);
    if (i < BH) gruGradOut(g, dh, z, hh, hp, dc, dz, i, BH - i);
    if (t > 0) {
      gemm(B, H, H, dc, H, off(uT, 2 * H * H), H, drh, H, 0); // d(r⊙h) = dĥ·U_hᵀ
      i = 0;
      for (; i + 4 <= BH; i += 4) gruGradReset(r, drh, hp, dr, dh, i, 4);
      if (i < BH) gruGradReset(r, drh, hp, dr, dh, i, BH - i);
      gemm(B, H, H, dz, H, uT, H, dh, H, 1);
      gemm(B, H, H, dr, H, off(uT, H * H), H, dh, H, 1);
    } else {
      memory.fill(dr, 0, <usize>BH << 2); // r had no effect at t = 0
    }
  }
  // z and r gates take h_{t−1} through U; the candidate takes r⊙h_{t−1}.
  paramGrads(T, B, I, H, 3, x, w, da, out, dx, dw, du, db, wT, 2, what);
  if (T > 1 && (what & WANT_PARAMS)) gemm_tn(H, H, (T - 1) * B, off(rh, BH), H, off(DH, BH), H, off(du, 2 * H), G3, 0);
}
// d = dout + dh; dĥ_pre = d(1 − z)(1 − ĥ²); dz_pre = d(h_{t−1} − ĥ)z(1 − z);
// dh = d·z (the direct path of h_{t−1}; the recurrent paths are added after)
@inline function gruGradOut(g: usize, dh: usize, z: usize, hh: usize, hp: usize, dc: usize, dz: usize, i: i32, n: i32): void {
  const one = splat(1);
  const d = f32x4.add(ldv(g, i, n), ldv(dh, i, n));
  const zv = ldv(z, i, n);
  const hv = ldv(hh, i, n);
  stv(dc, i, f32x4.mul(f32x4.mul(d, f32x4.sub(one, zv)), f32x4.sub(one, f32x4.mul(hv, hv))), n);
  stv(dz, i, f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(ldv(hp, i, n), hv)), zv), f32x4.sub(one, zv)), n);
  stv(dh, i, f32x4.mul(d, zv), n);
}
// dr_pre = d(r⊙h)·h_{t−1}·r(1 − r); dh += d(r⊙h)·r
@inline function gruGradReset(r: usize, drh: usize, hp: usize, dr: usize, dh: usize, i: i32, n: i32): void {
  const rv = ldv(r, i, n);
  const q = ldv(drh, i, n);
  stv(dr, i, f32x4.mul(f32x4.mul(f32x4.mul(q, ldv(hp, i, n)), rv), f32x4.sub(splat(1), rv)), n);
  stv(dh, i, f32x4.add(ldv(dh, i, n), f32x4.mul(q, rv)), n);
}

// ---------------------------------------------------------------- LSTM

// i, f, o = σ(·), g = tanh(·) of x·W + h·U + b; c' = f⊙c + i⊙g; h' = o⊙tanh(c').
// Saves gates [4, T, B, H] (i, f, g, o after activation) and c [T, B, H].
export function lstm_forward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, bias: usize,
  out: usize, gates: usize, cell: usize, scratch: usize): void {
  const TB = T * B;
  const BH = B * H;
  const G4 = 4 * H;
  const zeros = scratch; // c_{−1}
  memory.fill(zeros, 0, <usize>BH << 2);
  for (let g = 0; g < 4; g++) project(TB, I, H, 4, g, x, w, bias, off(gates, g * TB * H));
  for (let t = 0; t < T; t++) {
    const gi = off(gates, t * BH);
    const gf = off(gates, TB * H + t * BH);
    const gg = off(gates, 2 * TB * H + t * BH);
    const go = off(gates, 3 * TB * H + t * BH);
    const c = off(cell, t * BH);
    const o = off(out, t * BH);
    if (t > 0) {
      const hp = off(out, (t - 1) * BH);
      gemm(B, H, H, hp, H, u, G4, gi, H, 1);
      gemm(B, H, H, hp, H, off(u, H), G4, gf, H, 1);
      gemm(B, H, H, hp, H, off(u, 2 * H), G4, gg, H, 1);
      gemm(B, H, H, hp, H, off(u, 3 * H), G4, go, H, 1);
    }
    const cp = t > 0 ? off(cell, (t - 1) * BH) : zeros;
    let i = 0;
    for (; i + 4 <= BH; i += 4) lstmCell(gi, gf, gg, go, cp, c, o, i, 4);
    if (i < BH) lstmCell(gi, gf, gg, go, cp, c, o, i, BH - i);
  }
}
@inline function lstmCell(gi: usize, gf: usize, gg: usize, go: usize, cp: usize, c: usize, o: usize, i: i32, n: i32): void {
  const iv = sigmoid4(ldv(gi, i, n));
  const fv = sigmoid4(ldv(gf, i, n));
  const gv = tanh4(ldv(gg, i, n));
  const ov = sigmoid4(ldv(go, i, n));
  stv(gi, i, iv, n);
  stv(gf, i, fv, n);
  stv(gg, i, gv, n);
  stv(go, i, ov, n);
  const cv = f32x4.add(f32x4.mul(fv, ldv(cp, i, n)), f32x4.mul(iv, gv));
  stv(c, i, cv, n);
  stv(o, i, f32x4.mul(ov, tanh4(cv)), n);
}

export function lstm_backward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, out: usize, gates: usize, cell: usize,
  dout: usize, dx: usize, dw: usize, du: usize, db: usize, scratch: usize, what: i32): void {
  const TB = T * B;
  const BH = B * H;
  const G4 = 4 * H;
  const da = scratch; // [4, T·B, H]
  const wT = off(da, 4 * TB * H);
  const uT = off(wT, G4 * I);
  const dh = off(uT, G4 * H);
  const dc = off(dh, BH);
  const zeros = off(dc, BH);
  transpose(H, G4, u, G4, uT);
  memory.fill(dh, 0, <usize>BH << 2);
  memory.fill(dc, 0, <usize>BH << 2);
  memory.fill(zeros, 0, <usize>BH << 2);
  for (let t = T - 1; t >= 0; t--) {
    const gi = off(gates, t * BH);
    const gf = off(gates, TB * H + t * BH);
    const gg = off(gates, 2 * TB * H + t * BH);
    const go = off(gates, 3 * TB * H + t * BH);
    const c = off(cell, t * BH);
    const g = off(dout, t * BH);
    const di = off(da, t * BH);
    const df = off(da, TB * H + t * BH);
    const dg = off(da, 2 * TB * H + t * BH);
    const dO = off(da, 3 * TB * H + t * BH);
    const cp = t > 0 ? off(cell, (t - 1) * BH) : zeros;
    let i = 0;
    for (; i + 4 <= BH; i += 4) lstmGrad(g, dh, c, gi, gf, gg, go, cp, dc, di, df, dg, dO, i, 4);
    if (i < BH) lstmGrad(g, dh, c, gi, gf, gg, go, cp, dc, di, df, dg, dO, i, BH - i);
    if (t > 0) {
      gemm(B, H, H, di, H, uT, H, dh, H, 0);
      gemm(B, H, H, df, H, off(uT, H * H), H, dh, H, 1);
      gemm(B, H, H, dg, H, off(uT, 2 * H * H), H, dh, H, 1);
      gemm(B, H, H, dO, H, off(uT, 3 * H * H), H, dh, H, 1);
    }
  }
  paramGrads(T, B, I, H, 4, x, w, da, out, dx, dw, du, db, wT, -1, what);
}
// d = dout + dh; dc += d·o(1 − tanh²c); the four gates' pre-activation
// gradients; dc for c_{t−1} = dc·f
@inline function lstmGrad(g: usize, dh: usize, c: usize, gi: usize, gf: usize, gg: usize, go: usize, cp: usize,
  dc: usize, di: usize, df: usize, dg: usize, dO: usize, i: i32, n: i32): void {
  const one = splat(1);
  const d = f32x4.add(ldv(g, i, n), ldv(dh, i, n));
  const tc = tanh4(ldv(c, i, n));
  const ov = ldv(go, i, n);
  const iv = ldv(gi, i, n);
  const fv = ldv(gf, i, n);
  const gv = ldv(gg, i, n);
  const dcv = f32x4.add(ldv(dc, i, n), f32x4.mul(f32x4.mul(d, ov), f32x4.sub(one, f32x4.mul(tc, tc))));
  stv(dO, i, f32x4.mul(f32x4.mul(f32x4.mul(d, tc), ov), f32x4.sub(one, ov)), n);
  stv(di, i, f32x4.mul(f32x4.mul(f32x4.mul(dcv, gv), iv), f32x4.sub(one, iv)), n);
  stv(dg, i, f32x4.mul(f32x4.mul(dcv, iv), f32x4.sub(one, f32x4.mul(gv, gv))), n);
  stv(df, i, f32x4.mul(f32x4.mul(f32x4.mul(dcv, ldv(cp, i, n)), fv), f32x4.sub(one, fv)), n);
  stv(dc, i, f32x4.mul(dcv, fv), n);
}

// ---------------------------------------------------------------- dense head

// The dense layer on top of a stack, y = act(h·W + b) at every step (Keras
// Dense on [batch, time, H]): the same for every row of the time-major
// [T·B, H] block, so it runs right on the top layer's output.
// act: 0 linear, 1 sigmoid, 2 tanh.
export function dense_forward(rows: i32, I: i32, U: i32, x: usize, w: usize, bias: usize, y: usize, act: i32): void {
  project(rows, I, U, 1, 0, x, w, bias, y);
  if (act == 0) return;
  const n = rows * U;
  let i = 0;
  for (; i + 4 <= n; i += 4) activate(y, i, 4, act);
  if (i < n) activate(y, i, n - i, act);
}
@inline function activate(y: usize, i: i32, n: i32, act: i32): void {
  const v = ldv(y, i, n);
  stv(y, i, act == 1 ? sigmoid4(v) : tanh4(v), n);
}

// dy [rows, U] (overwritten by the pre-activation gradient) → dx [rows, I]
// (WANT_INPUT), dw [I, U] and db [U] (WANT_PARAMS). wT: scratch [U, I].
export function dense_backward(rows: i32, I: i32, U: i32, x: usize, w: usize, y: usize, dy: usize,
  dx: usize, dw: usize, db: usize, wT: usize, act: i32, what: i32): void {
  const n = rows * U;
  if (act != 0) {
    let i = 0;
    for (; i + 4 <= n; i += 4) activationGrad(y, dy, i, 4, act);
    if (i < n) activationGrad(y, dy, i, n - i, act);
  }
  paramGrads(1, rows, I, U, 1, x, w, dy, 0, dx, dw, 0, db, wT, 0, what);
}
// sigmoid: dy·y(1 − y); tanh: dy·(1 − y²)
@inline function activationGrad(y: usize, dy: usize, i: i32, n: i32, act: i32): void {
  const yv = ldv(y, i, n);
  const one = splat(1);
  const d = act == 1 ? f32x4.mul(yv, f32x4.sub(one, yv)) : f32x4.sub(one, f32x4.mul(yv, yv));
  stv(dy, i, f32x4.mul(ldv(dy, i, n), d), n);
}

// ---------------------------------------------------------------- quantile targets
//
// For the quantile, sliced and increment terms of TimeGAN's generator
// (src/losses/distribution.ts): real and fake are [B, C] row-major; for each column c in
// [c0, c1), target[b, c] is the real value whose rank among the column's real
// values equals fake[b, c]'s rank among the fake ones (ties by row). Values
// are ordered by their bits (orderedBits below): the order of the numbers,
// with −0 before +0 among the real values, as JavaScript's numeric sort
// orders them; a fake −0 counts as +0. scratch: 12·n + 4 floats, n = B rounded
// up to a power of two (the scalar path uses 3·B + 2: the u64 keys start at
// the first 8-byte boundary after the B u32 values).

// A float32's bits as an unsigned integer in the order of the values.
@inline function orderedBits(u: u32): u32 {
  return u & 0x80000000 ? ~u : u | 0x80000000;
}

// Ascending sort of n values of type T at p: quicksort (median of three),
// insertion sort below 16.
function sortKeys<T>(p: usize, n: i32): void {
  let lo = 0;
  let hi = n; // [lo, hi)
  while (hi - lo > 16) {
    const mid = (lo + hi) >> 1;
    const x = load<T>(p + (<usize>lo << alignof<T>()));
    const y = load<T>(p + (<usize>mid << alignof<T>()));
    const z = load<T>(p + (<usize>(hi - 1) << alignof<T>()));
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while (load<T>(p + (<usize>i << alignof<T>())) < pivot) i++;
      while (load<T>(p + (<usize>j << alignof<T>())) > pivot) j--;
      if (i <= j) {
        const pi = p + (<usize>i << alignof<T>());
        const pj = p + (<usize>j << alignof<T>());
        const t = load<T>(pi);
        store<T>(pi, load<T>(pj));
        store<T>(pj, t);
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger: depth stays O(log n).
    if (j + 1 - lo < hi - i) {
      sortKeys<T>(p + (<usize>lo << alignof<T>()), j + 1 - lo);
      lo = i;
    } else {
      sortKeys<T>(p + (<usize>i << alignof<T>()), hi - i);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = load<T>(p + (<usize>i << alignof<T>()));
    let j = i - 1;
    while (j >= lo && load<T>(p + (<usize>j << alignof<T>())) > v) {
      store<T>(p + (<usize>(j + 1) << alignof<T>()), load<T>(p + (<usize>j << alignof<T>())));
      j--;
    }
    store<T>(p + (<usize>(j + 1) << alignof<T>()), v);
  }
}

export function quantile_targets(B: i32, C: i32, c0: i32, c1: i32, real: usize, fake: usize, target: usize, scratch: usize): void {
  let c = c0;
  // Four adjacent columns at a time, one per SIMD lane, on a sorting network
  // (no data-dependent branches); the columns left over one by one.
  for (; c + 4 <= c1; c += 4) quantileTargets4(B, C, c, real, fake, target, scratch);
  const r = scratch; // u32[B]: the real column's ordered bits
  const keys = (scratch + (<usize>B << 2) + 7) & ~<usize>7; // u64[B]: fake ordered bits << 32 | row
  for (; c < c1; c++) {
    for (let b = 0; b < B; b++) {
      store<u32>(r + (<usize>b << 2), orderedBits(load<u32>(real + (<usize>(b * C + c) << 2))));
      let u = load<u32>(fake + (<usize>(b * C + c) << 2));
      if (u == 0x80000000) u = 0; // −0 as +0
      store<u64>(keys + (<usize>b << 3), (<u64>orderedBits(u) << 32) | <u64>b);
    }
    sortKeys<u32>(r, B);
    sortKeys<u64>(keys, B);
    for (let k = 0; k < B; k++) {
      const row = <i32>(load<u64>(keys + (<usize>k << 3)) & 0xffffffff);
      const o = load<u32>(r + (<usize>k << 2));
      store<u32>(target + (<usize>(row * C + c) << 2), o & 0x80000000 ? o & 0x7fffffff : ~o);
    }
  }
}

// After quantile_targets, for quantileLoss: d = fake − target for each of
// the n values; writes sign(d) in place of the target (+1 above 0, −1 at or
// below it, as tf.abs's gradient; NaN stays NaN) and returns Σ|d| as a
// float64 summed in index order, as the loss's JavaScript path does.
export function quantile_residual(n: i32, fake: usize, target: usize): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2;
    const d = load<f32>(fake + p) - load<f32>(target + p);
    sum += <f64>Mathf.abs(d);
    store<f32>(target + p, d > 0 ? 1 : d <= 0 ? -1 : NaN);
  }
  return sum;
}

// orderedBits on four lanes: a set sign bit flips all bits, a clear one sets it.
@inline function orderedBits4(u: v128): v128 {
  return v128.xor(u, v128.or(i32x4.shr_s(u, 31), i32x4.splat(0x80000000)));
}

// One comparator of the network on four columns: the real keys at offsets oi
// and ol put in order, and the fake (key, row) pairs with them.
@inline function compareExchange4(rk: usize, fk: usize, fr: usize, oi: usize, ol: usize, up: bool): void {
  const a = v128.load(rk + oi);
  const b = v128.load(rk + ol);
  const lo = i32x4.min_u(a, b);
  const hi = i32x4.max_u(a, b);
  v128.store(rk + oi, up ? lo : hi);
  v128.store(rk + ol, up ? hi : lo);
  const ka = v128.load(fk + oi);
  const kb = v128.load(fk + ol);
  const ra = v128.load(fr + oi);
  const rb = v128.load(fr + ol);
  const less = v128.or(i32x4.lt_u(ka, kb), v128.and(i32x4.eq(ka, kb), i32x4.lt_s(ra, rb))); // (ka, ra) < (kb, rb)
  const first = up ? less : v128.not(less); // lanes where the pair at oi stays there
  v128.store(fk + oi, v128.bitselect(ka, kb, first));
  v128.store(fk + ol, v128.bitselect(kb, ka, first));
  v128.store(fr + oi, v128.bitselect(ra, rb, first));
  v128.store(fr + ol, v128.bitselect(rb, ra, first));
}

// Columns c..c+3 of quantile_targets: the B rows padded to n = 2^k (padding
// sorts last: the largest key, rows ≥ B), then a bitonic sort (Batcher 1968)
// of the real keys and of the fake (key, row) pairs, each lane a column.
// scratch: 3 arrays of n × 16 bytes after the first 16-byte boundary.
function quantileTargets4(B: i32, C: i32, c: i32, real: usize, fake: usize, target: usize, scratch: usize): void {
  let n = 1;
  while (n < B) n <<= 1;
  const rk = (scratch + 15) & ~<usize>15; // real keys [n] × 4 lanes
  const fk = rk + (<usize>n << 4); // fake keys
  const fr = fk + (<usize>n << 4); // fake rows
  const minusZero = i32x4.splat(0x80000000);
  for (let b = 0; b < n; b++) {
    const o = <usize>b << 4;
    if (b < B) {
      const at = <usize>(b * C + c) << 2;
      v128.store(rk + o, orderedBits4(v128.load(real + at)));
      const u = v128.load(fake + at);
      v128.store(fk + o, orderedBits4(v128.andnot(u, i32x4.eq(u, minusZero)))); // −0 as +0
    } else {
      v128.store(rk + o, i32x4.splat(-1));
      v128.store(fk + o, i32x4.splat(-1));
    }
    v128.store(fr + o, i32x4.splat(b));
  }
  for (let k = 2; k <= n; k <<= 1) {
    for (let j = k >> 1; j > 0; j >>= 1) {
      for (let base = 0; base < n; base += j << 1) {
        // Ascending where bit k of i is clear (the same for the whole block): the smaller pair goes to i.
        const up = (base & k) == 0;
        for (let i = base; i < base + j; i++) compareExchange4(rk, fk, fr, <usize>i << 4, <usize>(i + j) << 4, up);
      }
    }
  }
  for (let k = 0; k < B; k++) {
    const o = <usize>k << 4;
    for (let lane = 0; lane < 4; lane++) {
      const row = load<i32>(fr + o + (<usize>lane << 2));
      const v = load<u32>(rk + o + (<usize>lane << 2));
      store<u32>(target + (<usize>(row * C + c + lane) << 2), v & 0x80000000 ? v & 0x7fffffff : ~v);
    }
  }
}
