import {
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  EVENT_TYPE_INFO,
  EXAMPLE_EVENTS,
  envelopeJsonSchema,
  eventJsonSchemas,
  payloadJsonSchema,
  type JsonSchema,
} from '@touchpoint/contracts';

type Schema = JsonSchema & {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  definitions?: Record<string, Schema>;
};

/**
 * A tiny checker for the subset of JSON Schema the generator emits, enough to prove that the
 * examples satisfy the schemas (no JSON Schema validator is installed).
 */
function conforms(value: unknown, schema: Schema, defs: Record<string, Schema>): string[] {
  const ref = schema.$ref;
  if (typeof ref === 'string')
    return conforms(value, defs[ref.replace('#/definitions/', '')] ?? {}, defs);
  const errors: string[] = [];
  if (schema.const !== undefined && value !== schema.const)
    errors.push(`const ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push('enum');
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['object'];
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`required ${r}`);
      for (const [k, v] of Object.entries(obj)) {
        const prop = schema.properties?.[k];
        if (!prop) errors.push(`additional ${k}`);
        else errors.push(...conforms(v, prop as Schema, defs).map((e) => `${k}: ${e}`));
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return ['array'];
      value.forEach((v, i) =>
        errors.push(...conforms(v, (schema.items ?? {}) as Schema, defs).map((e) => `[${i}] ${e}`)),
      );
      break;
    case 'integer':
      if (!Number.isInteger(value)) errors.push('integer');
      break;
    case 'string':
      if (typeof value !== 'string') errors.push('string');
      else if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
        errors.push('pattern');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push('boolean');
      break;
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum)
    errors.push('minimum');
  return errors;
}

describe('eventJsonSchemas', () => {
  const schemas = eventJsonSchemas() as Record<string, Schema>;

  it('Given the catalogue, When schemas are generated, Then there is exactly one per event type', () => {
    expect(Object.keys(schemas).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES)(
    'Given %s, When its schema is read, Then it requires the envelope fields and pins type and version',
    (type) => {
      const schema = schemas[type]!;
      expect(schema.required).toEqual(
        expect.arrayContaining([
          'eventId',
          'type',
          'schemaVersion',
          'channel',
          'occurredAt',
          'payload',
        ]),
      );
      expect(schema.properties?.type).toEqual({ type: 'string', const: type });
      expect(schema.properties?.schemaVersion).toEqual({
        type: 'integer',
        const: CURRENT_SCHEMA_VERSION[type],
      });
      expect(schema.additionalProperties).toBe(false);
      expect(schema.properties?.receivedAt).toBeUndefined();
      expect(schema.properties?.source).toBeUndefined();
    },
  );

  it.each(EVENT_TYPES)(
    'Given %s, When its example is checked against the schema, Then it conforms',
    (type) => {
      const schema = schemas[type]!;
      expect(conforms(EXAMPLE_EVENTS[type], schema, schema.definitions ?? {})).toEqual([]);
    },
  );

  it('Given identity rules, When schemas are read, Then they encode who the event is about', () => {
    expect(schemas['purchase.refunded']!.required).toContain('customerId');
    expect(schemas['customer.identified']!.required).toEqual(
      expect.arrayContaining(['customerId', 'anonymousId']),
    );
    expect(schemas['web.visited']!.anyOf).toEqual([
      { required: ['customerId'] },
      { required: ['anonymousId'] },
    ]);
    for (const type of EVENT_TYPES) {
      if (EVENT_TYPE_INFO[type].identity === 'customer_or_anonymous')
        expect(schemas[type]!.anyOf).toBeDefined();
    }
  });

  it('Given purchase.completed, When its payload schema is read, Then line items require integer non-negative money', () => {
    const defs = schemas['purchase.completed']!.definitions!;
    const payload = defs.PurchaseCompletedPayloadV2Dto!;
    expect(payload.required).toEqual(['orderId', 'currency', 'items', 'total']);
    const item = defs.LineItemDto!;
    expect(item.required).toEqual(['sku', 'name', 'category', 'quantity', 'unitPrice']);
    expect(item.properties?.unitPrice).toMatchObject({ type: 'integer', minimum: 0 });
    expect(item.additionalProperties).toBe(false);
  });

  it('Given an OpenAPI prefix, When schemas are generated, Then every $ref uses it', () => {
    const openapi = JSON.stringify(eventJsonSchemas({ refPointerPrefix: '#/components/schemas/' }));
    expect(openapi).toContain('"$ref":"#/components/schemas/LineItemDto"');
    expect(openapi).not.toContain('#/definitions/');
  });

  it('Given feedback.submitted, When its payload schema is read, Then score ranges are explicit', () => {
    const { schema } = payloadJsonSchema('feedback.submitted');
    const props = schema.properties as Record<string, JsonSchema>;
    expect(props.nps).toMatchObject({ type: 'integer', minimum: 0, maximum: 10 });
    expect(props.csat).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
  });

  it('Given the recorded envelope, When its schema is read, Then receivedAt, source and correlationId are required', () => {
    expect(envelopeJsonSchema('recorded').required).toEqual(
      expect.arrayContaining(['receivedAt', 'source', 'correlationId']),
    );
    expect(envelopeJsonSchema('incoming').required).not.toContain('correlationId');
  });

  it('Given a legacy version, When its payload schema is requested, Then it describes the old shape', () => {
    const { schema } = payloadJsonSchema('web.visited', 1);
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(['pages', 'productIds', 'cartProductIds']),
    );
    expect(() => payloadJsonSchema('web.visited', 3)).toThrow(RangeError);
  });
});
