/**
 * The smallest demo there is, to copy when writing a new one (see
 * src/demos/README.md): a counter. Its state is data, and actions change it
 * through one pure function, so every window that draws it agrees.
 */
export interface CounterState {
  count: number;
}

export type CounterAction = { type: 'add'; by: number } | { type: 'reset' } | { type: 'goto'; count: number };

export function reduce(state: CounterState, action: CounterAction): CounterState {
  switch (action.type) {
    case 'add':
      return { count: state.count + action.by };
    case 'reset':
      return { count: 0 };
    case 'goto':
      return { count: action.count };
  }
}
