/**
 * "I'm lost", as data: phones tell the presenter, without a word and without
 * a name, that they have lost the thread on the slide in front of them. The
 * presenter's deck counts the phones lost on its current slide, shows the
 * count in the speaker view, and starts again from zero on the next slide,
 * while remembering the most phones each slide lost (`peaks`), which tells
 * the lecturer after the lecture which slides to explain better.
 *
 * A mark counts only on the slide the presenter shows: a phone that reads
 * ahead, or a mark that arrives after the presenter moved on, says nothing
 * about the slide on screen. Pure and DOM-free; `reduceLost` returns the
 * very state it was given when an action changes nothing.
 */

export interface LostState {
  /** The presenter's current slide; undefined until the deck says which. */
  slide: string | undefined;
  /** The phones lost on it now, by anonymous id, in the order they said so. */
  lost: readonly string[];
  /** The most phones lost at once on each slide, by slide id. Read with `peakOf`. */
  peaks: Readonly<Record<string, number>>;
}

export type LostAction =
  /** A phone said it is lost on a slide (`lost`), or that it follows again. */
  | { type: 'lost'; from: string; slide: string; lost: boolean }
  /** The presenter moved to another slide. */
  | { type: 'moved'; slide: string };

export function emptyLost(slide?: string): LostState {
  return { slide, lost: [], peaks: {} };
}

/** The most phones lost at once on a slide; 0 for a slide no one was lost on (a slide called `constructor` too). */
export function peakOf(state: LostState, slide: string): number {
  return Object.hasOwn(state.peaks, slide) ? (state.peaks[slide] ?? 0) : 0;
}

/** Applies an action (pure): the same state when the action changes nothing or comes for another slide. */
export function reduceLost(state: LostState, action: LostAction): LostState {
  switch (action.type) {
    case 'moved':
      if (action.slide === state.slide) return state;
      return { slide: action.slide, lost: [], peaks: state.peaks };
    case 'lost': {
      if (state.slide === undefined || action.slide !== state.slide || typeof action.from !== 'string' || action.from === '') return state;
      const marked = state.lost.includes(action.from);
      if (action.lost === marked) return state;
      if (!action.lost) return { ...state, lost: state.lost.filter((id) => id !== action.from) };
      const lost = [...state.lost, action.from];
      const peaks = lost.length > peakOf(state, state.slide) ? { ...state.peaks, [state.slide]: lost.length } : state.peaks;
      return { ...state, lost, peaks };
    }
  }
}
