/**
 * The training loop around a Trainer: epochs of batches, metrics read back a
 * few steps at a time while the device keeps working, evaluation after each
 * epoch, pauses, and detection of the failures that call for another backend.
 * DOM-free; the worker and the Node tests drive it the same way.
 */
import type { Evaluation, StepTensors, Trainer } from './trainer.ts';

export interface BatchReport {
  epoch: number;
  /** 1-based step within the epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** Optimizer steps since the start of training. */
  step: number;
  loss: number;
  accuracy: number;
  size: number;
}

export interface EpochReport extends Evaluation {
  epoch: number;
}

export interface LoopHooks {
  onBatches(batches: BatchReport[]): void;
  onEpoch(report: EpochReport): void | Promise<void>;
  /** Resolves when training may go on (not paused); rejects to stop. */
  proceed(): Promise<void>;
  /** Resolves when more training data may have arrived. */
  dataArrived(): Promise<void>;
  /** Resolves when the test data is there to evaluate on. */
  testDataReady?(): Promise<void>;
}

/** Why training cannot go on with this backend. */
export class TrainingFault extends Error {
  readonly kind: 'nan' | 'device';
  constructor(kind: 'nan' | 'device', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrainingFault';
    this.kind = kind;
  }
}

/** Lets the event loop run: messages (pause, predict) are handled between steps even on the CPU. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Trains from where the trainer is (its sampler knows the epoch and position)
 * to the end of the last epoch.
 *
 * @param readEvery Steps per metrics read-back. Reading back forces the
 *   device to finish its queued work, so it is done rarely and overlapped
 *   with the next steps.
 */
export async function runTraining(trainer: Trainer, hooks: LoopHooks, readEvery = 4): Promise<void> {
  const { tf } = trainer;
  const epochs = trainer.config.epochs;
  let pending: (StepTensors & { report: Omit<BatchReport, 'loss' | 'accuracy'> })[] = [];
  let inFlight: Promise<void> = Promise.resolve();

  const flush = async () => {
    const batch = pending;
    pending = [];
    await inFlight;
    if (batch.length === 0) return;
    const stacked = tf.tidy(() => tf.stack(batch.flatMap((b) => [b.loss, b.correct])));
    batch.forEach((b) => {
      b.loss.dispose();
      b.correct.dispose();
    });
    inFlight = (stacked.data() as Promise<Float32Array>)
      .catch((error: unknown) => {
        throw new TrainingFault('device', `the device stopped answering (${(error as Error).message ?? error})`, { cause: error });
      })
      .then((values) => {
        stacked.dispose();
        const reports = batch.map((b, i) => ({ ...b.report, loss: values[2 * i]!, accuracy: values[2 * i + 1]! / b.size }));
        const bad = reports.find((r) => !Number.isFinite(r.loss));
        if (bad) throw new TrainingFault('nan', `the loss became ${bad.loss} at step ${bad.step}`);
        hooks.onBatches(reports);
      });
  };

  while (trainer.sampler.epoch < epochs) {
    if (trainer.sampler.epochDone) {
      await flush();
      await inFlight;
      await hooks.testDataReady?.();
      let evaluation;
      try {
        evaluation = await trainer.evaluate();
      } catch (error) {
        throw new TrainingFault('device', `the evaluation failed (${(error as Error).message ?? error})`, { cause: error });
      }
      await hooks.onEpoch({ epoch: trainer.sampler.epoch + 1, ...evaluation });
      if (trainer.sampler.epoch + 1 >= epochs) break;
      trainer.sampler.nextEpoch();
      continue;
    }
    await hooks.proceed();
    let step: StepTensors | null;
    try {
      step = trainer.trainBatch();
    } catch (error) {
      throw new TrainingFault('device', (error as Error).message ?? String(error), { cause: error });
    }
    if (step === null) {
      await flush();
      await hooks.dataArrived();
      continue;
    }
    if (step.size === 0) {
      step.loss.dispose();
      step.correct.dispose();
      continue;
    }
    pending.push({
      ...step,
      report: {
        epoch: trainer.sampler.epoch + 1,
        stepInEpoch: Math.ceil(trainer.sampler.served / trainer.config.batchSize),
        stepsPerEpoch: trainer.stepsPerEpoch,
        step: trainer.step,
        size: step.size,
      },
    });
    if (pending.length >= readEvery) {
      await flush();
      await yieldToEventLoop();
    }
  }
  await flush();
  await inFlight;
}
