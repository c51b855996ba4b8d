import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError } from '@touchpoint/core';
import { API_SECURITY } from '@touchpoint/platform';
import { JWT_VERIFIER } from '../tokens';
import type { Principal, Role } from './jwt';
import type { TokenVerifier } from './token-verifier';

export type AgentRequest = Request & { agent?: Principal };

const ROLES_KEY = 'touchpoint:roles';
const QUERY_TOKEN_KEY = 'touchpoint:query-token';

/** Only these roles may call the route (every authenticated role when absent). */
export const RequireRole = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** SSE routes: the browser's EventSource cannot send headers, so `?access_token=` is accepted. */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN_KEY, true);

/** The verified caller, set by AgentAuthGuard. */
export const Agent = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const agent = ctx.switchToHttp().getRequest<AgentRequest>().agent;
  if (!agent) throw new AppError('token_missing', 'unauthenticated', 'no verified agent token');
  return agent;
});

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // A malformed header is not "missing": say the token is invalid.
  return m ? m[1] : 'malformed';
}

/** 401 without a valid agent token, 403 when the route wants another role. */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(
    @Inject(JWT_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AgentRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const queryToken = this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN_KEY, targets);
    const fromQuery =
      queryToken && typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    const principal = this.verifier.verify(bearer(req) ?? fromQuery);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new AppError(
        'forbidden',
        'forbidden',
        `role ${principal.role} may not do this; it needs ${roles.join(' or ')}`,
      );
    }
    req.agent = principal;
    return true;
  }
}

/**
 * Every agent controller: the guard, and what the OpenAPI document says of it (the bearer scheme,
 * so "Try it out" in /docs sends the token, and the 401/403 answers), declared together so that
 * no guarded route is documented without its credential.
 */
export const AgentRoutes = () =>
  applyDecorators(
    UseGuards(AgentAuthGuard),
    ApiTags('agent'),
    ApiBearerAuth(API_SECURITY.agentToken),
    ApiUnauthorizedResponse({
      description: 'no token, or a malformed, expired or forged one (`token_*` codes)',
    }),
    ApiForbiddenResponse({ description: "the token's role may not do this (`forbidden`)" }),
  );
