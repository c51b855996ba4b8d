import { BENCH_IDS, type BenchId } from './report';

export interface BenchOptions {
  readonly quick: boolean;
  readonly only: readonly BenchId[];
  /** Pass --cpu-prof to the processes under test, profiles in bench/profiles/. */
  readonly profile: boolean;
  readonly output: string;
  /** B3's event count instead of the size's own (a 1 M replay takes most of an hour here). */
  readonly b3Events?: number;
  /** B1's preloaded population instead of the size's own. */
  readonly b1Population?: Population;
  /** Events of B8's hot customer instead of the size's own. */
  readonly b8Events?: number;
  /** B1 offers this rate once instead of searching for the highest flat one (investigations). */
  readonly b1Offer?: number;
}

export interface Population {
  readonly customers: number;
  /** Mean events per customer; customer activity stays Zipf-skewed around it. */
  readonly eventsPerCustomer: number;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only B1,B5] [--profile] [--output BENCHMARKS.md]
  --quick     small workloads, the whole run in under two minutes (CI smoke check)
  --only      comma-separated benchmark ids (${BENCH_IDS.join(', ')})
  --profile   write CPU profiles of the processes under test to bench/profiles/
  --output    the markdown file to rewrite (default BENCHMARKS.md)
  --b3-events events to replay in B3 (default 1 000 000, 1 000 with --quick)
  --b1-population CUSTOMERSxEVENTS  B1's preloaded history, e.g. 20000x200 (default 5000x200, 1000x20 with --quick)
  --b1-offer  events/s: B1 offers this steady rate once instead of searching for the highest
              flat one (to study one load; the verdict still needs the lag to stay flat)
  --b8-events events of B8's hot customer (default 1 000 000, 20 000 with --quick)`;

export class UsageError extends Error {}

/** Parses the command line; an unknown option or id is a usage error naming it. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let profile = false;
  let only: BenchId[] = [...BENCH_IDS];
  let output = 'BENCHMARKS.md';
  let b3Events: number | undefined;
  let b1Population: Population | undefined;
  let b8Events: number | undefined;
  let b1Offer: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--profile':
        profile = true;
        break;
      case '--only': {
        const ids = value()
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter(Boolean);
        const unknown = ids.filter((s) => !(BENCH_IDS as readonly string[]).includes(s));
        if (unknown.length > 0 || ids.length === 0)
          throw new UsageError(
            `--only: unknown benchmark ${unknown.join(', ') || '(none)'}; expected ${BENCH_IDS.join(', ')}`,
          );
        only = BENCH_IDS.filter((id) => ids.includes(id));
        break;
      }
      case '--output':
        output = value();
        break;
      case '--b3-events': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 100)
          throw new UsageError('--b3-events needs a whole number ≥ 100');
        b3Events = n;
        break;
      }
      case '--b1-population': {
        const m = /^(\d+)x(\d+)$/.exec(value());
        const customers = Number(m?.[1]);
        const eventsPerCustomer = Number(m?.[2]);
        if (!m || customers < 10 || eventsPerCustomer < 2)
          throw new UsageError(
            '--b1-population needs CUSTOMERSxEVENTS, at least 10 customers of 2 events (e.g. 20000x200)',
          );
        b1Population = { customers, eventsPerCustomer };
        break;
      }
      case '--b1-offer': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1)
          throw new UsageError('--b1-offer needs a whole number ≥ 1');
        b1Offer = n;
        break;
      }
      case '--b8-events': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1000)
          throw new UsageError('--b8-events needs a whole number ≥ 1000');
        b8Events = n;
        break;
      }
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return {
    quick,
    only,
    profile,
    output,
    ...(b3Events ? { b3Events } : {}),
    ...(b1Population ? { b1Population } : {}),
    ...(b8Events ? { b8Events } : {}),
    ...(b1Offer ? { b1Offer } : {}),
  };
}
