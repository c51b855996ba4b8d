import { randomUUID } from 'node:crypto';
import { storyBuilders } from '@touchpoint/scenarios';

/**
 * The SCENARIOS.md story builders of `@touchpoint/scenarios` (shared with `touchpoint demo`),
 * with a fresh event id for every event built, so that tests never collide on ids.
 */
export const {
  registration,
  order,
  meiStory,
  visitorStory,
  wangStory,
  zhaoStory,
  babyBottleStory,
  bottleAndFoodBaskets,
  laptopStory,
  erasureStory,
  callLogged,
  storyPurchase,
  agentCardStory,
} = storyBuilders(() => randomUUID());

export { lastFirstOfMay } from '@touchpoint/scenarios';
