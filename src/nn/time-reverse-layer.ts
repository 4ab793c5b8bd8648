/**
 * Reverses a sequence in time ([batch, time, features] → the same, steps in
 * reverse order) as a tfjs-layers Layer, so that a bidirectional network
 * made of two plain recurrent stacks (one run on the reversed sequence, its
 * output reversed back) saves as a standard LayersModel. tfjs-layers'
 * Bidirectional wrapper does this per layer; tsgan's bidirectional
 * discriminator runs each direction as one whole stack (one fused kernel
 * call each), so it needs the reversal as a layer of its own. Defined in
 * the import-free module a page registers (portable-layers.ts); registered
 * on import.
 */
import { tf } from '../engine.js';
import { registerTsganLayers } from './portable-layers.js';

export const TimeReverse = registerTsganLayers(tf).TimeReverse;
