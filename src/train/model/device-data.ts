/**
 * A run's examples on the device: the training images and one-hot labels,
 * uploaded once per shard as they arrive and concatenated there, and the
 * test set. Host copies are kept, so that the whole lot can be uploaded
 * again to another backend after a failure (the old backend's tensors are
 * gone with it). Pixels travel as bytes and are scaled to [0, 1] on the
 * device.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { CLASSES, IMAGE_BYTES } from '../../mnist/format.ts';

type TF = typeof tfc;

export class DeviceData {
  readonly #tf: TF;
  /** The most training examples to keep (the run's trainSize). */
  readonly #capacity: number;
  /** The most test examples to keep (the run's testSize). */
  readonly #testCapacity: number;
  x: tfc.Tensor2D | undefined;
  y: tfc.Tensor2D | undefined;
  xTest: tfc.Tensor2D | undefined;
  yTest: tfc.Tensor2D | undefined;
  testLabels: Uint8Array = new Uint8Array(0);
  #testImages: Uint8Array = new Uint8Array(0);
  /** Host copies of the training data, to upload again on another backend. */
  #host: { labels: Uint8Array[]; images: Uint8Array[] } = { labels: [], images: [] };

  constructor(tf: TF, capacity: number, testCapacity: number) {
    this.#tf = tf;
    this.#capacity = capacity;
    this.#testCapacity = testCapacity;
  }

  /** Training examples on the device. */
  get count(): number {
    return this.x?.shape[0] ?? 0;
  }

  /** Adds training examples (labels 0–9, images 784 bytes each) up to the capacity; returns how many were taken. */
  add(labels: Uint8Array, images: Uint8Array): number {
    const count = Math.min(this.#capacity - this.count, labels.length);
    if (count <= 0) return 0;
    const l = labels.subarray(0, count);
    const i = images.subarray(0, count * IMAGE_BYTES);
    this.#host.labels.push(l);
    this.#host.images.push(i);
    this.#upload(l, i);
    return count;
  }

  /** Sets the test examples (at most the test capacity). */
  setTest(labels: Uint8Array, images: Uint8Array): void {
    const count = Math.min(this.#testCapacity, labels.length);
    this.testLabels = labels.slice(0, count);
    this.#testImages = images.subarray(0, count * IMAGE_BYTES);
    this.xTest?.dispose();
    this.yTest?.dispose();
    this.xTest = this.images(this.#testImages, count);
    this.yTest = this.#oneHot(this.testLabels);
  }

  /** Uploads everything again from the host copies: after a switch of backend. */
  reupload(): void {
    this.#disposeTensors();
    this.#host.labels.forEach((labels, i) => this.#upload(labels, this.#host.images[i]!));
    if (this.testLabels.length > 0) this.setTest(this.testLabels, this.#testImages);
  }

  /** Pixels 0–255 to float32 in [0, 1], scaled on the device. */
  images(bytes: Uint8Array, count: number): tfc.Tensor2D {
    const tf = this.#tf;
    return tf.tidy(() => tf.div(tf.cast(tf.tensor2d(Int32Array.from(bytes), [count, IMAGE_BYTES], 'int32'), 'float32'), 255));
  }

  /** Lets go of the device tensors and the host copies. */
  release(): void {
    this.#disposeTensors();
    this.#host = { labels: [], images: [] };
    this.testLabels = new Uint8Array(0);
    this.#testImages = new Uint8Array(0);
  }

  /** Lets go of the device tensors only (their backend is gone or going). */
  dropTensors(): void {
    this.#disposeTensors();
  }

  #upload(labels: Uint8Array, images: Uint8Array): void {
    const tf = this.#tf;
    const x = this.images(images, labels.length);
    const y = this.#oneHot(labels);
    if (this.x && this.y) {
      const [oldX, oldY] = [this.x, this.y];
      this.x = tf.concat([oldX, x]);
      this.y = tf.concat([oldY, y]);
      [oldX, oldY, x, y].forEach((t) => t.dispose());
    } else {
      this.x = x;
      this.y = y;
    }
  }

  #oneHot(labels: Uint8Array): tfc.Tensor2D {
    const tf = this.#tf;
    return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), CLASSES), 'float32') as tfc.Tensor2D);
  }

  #disposeTensors(): void {
    for (const t of [this.x, this.y, this.xTest, this.yTest]) t?.dispose();
    this.x = this.y = this.xTest = this.yTest = undefined;
  }
}

/** Refuses examples the page sent that are not MNIST-shaped: 784 bytes per image, labels 0–9. */
export function checkExamples(name: string, set: { labels: Uint8Array; images: Uint8Array } | undefined): void {
  if (!set) return;
  if (set.images.length !== set.labels.length * IMAGE_BYTES)
    throw new Error(
      `the run's ${name} examples have ${set.images.length} image bytes for ${set.labels.length} labels; each image is 784 bytes`,
    );
  if (set.labels.some((label) => label > 9)) throw new Error(`the run's ${name} examples have a label above 9`);
}
