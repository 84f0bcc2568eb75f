/** What every training stage is told: how long and how fast to train, where to write, whom to tell. */
export interface StageOptions {
  steps: number;
  batch: number;
  learningRate: number;
  evalEvery: number;
  seed: number;
  out: string;
  onStep: (step: number, loss: number) => void;
  log: (line: string) => void;
}
