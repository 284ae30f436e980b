/**
 * "The change of coordinates" as mathematics: two classes of points that no
 * rule on x or y alone separates, and the rotation of the axes after which
 * the rule is simply "filled points have x > 0". Pure and seeded.
 */
import { mulberry32 } from '../../lib/random.ts';

/** The angle between the original axes and the ones where the rule is x > 0. */
export const THETA = (40 * Math.PI) / 180;

/** Points in the "good" coordinates (u, v): filled ones have u > 0. Seeded. */
export function makeCoordinatePoints(seed: number, n = 60): { u: number; v: number; filled: boolean }[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    u: (0.15 + 0.85 * random()) * (i % 2 === 0 ? 1 : -1),
    v: 2 * random() - 1,
    filled: i % 2 === 0,
  }));
}

/** Coordinates of a point when the axes are turned by `t` of THETA (0 = original axes, 1 = new axes). */
export function coordinatesAt(p: { u: number; v: number }, t: number): [number, number] {
  // Original coordinates are (u, v) rotated by THETA; turning the axes by t·THETA undoes t of it.
  const a = THETA * (1 - t);
  return [p.u * Math.cos(a) - p.v * Math.sin(a), p.u * Math.sin(a) + p.v * Math.cos(a)];
}

/** The figure's state: are the axes turned? */
export interface CoordinatesState {
  turned: boolean;
}

export type CoordinatesAction = { type: 'toggle' } | { type: 'set'; turned: boolean };

export function reduce(state: CoordinatesState, action: CoordinatesAction): CoordinatesState {
  const turned = action.type === 'toggle' ? !state.turned : action.turned;
  return turned === state.turned ? state : { turned };
}

/** The seed of the points: the same figure in every window. */
export const POINTS_SEED = 7;
