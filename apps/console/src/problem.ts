import { type ErrorBody } from './api.types';

/** What went wrong with a request, in words an agent can act on. */
export interface Problem {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly code: string | null;
  readonly title: string;
  readonly detail: string;
  /** Quote it to support: it finds the request in the server's logs. */
  readonly reference: string | null;
}

export interface ProblemContext {
  /** What the request was for, e.g. "this customer's recommendations". */
  readonly what: string;
  readonly customerId?: string;
  readonly role?: string;
}

function violationsText(body: ErrorBody): string {
  const v = body.error?.violations ?? [];
  if (v.length === 0) return body.error?.message ?? 'The server did not say which part.';
  return v.map((x) => `${x.path}: ${x.message}`).join('; ');
}

export function describeProblem(
  status: number,
  body: ErrorBody | null,
  ctx: ProblemContext,
): Problem {
  const code = body?.error?.code ?? null;
  const reference = body?.correlationId ?? null;
  const make = (title: string, detail: string): Problem => ({
    status,
    code,
    title,
    detail,
    reference,
  });
  if (status === 0) {
    return make(
      'Cannot reach the Touchpoint server',
      'Check your network connection and that the server is running, then try again.',
    );
  }
  if (status === 400) {
    return make(
      'The request was not accepted',
      `Something in the address or search is not valid — ${violationsText(body ?? {})}.`,
    );
  }
  if (status === 401) {
    if (code === 'token_expired') {
      return make('Your session has expired', 'Paste a new access token to continue.');
    }
    if (code === 'token_missing') {
      return make('You are not signed in', 'Paste an access token to continue.');
    }
    return make(
      'This access token is not valid',
      'It was not issued by this server or has been altered. Paste a token created with `touchpoint tokens create`.',
    );
  }
  if (status === 403) {
    const who = ctx.role ? `Your role (${ctx.role})` : 'Your role';
    return make('Not allowed', `${who} does not give access to ${ctx.what}. Ask a supervisor.`);
  }
  if (status === 404) {
    if (code === 'customer_not_found' && ctx.customerId !== undefined) {
      return make(
        'Customer not found',
        `There is no customer with id “${ctx.customerId}”. Check the id, or search by e-mail, phone, loyalty card or name.`,
      );
    }
    return make('Not found', `The server has nothing at this address for ${ctx.what}.`);
  }
  if (status === 429) {
    return make('Too many requests', 'The server is busy with your requests; wait a moment.');
  }
  if (status === 503) {
    return make(
      'The service is temporarily unavailable',
      'A part of Touchpoint is not reachable right now. Try again in a moment.',
    );
  }
  return make(
    'Something went wrong on the server',
    `Loading ${ctx.what} failed (status ${status}). Try again; if it keeps failing, tell support the reference below.`,
  );
}
