import { type Envelope, type ErrorBody } from './api.types';
import { describeProblem, type Problem, type ProblemContext } from './problem';

/** A failed request, already described in words (see describeProblem). */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
  }
}

export type Query = Readonly<Record<string, string | number | null | undefined>>;

export function apiPath(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/** GET a `/v1` resource with the agent's token; any failure becomes an ApiProblem. */
export async function getJson<T>(
  token: string,
  path: string,
  ctx: ProblemContext,
  signal?: AbortSignal,
): Promise<Envelope<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiProblem(describeProblem(0, null, ctx));
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) throw new ApiProblem(describeProblem(res.status, body as ErrorBody | null, ctx));
  if (body === null || typeof body !== 'object' || !('data' in body)) {
    throw new ApiProblem(describeProblem(502, null, ctx));
  }
  return body as Envelope<T>;
}

export const customerPath = (id: string, rest = ''): string =>
  `/v1/customers/${encodeURIComponent(id)}${rest}`;
