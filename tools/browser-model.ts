/**
 * Runs a saved tsgan network in headless Chromium the way a web page would:
 * TF.js's own browser bundle (`@tensorflow/tfjs/dist/tf.min.js`) and the
 * model's two files, nothing of tsgan, no network. It is the check behind
 * the README's promise that `tf.loadLayersModel('RUN/generator/model.json')`
 * samples in a browser without tsgan.
 *
 *   node dist/tools/browser-model.js RUN/generator
 *
 * prints the TF.js version and backend the page ran and the output shape for
 * a batch of 2 of uniform noise. Needs Chromium (see tools/chromium.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withChromium } from './chromium.js';

export interface BrowserRun {
  /** The network's output for the input, as the page computed it. */
  shape: number[];
  values: number[];
  /** The TF.js version and backend the page ran. */
  tfjs: string;
  backend: string;
  /** The layer classes the model file names, as the page read them. */
  layers: string[];
  /** Requests the page made to anything but its own origin (all refused). */
  external: string[];
}

// A made-up origin that the route below answers from local files: a page opened from
// file:// could not fetch the model files, as a page served over HTTP can.
const ORIGIN = 'http://tsgan.invalid';

// tsgan's layer registration as a page imports it ('tsgan/layers'): one module with no imports.
const LAYERS_MODULE = fileURLToPath(new URL('../src/nn/portable-layers.js', import.meta.url));

/**
 * Loads `modelDir/model.json` with `tf.loadLayersModel` in a page on TF.js's
 * cpu backend (deterministic, and present in every browser) and runs it on
 * `input` (row-major values of `shape`). With `registerLayers`, the page
 * first imports tsgan's layer module and registers its layers with the
 * page's TF.js, as a page that loads a model with attention blocks does.
 */
export async function predictInBrowser(modelDir: string, input: { shape: number[]; values: ArrayLike<number> }, opts: { registerLayers?: boolean } = {}): Promise<BrowserRun> {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('@tensorflow/tfjs/dist/tf.min.js'));
  const register = opts.registerLayers ? `<script type="module">import { registerTsganLayers } from '/tsgan-layers.js'; registerTsganLayers(window.tf);</script>` : '';
  const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="/tf.min.js"></script>${register}</head><body></body></html>`;
  return withChromium(async (browser) => {
    const tab = await browser.newPage();
    const external: string[] = [];
    await tab.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) {
        external.push(url.href);
        return route.abort();
      }
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: page });
      if (url.pathname === '/tf.min.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
      if (url.pathname === '/tsgan-layers.js' && opts.registerLayers) return route.fulfill({ contentType: 'text/javascript', body: readFileSync(LAYERS_MODULE) });
      if (url.pathname.startsWith('/model/')) {
        // Only the directory's own files (model.json, weights.bin): no path leaves it.
        const name = url.pathname.slice('/model/'.length);
        if (/^[\w.-]+$/.test(name)) {
          try {
            return route.fulfill({ contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', body: readFileSync(join(modelDir, name)) });
          } catch {
            // missing: 404 below
          }
        }
      }
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await tab.goto(`${ORIGIN}/`, { waitUntil: 'load' });
    const run = await tab.evaluate(
      async ({ shape, values }) => {
        // The page's global from tf.min.js; this function runs in the browser, not in Node.
        const tf = (globalThis as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
        await tf.setBackend('cpu');
        const model = await tf.loadLayersModel('/model/model.json');
        const x = tf.tensor(values, shape);
        const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
        const out = { shape: y.shape, values: Array.from(await y.data()), tfjs: tf.version.tfjs, backend: tf.getBackend(), layers: model.layers.map((l) => l.getClassName()) };
        tf.dispose([x, y]);
        model.dispose();
        return out;
      },
      { shape: input.shape, values: Array.from(input.values) },
    );
    return { ...run, external };
  });
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('browser-model.js')) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node dist/tools/browser-model.js MODEL_DIR   (a directory with model.json, e.g. RUN/generator)\n');
    process.exit(2);
  }
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  // [batch, time, noise] for a recurrent generator; [batch, noise] for the dense GAN's.
  const inShape: (number | null)[] = json.modelTopology.config.layers[0].config.batch_input_shape;
  const shape = inShape.map((d, i) => (i === 0 ? 2 : d ?? 24));
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7919) % 1000) / 1000);
  // A model with tsgan's own layers needs them registered in the page first.
  const r = await predictInBrowser(dir, { shape, values }, { registerLayers: JSON.stringify(json.modelTopology).includes('"Tsgan') });
  process.stdout.write(`TF.js ${r.tfjs} (${r.backend}) in Chromium: ${r.layers.join(' → ')}; input [${shape.join(', ')}] → output [${r.shape.join(', ')}]; external requests: ${r.external.length}\n`);
  process.exit(r.external.length > 0 ? 1 : 0);
}
