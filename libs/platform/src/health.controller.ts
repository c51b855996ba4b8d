import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { errorMessage } from '@touchpoint/core';
import type { EngineName, Engines } from './engines';
import { APP_NAME, ENGINES, ENGINES_USED } from './tokens';
import { MetricsService } from './metrics.service';

interface Check {
  status: 'up' | 'down';
  kind: string;
  latencyMs: number;
  error?: string;
}

/** Readiness: 200 only when every engine this process uses (AppDefinition.uses) answers a ping. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @Inject(ENGINES) private readonly engines: Engines,
    @Inject(APP_NAME) private readonly app: string,
    @Inject(ENGINES_USED) private readonly uses: readonly EngineName[],
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const checks: Partial<Record<EngineName, Check>> = {};
    await Promise.all(
      this.uses.map(async (name) => {
        const engine = this.engines[name];
        checks[name] = await check(engine.kind, () => engine.ping());
      }),
    );
    const up = Object.values(checks).every((c) => c.status === 'up');
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable', app: this.app, checks });
  }

  @Get('metrics')
  @HttpCode(200)
  async prometheus(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}

async function check(kind: string, ping: () => Promise<void>): Promise<Check> {
  const started = performance.now();
  try {
    await ping();
    return { status: 'up', kind, latencyMs: Math.round(performance.now() - started) };
  } catch (e) {
    return {
      status: 'down',
      kind,
      latencyMs: Math.round(performance.now() - started),
      error: errorMessage(e),
    };
  }
}
