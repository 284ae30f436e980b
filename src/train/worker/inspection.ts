/**
 * A digit's path through a trained network, for the lab's "digit's path"
 * and the ruler's saliency map: the hidden layer's activations, its most
 * active units and their templates, the ten probabilities, and where the
 * network looks (the saliency map of the predicted class). Built on the
 * trainer's own tensors: nothing is downloaded and uploaded again but the
 * answer and the few template columns it needs.
 *
 * The full path is drawn for networks of one dense hidden layer (the
 * lecture's); for any other, the answer holds the probabilities alone.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { activations, kernelColumns, predict } from '../model/inference.ts';
import { saliency, templates, topUnits, type DenseParameters } from '../model/interpret.ts';
import { argmax } from '../model/metrics.ts';
import type { Trainer } from '../model/trainer.ts';
import type { Inspection } from '../protocol.ts';
import { flatten } from './reports.ts';

/** Inspects one input of 784 values in [0, 1], with the `top` most active hidden units. */
export async function inspect(trainer: Trainer, input: Float32Array, top: number): Promise<Inspection> {
  const layers = trainer.config.model.layers;
  if (layers.length !== 1 || layers[0]!.type !== 'dense') {
    const probabilities = await predict(trainer, input, 1);
    return {
      hidden: new Float32Array(0),
      top: [],
      templates: new Float32Array(0),
      limit: 0,
      probabilities,
      saliency: new Float32Array(IMAGE_BYTES),
      classIndex: argmax(probabilities),
    };
  }
  const [w1, b1, w2, b2] = trainer.parameters;
  const params = { w1, b1, w2, b2 } as DenseParameters;
  const [path, map] = await Promise.all([activations(trainer, input, 1), saliency(trainer.tf, params, input)]);
  const hidden = path[0]!.values;
  const units = topUnits(hidden, top);
  const t =
    units.length === 0
      ? { images: [], limit: 0 }
      : templates(
          await kernelColumns(trainer, 0, units),
          units.length,
          units.map((_, k) => k),
        );
  return {
    hidden,
    top: units,
    templates: flatten(t.images),
    limit: t.limit,
    probabilities: path[1]!.values,
    saliency: map.map,
    classIndex: map.classIndex,
  };
}
