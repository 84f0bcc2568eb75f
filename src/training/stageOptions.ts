/** What every training stage is told: how long and how fast to train, where to write, whom to tell. */
export interface StageOptions {
  steps: number;
  batch: number;
  learningRate: number;
  /** With it, the rate decays by a cosine to learningRate × this at the last step; without it, constant. */
  learningRateFloor?: number;
  evalEvery: number;
  /** Stop once this many validations in a row bring no improvement (default: run every step). */
  patience?: number;
  /** Continue from the stage's last checkpoint (weights, optimizer state, step) where one was left. */
  resume?: boolean;
  /**
   * Validate, keep and end with a moving average of the weights over the steps, with this decay per step
   * (`weightAverage.ts`), instead of the weights themselves. Default: none.
   */
  averageDecay?: number;
  seed: number;
  out: string;
  onStep: (step: number, loss: number) => void;
  log: (line: string) => void;
}
