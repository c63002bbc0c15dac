/** Options of generateScenario. */
export interface GenerateScenarioOptions {
  /** Number of GPUs (0..256, default 8). */
  devices?: number;
  /** Compute processes per GPU (default 2); placeholder PIDs pidBase, pidBase+1, ... */
  processesPerDevice?: number;
  /** Give NVLink to the models that have it (default true). */
  nvlink?: boolean;
  /** First placeholder PID (default 4800000). */
  pidBase?: number;
  /** PRNG seed (default 1): same seed, same scenario. */
  seed?: number;
  driverVersion?: string;
  cudaDriverVersion?: number;
}
/** An N-device scenario object (format: test/fake-nvml/README.md). */
export declare function generateScenario(options?: GenerateScenarioOptions): {
  description: string;
  driverVersion: string;
  nvmlVersion: string;
  cudaDriverVersion: number;
  devices: Array<Record<string, unknown>>;
};
