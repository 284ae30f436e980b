/**
 * Messages between the live slide (page) and its training worker. Both sides
 * import these types, so a message the other side does not understand is a
 * compile error.
 */
import type { BackendName, TrainingConfig } from './config.ts';
import type { BatchReport } from './loop.ts';

/** A fault to inject, for testing the recovery paths (?fault=device-lost@20 or ?fault=nan@20). */
export interface FaultSpec {
  kind: 'device-lost' | 'nan';
  atStep: number;
}

export type TrainerState = 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error';

export type ToWorker =
  | { type: 'init'; config: TrainingConfig; manifestUrl: string; wasmPaths: Record<string, string>; testIndices: number[]; fault?: FaultSpec }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' }
  | { type: 'predict'; id: number; input: Float32Array };

export type FromWorker =
  | { type: 'backend'; backend: BackendName; notes: string[] }
  | { type: 'state'; state: TrainerState }
  | { type: 'data'; split: 'train' | 'test'; loadedBytes: number; totalBytes: number; loadedExamples: number; totalExamples: number }
  | { type: 'batches'; batches: BatchReport[]; examplesPerSecond: number }
  | { type: 'epoch'; epoch: number; accuracy: number; loss: number; confusion: number[][] }
  | { type: 'test-predictions'; indices: number[]; labels: number[]; predicted: number[]; confidence: number[]; images: Uint8Array }
  | { type: 'prediction'; id: number; probabilities: Float32Array }
  | { type: 'tensors'; count: number }
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string; retry: 'start' | 'reset' | 'reload' };
