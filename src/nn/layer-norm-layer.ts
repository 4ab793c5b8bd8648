/**
 * A layer-normalised recurrent layer (Ba, Kiros & Hinton 2016) as a
 * tfjs-layers Layer, so that a model trained with `layerNorm` still saves as
 * a standard LayersModel directory. tfjs-layers has no such cell, so the
 * layer is tsgan's own class: `tf.loadLayersModel` reads it once this module
 * has registered it (importing tsgan does), in Node or in a browser. Its
 * call is the reference path of src/nn/recurrent.ts, so a loaded model
 * computes exactly what tsgan trained.
 */
import { tf } from '../engine.js';
import { runLayer, lastState, gateCount, layerNormShapes, type CellType, type LayerTensors } from './recurrent.js';

export interface LayerNormRecurrentArgs {
  /** 'rnn', 'lstm' or 'gru'. */
  cell: CellType;
  /** Units. */
  units: number;
  /** Return every step ([batch, time, units]) or the last ([batch, units]). */
  returnSequences?: boolean;
  name?: string;
  /** Only on the first layer of a model: [time (null for any), features]. */
  inputShape?: (number | null)[];
}

export class LayerNormRecurrent extends tf.layers.Layer {
  static readonly className = 'TsganLayerNormRecurrent';
  readonly cell: CellType;
  readonly units: number;
  readonly returnSequences: boolean;
  private weightsInOrder: tf.LayerVariable[] = [];

  constructor(args: LayerNormRecurrentArgs) {
    super(args as unknown as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.cell = args.cell;
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1] as number;
    const GH = gateCount(this.cell) * this.units;
    // Zeros everywhere: the real values are copied in with setWeights or read from weights.bin.
    const add = (name: string, s: number[]) => this.addWeight(name, s, 'float32', tf.initializers.zeros());
    this.weightsInOrder = [
      add('kernel', [features, GH]),
      add('recurrent_kernel', [this.units, GH]),
      add('bias', [GH]),
      ...layerNormShapes(this.cell, this.units).map((s, i) => add(['gain_x', 'gain_h', 'gain_c', 'shift_c'][i], s)),
    ];
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [kernel, recurrentKernel, bias, gainX, gainH, gainC, shiftC] = this.weightsInOrder.map((w) => w.read());
      const w: LayerTensors = { kernel, recurrentKernel, bias, norm: { gainX, gainH, gainC, shiftC } };
      const seq = runLayer(this.cell, w, x, this.units); // [batch, time, units]
      return this.returnSequences ? seq : lastState(seq);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cell: this.cell, units: this.units, returnSequences: this.returnSequences };
  }
}

tf.serialization.registerClass(LayerNormRecurrent);
