/**
 * No slide parameters yet: the run is the lecture's Keras program. A link
 * shortens it with the address's parameters (src/params.ts: train-size,
 * test-size, epochs, backend, runs).
 */
import { z } from 'zod';

export const params = z.object({}).strict();

export type LiveParams = z.output<typeof params>;
