import type { EventIdFor, StoryEvent } from './story-events';
import { storyBuilders } from './stories';

/** Who the demo creates, and what an agent should search for to find them. */
export const DEMO_PEOPLE = {
  mei: 'c-0888',
  visitor: 'v-77f',
  registered: 'c-2031',
  wang: 'c-1088',
  complaint: 'K-5512',
  babyBottle: 'c-3001',
  basketPrefix: 'c-basket',
  laptop: 'c-4001',
  zhao: 'c-0577',
  erased: 'c-0042',
} as const;

/** What to type into the console's search box (names and contacts, not ids) and what it shows. */
export const DEMO_GUIDE: readonly {
  readonly search: string | null;
  readonly customerId: string;
  readonly shows: string;
}[] = [
  {
    search: 'MEI.LIN@example.cn',
    customerId: DEMO_PEOPLE.mei,
    shows: 'Mei Lin (also 8613800138000): very loyal, gifts every May (story 1)',
  },
  {
    search: 'Xu',
    customerId: DEMO_PEOPLE.registered,
    shows: 'Jun Xu, once visitor v-77f: 3 web sessions, stroller abandoned twice (story 2)',
  },
  {
    search: 'Wang',
    customerId: DEMO_PEOPLE.wang,
    shows: 'Wei Wang: open complaint K-5512 comes first (story 3)',
  },
  {
    search: 'Qi',
    customerId: DEMO_PEOPLE.babyBottle,
    shows: 'Ana Qi: just bought a baby bottle, baby food recommended (story 4)',
  },
  {
    search: 'Chen',
    customerId: DEMO_PEOPLE.laptop,
    shows: 'Hao Chen: top-decile laptop buyer, premium camera recommended (story 4)',
  },
  {
    search: 'Zhao',
    customerId: DEMO_PEOPLE.zhao,
    shows: 'Lei Zhao: drifted away, occasional and lapsed (story 5)',
  },
  {
    search: null,
    customerId: DEMO_PEOPLE.erased,
    shows: 'erased on request: no personal data left, so only found by id (story 8)',
  },
];

export interface DemoStep {
  readonly title: string;
  readonly events: readonly StoryEvent[];
}

export interface DemoPlan {
  readonly steps: readonly DemoStep[];
  /** Left for the newcomer to send, so the console shows the complaint resolve live. */
  readonly resolution: readonly StoryEvent[];
}

/**
 * Every SCENARIOS.md story that can travel through the ingest API, dated relative to `now`.
 * With ids from the story labels the whole plan is the same events on every run, so a second
 * run only meets duplicates. (Story 7 is an analyst's replay, run with the CLI, not data.)
 */
export function demoPlan(now: Date, eventId: EventIdFor): DemoPlan {
  const s = storyBuilders(eventId);
  const p = DEMO_PEOPLE;
  const mei = s.meiStory(p.mei, now).events;
  const wang = s.wangStory(p.wang, p.complaint, now);
  const resent = mei.filter((e) => e.type === 'purchase.completed' && e.channel === 'store');
  return {
    steps: [
      { title: 'Story 1: Mei, very loyal, buys gifts every May', events: mei },
      {
        title: 'Story 2: visitor v-77f abandons a stroller twice, registers as c-2031, is linked',
        events: s.visitorStory(p.visitor, p.registered, now),
      },
      {
        title: 'Story 3: Wang calls about a late delivery; complaint K-5512 is opened',
        events: [...wang.before, wang.opened],
      },
      {
        title: 'Story 4: baby-bottle baskets, a new bottle buyer, a top-decile laptop buyer',
        events: [
          ...s.bottleAndFoodBaskets(p.basketPrefix, 3, now),
          ...s.babyBottleStory(p.babyBottle, now),
          ...s.laptopStory(p.laptop, now),
        ],
      },
      {
        title: 'Story 5: Zhao was loyal last spring, then drifted away',
        events: s.zhaoStory(p.zhao, now),
      },
      {
        title: 'Story 6: the POS re-sends its purchases with the same event ids',
        events: resent,
      },
      {
        title: 'Story 8: c-0042 shops, then asks to be forgotten',
        events: s.erasureStory(p.erased, now),
      },
    ],
    resolution: [wang.resolved, wang.csat],
  };
}
