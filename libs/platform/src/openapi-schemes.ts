/**
 * Names of the security schemes in the OpenAPI document (`/docs`): declared once by
 * `setupOpenApi` (@touchpoint/ingest) and required by the controllers that check them, so that
 * "Try it out" sends the credential each route wants.
 */
export const API_SECURITY = {
  /** `x-api-key` header: channels publishing events (ingest). */
  channelKey: 'apiKey',
  /** `Authorization: Bearer <JWT>`: agents, supervisors and analysts (the agent API). */
  agentToken: 'bearer',
} as const;
