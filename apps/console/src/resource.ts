import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from './api';
import { type Envelope, type Freshness } from './api.types';
import { type Problem } from './problem';

export interface Resource<T> {
  readonly data: T | null;
  readonly freshness: readonly Freshness[];
  readonly problem: Problem | null;
  readonly loading: boolean;
  /** The cursor of the next page, for paged lists. */
  readonly next: string | null;
  /** Fetch again, keeping what is shown until the answer arrives (no flicker on live updates). */
  readonly reload: () => void;
}

const consoleFault = (e: unknown): Problem => ({
  status: 0,
  code: 'console_error',
  title: 'The console could not show this',
  detail: `${e instanceof Error ? e.message : String(e)}. Reload the page; if it happens again, tell support.`,
  reference: null,
});

const asList = (f: Envelope<unknown>['freshness']): readonly Freshness[] =>
  f === undefined ? [] : Array.isArray(f) ? (f as readonly Freshness[]) : [f as Freshness];

/**
 * One API resource for a component. A newer request supersedes an older one still in flight,
 * so a burst of live updates never shows an out-of-order answer. `onProblem` sees every failure
 * first (the app signs out on 401).
 */
export function useResource<T>(
  load: ((signal: AbortSignal) => Promise<Envelope<T>>) | null,
  deps: readonly unknown[],
  onProblem: (p: Problem) => void,
): Resource<T> {
  const [state, setState] = useState<Omit<Resource<T>, 'reload'>>({
    data: null,
    freshness: [],
    problem: null,
    loading: load !== null,
    next: null,
  });
  const [tick, setTick] = useState(0);
  const current = useRef<AbortController | null>(null);
  const keyed = useRef<readonly unknown[]>(deps);

  useEffect(() => {
    if (load === null) return;
    const sameKey =
      keyed.current.length === deps.length && keyed.current.every((d, i) => d === deps[i]);
    keyed.current = deps;
    current.current?.abort();
    const ctl = new AbortController();
    current.current = ctl;
    setState((s) =>
      sameKey
        ? { ...s, loading: true }
        : { data: null, freshness: [], problem: null, loading: true, next: null },
    );
    load(ctl.signal).then(
      (env) => {
        if (ctl.signal.aborted) return;
        setState({
          data: env.data,
          freshness: asList(env.freshness),
          problem: null,
          loading: false,
          next: env.page?.next ?? null,
        });
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        const problem = e instanceof ApiProblem ? e.problem : consoleFault(e);
        onProblem(problem);
        setState((s) => ({ ...s, problem, loading: false }));
      },
    );
    return () => ctl.abort();
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
