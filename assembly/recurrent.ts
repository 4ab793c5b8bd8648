// Fused recurrent kernels for tsgan, in AssemblyScript compiled to WebAssembly SIMD.
//
// One call runs a whole recurrent layer over all time steps (forward), or its
// whole backpropagation through time (backward), with exactly the math of
// tfjs-layers' SimpleRNNCell / LSTMCell / GRUCell (sigmoid recurrent
// activation; gate order i,f,c,o and z,r,h; GRU resets before the recurrent
// product), so that weights stay interchangeable with TF.js LayersModels.
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
@inline function exp4(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
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

@inline function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}
@inline function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

// ---------------------------------------------------------------- GEMM

// a·b + c: one fused instruction in the relaxed-SIMD build (where the runtime
// accepts it), a multiply and an add in the default build.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[M,N] (+)= A[M,K] · B[K,N], row-major with leading dimensions (in floats).
// acc = 0 overwrites C, acc = 1 adds to it. K is cut into panels of KC rows
// of B, so that the panel stays in cache while every row block of A passes
// over it (for the long-K products of the weight gradients, K = T·B).
const KC = 256;
export function gemm(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  if (K <= KC) {
    gemmPanel(M, N, K, a, lda, b, ldb, c, ldc, acc);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    gemmPanel(M, N, kc, off(a, k0), lda, off(b, k0 * ldb), ldb, c, ldc, k0 > 0 ? 1 : acc);
  }
}

// 4×8 register blocks over SIMD.
function gemmPanel(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = off(a, i * lda);
    const a1 = off(a0, lda);
    const a2 = off(a1, lda);
    const a3 = off(a2, lda);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      let bp = off(b, j);
      const bstep = <usize>ldb << 2;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const ko = <usize>k << 2;
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
      const bstep = <usize>ldb << 2;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const ko = <usize>k << 2;
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
        const ar = off(a, (i + r) * lda);
        let s: f32 = 0;
        for (let k = 0; k < K; k++) s += ld(ar, k) * ld(b, k * ldb + j);
        const cp = off(c, (i + r) * ldc + j);
        store<f32>(cp, acc ? load<f32>(cp) + s : s);
      }
    }
  }
  for (; i < M; i++) {
    const ar = off(a, i * lda);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let c0 = zero;
      for (let k = 0; k < K; k++) c0 = madd(v128.load32_splat(off(ar, k)), v128.load(off(b, k * ldb + j)), c0);
      const cp = off(c, i * ldc + j);
      v128.store(cp, acc ? f32x4.add(c0, v128.load(cp)) : c0);
    }
    for (; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += ld(ar, k) * ld(b, k * ldb + j);
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
  for (let r = 0; r < rows; r++) {
    const d = off(dst, r * H);
    for (let j = 0; j < H; j++) st(d, j, ld(d, j) + ld(bias, g * H + j));
  }
}

// Parameter gradients shared by every cell, from the per-gate pre-activation
// gradients DA_g [T·B, H] (contiguous blocks, gate g at da + g·T·B·H):
//   dW[:, g] = Xᵀ·DA_g,  db[g] = Σ DA_g,  dX = Σ_g DA_g·W_gᵀ
// and the recurrent part dU[:, g] = H_prevᵀ·DA_g over t ≥ 1 (h_{−1} = 0),
// where hprevT is the transposed [H, (T−1)·B] matrix of h_0..h_{T−2}.
// `what` says which are wanted (WANT_PARAMS | WANT_INPUT): a frozen network
// needs no dW, dU, db (half of its backward pass), a constant input no dX.
const WANT_PARAMS = 1;
const WANT_INPUT = 2;
function paramGrads(T: i32, B: i32, I: i32, H: i32, G: i32, x: usize, w: usize, da: usize, hprevT: usize,
  dx: usize, dw: usize, du: usize, db: usize, xT: usize, wT: usize, skipRecGate: i32, what: i32): void {
  const TB = T * B;
  const GH = G * H;
  const params = (what & WANT_PARAMS) != 0;
  const input = (what & WANT_INPUT) != 0;
  if (params) transpose(TB, I, x, I, xT); // [I, T·B]
  if (input) transpose(I, GH, w, GH, wT); // [G·H, I]
  for (let g = 0; g < G; g++) {
    const dag = off(da, g * TB * H);
    if (params) {
      gemm(I, H, TB, xT, TB, dag, H, off(dw, g * H), GH, 0);
      if (g != skipRecGate && T > 1) gemm(H, H, (T - 1) * B, hprevT, (T - 1) * B, off(dag, B * H), H, off(du, g * H), GH, 0);
      for (let j = 0; j < H; j++) {
        let s: f32 = 0;
        for (let r = 0; r < TB; r++) s += ld(dag, r * H + j);
        st(db, g * H + j, s);
      }
    }
    if (input) gemm(TB, I, H, dag, H, off(wT, g * H * I), I, dx, I, g > 0 ? 1 : 0);
  }
  if (params && T <= 1) memory.fill(du, 0, <usize>(H * GH) << 2);
}

// ---------------------------------------------------------------- scratch

// Floats of scratch each call needs (the caller allocates this much).
export function scratch_floats(cell: i32, T: i32, B: i32, I: i32, H: i32): i32 {
  const G = cell == 2 ? 4 : cell == 1 ? 3 : 1; // 0 rnn, 1 gru, 2 lstm
  const TB = T * B;
  // forward: XP [G, T·B, H] + rec [B, H]
  // backward: DA [G, T·B, H] + X^T [I, T·B] + W^T [G·H, I] + U^T [G·H, H]
  //           + H_prev^T [H, T·B] + dh, dtmp, dc [B, H] ×3 + RH^T [H, T·B]
  return G * TB * H + I * TB + G * H * I + G * H * H + 2 * H * TB + 4 * B * H + 64;
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
    for (; i + 4 <= BH; i += 4) v128.store(off(o, i), tanh4(v128.load(off(o, i))));
    for (; i < BH; i++) st(o, i, tanh1(ld(o, i)));
  }
}

// dout [T, B, H] (gradient w.r.t. every h_t) → dx [T, B, I], dw, du, db.
export function rnn_backward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, out: usize, dout: usize,
  dx: usize, dw: usize, du: usize, db: usize, scratch: usize, what: i32): void {
  const TB = T * B;
  const BH = B * H;
  const da = scratch;
  const xT = off(da, TB * H);
  const wT = off(xT, I * TB);
  const uT = off(wT, H * I);
  const hT = off(uT, H * H);
  const dh = off(hT, H * TB);
  transpose(H, H, u, H, uT);
  memory.fill(dh, 0, <usize>BH << 2);
  for (let t = T - 1; t >= 0; t--) {
    const o = off(out, t * BH);
    const g = off(dout, t * BH);
    const a = off(da, t * BH);
    for (let i = 0; i < BH; i++) {
      const h = ld(o, i);
      st(a, i, (ld(g, i) + ld(dh, i)) * (1 - h * h));
    }
    if (t > 0) gemm(B, H, H, a, H, uT, H, dh, H, 0);
  }
  if (T > 1 && (what & WANT_PARAMS)) transpose((T - 1) * B, H, out, H, hT);
  paramGrads(T, B, I, H, 1, x, w, da, hT, dx, dw, du, db, xT, wT, -1, what);
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
    if (t > 0) {
      const hp = off(out, (t - 1) * BH);
      gemm(B, H, H, hp, H, u, G3, z, H, 1);
      gemm(B, H, H, hp, H, off(u, H), G3, r, H, 1);
      let i = 0;
      for (; i + 4 <= BH; i += 4) {
        const rv = sigmoid4(v128.load(off(r, i)));
        v128.store(off(r, i), rv);
        v128.store(off(q, i), f32x4.mul(rv, v128.load(off(hp, i))));
        v128.store(off(z, i), sigmoid4(v128.load(off(z, i))));
      }
      for (; i < BH; i++) {
        const rv = sigmoid1(ld(r, i));
        st(r, i, rv);
        st(q, i, rv * ld(hp, i));
        st(z, i, sigmoid1(ld(z, i)));
      }
      gemm(B, H, H, q, H, off(u, 2 * H), G3, hh, H, 1);
      i = 0;
      const one = f32x4.splat(1);
      for (; i + 4 <= BH; i += 4) {
        const hv = tanh4(v128.load(off(hh, i)));
        v128.store(off(hh, i), hv);
        const zv = v128.load(off(z, i));
        v128.store(off(o, i), f32x4.add(f32x4.mul(zv, v128.load(off(hp, i))), f32x4.mul(f32x4.sub(one, zv), hv)));
      }
      for (; i < BH; i++) {
        const hv = tanh1(ld(hh, i));
        st(hh, i, hv);
        const zv = ld(z, i);
        st(o, i, zv * ld(hp, i) + (1 - zv) * hv);
      }
    } else {
      // h_{−1} = 0: no recurrent products, r⊙h = 0, h = (1 − z)⊙ĥ.
      for (let i = 0; i < BH; i++) {
        const zv = sigmoid1(ld(z, i));
        st(z, i, zv);
        st(r, i, sigmoid1(ld(r, i)));
        st(q, i, 0);
        const hv = tanh1(ld(hh, i));
        st(hh, i, hv);
        st(o, i, (1 - zv) * hv);
      }
    }
  }
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
  const xT = off(da, 3 * TB * H);
  const wT = off(xT, I * TB);
  const uT = off(wT, G3 * I);
  const hT = off(uT, G3 * H);
  const dh = off(hT, H * TB);
  const drh = off(dh, BH);
  transpose(H, G3, u, G3, uT); // [3H, H]: rows g·H.. are U_gᵀ
  memory.fill(dh, 0, <usize>BH << 2);
  for (let t = T - 1; t >= 0; t--) {
    const z = off(Z, t * BH);
    const r = off(R, t * BH);
    const hh = off(HH, t * BH);
    const g = off(dout, t * BH);
    const dz = off(DZ, t * BH);
    const dr = off(DR, t * BH);
    const dc = off(DH, t * BH);
    const hp: usize = t > 0 ? off(out, (t - 1) * BH) : 0;
    for (let i = 0; i < BH; i++) {
      const d = ld(g, i) + ld(dh, i);
      const zv = ld(z, i);
      const hv = ld(hh, i);
      const hpv: f32 = t > 0 ? ld(hp, i) : 0;
      st(dc, i, d * (1 - zv) * (1 - hv * hv));
      st(dz, i, d * (hpv - hv) * zv * (1 - zv));
      st(dh, i, d * zv); // the direct path of h_{t−1}; recurrent paths added below
    }
    if (t > 0) {
      gemm(B, H, H, dc, H, off(uT, 2 * H * H), H, drh, H, 0); // d(r⊙h) = dĥ·U_hᵀ
      for (let i = 0; i < BH; i++) {
        const rv = ld(r, i);
        st(dr, i, ld(drh, i) * ld(hp, i) * rv * (1 - rv));
        st(dh, i, ld(dh, i) + ld(drh, i) * rv);
      }
      gemm(B, H, H, dz, H, uT, H, dh, H, 1);
      gemm(B, H, H, dr, H, off(uT, H * H), H, dh, H, 1);
    } else {
      memory.fill(dr, 0, <usize>BH << 2); // r had no effect at t = 0
    }
  }
  if (T > 1 && (what & WANT_PARAMS)) transpose((T - 1) * B, H, out, H, hT);
  // z and r gates take h_{t−1} through U; the candidate takes r⊙h_{t−1}.
  paramGrads(T, B, I, H, 3, x, w, da, hT, dx, dw, du, db, xT, wT, 2, what);
  if (T > 1 && (what & WANT_PARAMS)) {
    transpose((T - 1) * B, H, off(rh, BH), H, hT);
    gemm(H, H, (T - 1) * B, hT, (T - 1) * B, off(DH, BH), H, off(du, 2 * H), G3, 0);
  }
}

// ---------------------------------------------------------------- LSTM

// i, f, o = σ(·), g = tanh(·) of x·W + h·U + b; c' = f⊙c + i⊙g; h' = o⊙tanh(c').
// Saves gates [4, T, B, H] (i, f, g, o after activation) and c [T, B, H].
export function lstm_forward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, bias: usize,
  out: usize, gates: usize, cell: usize, scratch: usize): void {
  const TB = T * B;
  const BH = B * H;
  const G4 = 4 * H;
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
    const cp: usize = t > 0 ? off(cell, (t - 1) * BH) : 0;
    let i = 0;
    for (; i + 4 <= BH; i += 4) {
      const iv = sigmoid4(v128.load(off(gi, i)));
      const fv = sigmoid4(v128.load(off(gf, i)));
      const gv = tanh4(v128.load(off(gg, i)));
      const ov = sigmoid4(v128.load(off(go, i)));
      v128.store(off(gi, i), iv);
      v128.store(off(gf, i), fv);
      v128.store(off(gg, i), gv);
      v128.store(off(go, i), ov);
      let cv = f32x4.mul(iv, gv);
      if (t > 0) cv = f32x4.add(f32x4.mul(fv, v128.load(off(cp, i))), cv);
      v128.store(off(c, i), cv);
      v128.store(off(o, i), f32x4.mul(ov, tanh4(cv)));
    }
    for (; i < BH; i++) {
      const iv = sigmoid1(ld(gi, i));
      const fv = sigmoid1(ld(gf, i));
      const gv = tanh1(ld(gg, i));
      const ov = sigmoid1(ld(go, i));
      st(gi, i, iv);
      st(gf, i, fv);
      st(gg, i, gv);
      st(go, i, ov);
      let cv = iv * gv;
      if (t > 0) cv += fv * ld(cp, i);
      st(c, i, cv);
      st(o, i, ov * tanh1(cv));
    }
  }
}

export function lstm_backward(T: i32, B: i32, I: i32, H: i32, x: usize, w: usize, u: usize, out: usize, gates: usize, cell: usize,
  dout: usize, dx: usize, dw: usize, du: usize, db: usize, scratch: usize, what: i32): void {
  const TB = T * B;
  const BH = B * H;
  const G4 = 4 * H;
  const da = scratch; // [4, T·B, H]
  const xT = off(da, 4 * TB * H);
  const wT = off(xT, I * TB);
  const uT = off(wT, G4 * I);
  const hT = off(uT, G4 * H);
  const dh = off(hT, H * TB);
  const dc = off(dh, BH);
  transpose(H, G4, u, G4, uT);
  memory.fill(dh, 0, <usize>BH << 2);
  memory.fill(dc, 0, <usize>BH << 2);
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
    const cp: usize = t > 0 ? off(cell, (t - 1) * BH) : 0;
    for (let i = 0; i < BH; i++) {
      const d = ld(g, i) + ld(dh, i);
      const tc = tanh1(ld(c, i));
      const ov = ld(go, i);
      const iv = ld(gi, i);
      const fv = ld(gf, i);
      const gv = ld(gg, i);
      const dcv = ld(dc, i) + d * ov * (1 - tc * tc);
      const cpv: f32 = t > 0 ? ld(cp, i) : 0;
      st(dO, i, d * tc * ov * (1 - ov));
      st(di, i, dcv * gv * iv * (1 - iv));
      st(dg, i, dcv * iv * (1 - gv * gv));
      st(df, i, dcv * cpv * fv * (1 - fv));
      st(dc, i, dcv * fv);
    }
    if (t > 0) {
      gemm(B, H, H, di, H, uT, H, dh, H, 0);
      gemm(B, H, H, df, H, off(uT, H * H), H, dh, H, 1);
      gemm(B, H, H, dg, H, off(uT, 2 * H * H), H, dh, H, 1);
      gemm(B, H, H, dO, H, off(uT, 3 * H * H), H, dh, H, 1);
    }
  }
  if (T > 1 && (what & WANT_PARAMS)) transpose((T - 1) * B, H, out, H, hT);
  paramGrads(T, B, I, H, 4, x, w, da, hT, dx, dw, du, db, xT, wT, -1, what);
}
