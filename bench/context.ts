import type { BenchOptions, Population } from './options';
import type { RealEngines } from './engines';
import { DEFAULT_WORKLOAD, type BenchWorkloadOptions } from './workload';

/** Workload sizes per benchmark: full runs aim at stable figures, --quick at a smoke check. */
export interface Sizes {
  /** B1's preloaded history: customers × mean events each. */
  readonly b1Population: Population;
  readonly b1SustainSeconds: number;
  /** The backlog B2, B4 and B7 fold before they measure (a 20-events-per-customer workload). */
  readonly warmEvents: number;
  readonly b5Events: number;
  /** B5's events posted before the clock starts (the ingest process's JIT and connections). */
  readonly b5WarmupEvents: number;
  /** ProducerPerformance: records of the untimed warm-up run, then of the measured run. */
  readonly b5ToolWarmupRecords: number;
  readonly b5ToolRecords: number;
  readonly b6Events: number;
  readonly b7WindowSeconds: number;
  readonly b2Seconds: number;
  readonly b3Events: number;
  /** B8: the hot customer's events, the population folded beside it, and the time allowed. */
  readonly b8Events: number;
  readonly b8PopulationEvents: number;
  readonly b8Seconds: number;
}

// Sized for FerretDB on two cores, where the projector drains two to three thousand events/s:
// B1's million-event preload drains in about seven minutes.
export const FULL: Sizes = {
  b1Population: { customers: 5_000, eventsPerCustomer: 200 },
  b1SustainSeconds: 60,
  warmEvents: 40_000,
  b5Events: 200_000,
  b5WarmupEvents: 20_000,
  b5ToolWarmupRecords: 200_000,
  b5ToolRecords: 1_000_000,
  b6Events: 200_000,
  b7WindowSeconds: 60,
  b2Seconds: 60,
  b3Events: 1_000_000,
  b8Events: 1_000_000,
  b8PopulationEvents: 200_000,
  b8Seconds: 900,
};

export const QUICK: Sizes = {
  b1Population: { customers: 1_000, eventsPerCustomer: 20 },
  b1SustainSeconds: 5,
  warmEvents: 1_000,
  b5Events: 10_000,
  b5WarmupEvents: 2_000,
  b5ToolWarmupRecords: 100_000,
  b5ToolRecords: 200_000,
  b6Events: 10_000,
  b7WindowSeconds: 5,
  b2Seconds: 3,
  b3Events: 1_000,
  b8Events: 20_000,
  b8PopulationEvents: 20_000,
  b8Seconds: 30,
};

/** What B1 leaves for the benchmarks that compare against it (B2's rate, B3's and B7's ratio). */
export interface ProjectorFigures {
  readonly topic: string;
  readonly prefix: string;
  readonly events: number;
  readonly sustainedRate: number;
}

export interface BenchContext {
  readonly options: BenchOptions;
  readonly sizes: Sizes;
  readonly id: string;
  readonly date: string;
  log(line: string): void;
  /** Started on first use (or taken from KAFKA_BROKERS/MONGO_URL). */
  engines(): RealEngines;
  workload(events: number, tag: string): BenchWorkloadOptions;
  projector?: ProjectorFigures;
}

/** About 20 events per customer over two years; ids tagged per benchmark so stores never mix. */
export function workloadFor(events: number, tag: string): BenchWorkloadOptions {
  return {
    ...DEFAULT_WORKLOAD,
    events,
    customers: Math.max(100, Math.round(events / 20)),
    idPrefix: tag,
  };
}

/** A benchmark whose subject is missing from this build (e.g. the agent API): skipped, not failed. */
export class Unavailable extends Error {}
