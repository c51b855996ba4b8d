import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { EVENT_TYPES, eventJsonSchemas } from '@touchpoint/contracts';
import { API_SECURITY } from '@touchpoint/platform';
import { eventSchemaName } from './ingest.controller';

/**
 * Swagger UI at /docs and the document at /docs-json, with the event schemas of the contract and
 * both security schemes: the channels' API key (ingest) and the agents' bearer token (agent API).
 */
export function setupOpenApi(app: INestApplication, title: string): void {
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription(
      'Touchpoint APIs. Event schemas are generated from the same DTOs that validate them.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, API_SECURITY.channelKey)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An agent token: `npx touchpoint tokens create --role agent [--pii]`',
      },
      API_SECURITY.agentToken,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = eventJsonSchemas({ refPointerPrefix: '#/components/schemas/' });
  const components = (document.components ??= {});
  const target = (components.schemas ??= {}) as Record<string, unknown>;
  for (const type of EVENT_TYPES) {
    const {
      definitions,
      $schema: _draft,
      ...schema
    } = schemas[type] as Record<string, unknown> & {
      definitions?: Record<string, unknown>;
    };
    Object.assign(target, definitions ?? {});
    target[eventSchemaName(type)] = schema;
  }
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
