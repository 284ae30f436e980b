/**
 * The stepper that animated figures share: "Play" calls `tick` at an
 * interval until it says to stop or someone pauses. Only controllers (the
 * projected deck) run one; mirrors draw the states it produces.
 */
export interface Player {
  readonly playing: boolean;
  play(): void;
  stop(): void;
}

/**
 * @param tick Called every `interval` ms while playing; return false to stop.
 * @param onChange Called when playing starts or stops (to redraw the button).
 */
export function createPlayer(interval: number, tick: () => boolean, onChange: (playing: boolean) => void = () => {}): Player {
  let timer: ReturnType<typeof setInterval> | undefined;
  const player: Player = {
    get playing() {
      return timer !== undefined;
    },
    play() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        if (!tick()) player.stop();
      }, interval);
      onChange(true);
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      onChange(false);
    },
  };
  return player;
}
