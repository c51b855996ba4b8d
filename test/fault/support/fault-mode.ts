/**
 * How long the fault scenarios run. CI runs the short form (a few minutes in all); the full form,
 * the one FAULTS.md reports, is chosen with TOUCHPOINT_FAULTS=full. Only tests read this variable:
 * the product has no notion of a fault run.
 */
export interface FaultMode {
  readonly name: 'short' | 'full';
  /** How long the store stays stopped in the store-down scenario. */
  readonly storeDownMs: number;
  /** How long the store stays dead after its SIGKILL. */
  readonly storeKilledMs: number;
  /** Events of the seeded workload each scenario offers. */
  readonly events: number;
  /** Events per second the workload offers (through ingest and straight to Kafka together). */
  readonly ratePerSecond: number;
  /** The longest a scenario waits for the models to equal the oracle after the fault. */
  readonly recoverTimeoutMs: number;
}

export function faultMode(env: NodeJS.ProcessEnv = process.env): FaultMode {
  const chosen = env.TOUCHPOINT_FAULTS ?? 'short';
  if (chosen === 'full') {
    return {
      name: 'full',
      storeDownMs: 30_000,
      storeKilledMs: 30_000,
      events: 6000,
      ratePerSecond: 80,
      recoverTimeoutMs: 300_000,
    };
  }
  if (chosen !== 'short') {
    // A typo must not silently run the short form while the operator believes in the full one.
    throw new Error(`TOUCHPOINT_FAULTS=${chosen}: expected 'short' or 'full'`);
  }
  return {
    name: 'short',
    storeDownMs: 10_000,
    storeKilledMs: 10_000,
    events: 1200,
    ratePerSecond: 60,
    recoverTimeoutMs: 150_000,
  };
}
