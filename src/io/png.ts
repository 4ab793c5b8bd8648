/**
 * Sample grids as PNG images (pngjs, pure JavaScript): items shown as
 * grey-level tiles, light on dark as MNIST draws its digits, with a 2-pixel
 * gap between tiles.
 */
import { PNG } from 'pngjs';

export interface GridOptions {
  /** [height, width] of one tile. */
  tile: [number, number];
  /** Tiles per row. Default: ⌈√count⌉. */
  columns?: number;
  /** Value range shown from black to white. */
  range?: [number, number];
  /** Pixels per value (nearest neighbour). */
  scale?: number;
}

export function imageGrid(values: ArrayLike<number>, count: number, opts: GridOptions): Buffer {
  const [h, w] = opts.tile;
  const cols = opts.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const [lo, hi] = opts.range ?? [-1, 1];
  const s = opts.scale ?? 2;
  const gap = 2;
  const W = cols * (w * s + gap) + gap;
  const H = rows * (h * s + gap) + gap;
  const png = new PNG({ width: W, height: H, colorType: 0, inputColorType: 0, bitDepth: 8 });
  // Background: mid grey, so tiles stand apart.
  for (let i = 0; i < W * H; i++) {
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = 96;
    png.data[i * 4 + 3] = 255;
  }
  for (let k = 0; k < count; k++) {
    const x0 = gap + (k % cols) * (w * s + gap);
    const y0 = gap + Math.floor(k / cols) * (h * s + gap);
    for (let y = 0; y < h * s; y++) {
      for (let x = 0; x < w * s; x++) {
        const v = values[k * h * w + Math.floor(y / s) * w + Math.floor(x / s)];
        const g = Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
        const p = ((y0 + y) * W + x0 + x) * 4;
        png.data[p] = png.data[p + 1] = png.data[p + 2] = g;
      }
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}
