import { readFileSync } from 'node:fs';
import {
  type Customer360Policy,
  type CrosssellPolicy,
  DEFAULT_CROSSSELL_POLICY,
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_LOYALTY_POLICY,
  type LoyaltyPolicy,
  parseCrosssellPolicy,
  parseCustomer360Policy,
  parseLoyaltyPolicy,
} from '@touchpoint/projections';
import { StartupError } from '@touchpoint/platform';
import { MODEL_KINDS } from './model-kinds';

export interface ModelPolicies {
  readonly customer360: Customer360Policy;
  readonly loyalty: LoyaltyPolicy;
  readonly crosssell: CrosssellPolicy;
}

export const DEFAULT_POLICIES: ModelPolicies = {
  customer360: DEFAULT_CUSTOMER360_POLICY,
  loyalty: DEFAULT_LOYALTY_POLICY,
  crosssell: DEFAULT_CROSSSELL_POLICY,
};

/**
 * Reads MODELS_CONFIG: `{ "customer360": {…}, "loyalty": {…}, "crosssell": {…} }`, each part
 * optional and merged over the documented defaults. Any problem stops start-up naming the field.
 */
export function loadModelPolicies(path: string | undefined): ModelPolicies {
  if (!path) return DEFAULT_POLICIES;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StartupError(
      `cannot read model policies from ${path}: ${(e as Error).message}`,
      'MODELS_CONFIG',
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StartupError(
      `${path} must hold a JSON object with customer360, loyalty and crosssell keys`,
      'MODELS_CONFIG',
    );
  }
  const parts = raw as Record<string, unknown>;
  // Sections of replay-only models are allowed (the same file can feed `replay --config`).
  const names = MODEL_KINDS.map((k) => k.model);
  const unknown = Object.keys(parts).filter((k) => !names.includes(k));
  const errors: string[] = unknown.map((k) => `${k}: not a model (expected ${names.join(', ')})`);
  for (const kind of MODEL_KINDS.filter((k) => !k.liveByDefault && parts[k.model] !== undefined)) {
    const parsed = kind.parsePolicy(parts[kind.model]);
    if (!parsed.ok) errors.push(...parsed.errors.map((e) => `${kind.model}.${e}`));
  }
  const c360 = parseCustomer360Policy(parts.customer360 ?? {});
  const loyalty = parseLoyaltyPolicy(parts.loyalty ?? {});
  const crosssell = parseCrosssellPolicy(parts.crosssell ?? {});
  if (!c360.ok) errors.push(...c360.errors.map((e) => `customer360.${e}`));
  if (!loyalty.ok) errors.push(...loyalty.errors.map((e) => `loyalty.${e}`));
  if (!crosssell.ok) errors.push(...crosssell.errors.map((e) => `crosssell.${e}`));
  if (errors.length > 0 || !c360.ok || !loyalty.ok || !crosssell.ok) {
    throw new StartupError(
      `invalid model policies in ${path}: ${errors.join('; ')}`,
      'MODELS_CONFIG',
    );
  }
  return { customer360: c360.policy, loyalty: loyalty.policy, crosssell: crosssell.policy };
}
