import { Controller, Get } from '@nestjs/common';
import { Agent, AgentRoutes } from '../auth/agent-auth.guard';
import type { Principal } from '../auth/jwt';

/** Who the console is signed in as: lets it hide what the role cannot do. */
@Controller('v1/me')
@AgentRoutes()
export class MeController {
  @Get()
  me(@Agent() agent: Principal) {
    return {
      data: {
        sub: agent.sub,
        role: agent.role,
        pii: agent.pii,
        expiresAt: new Date(agent.exp * 1000).toISOString(),
      },
    };
  }
}
