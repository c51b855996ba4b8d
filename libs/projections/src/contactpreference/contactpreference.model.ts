import type { ModelDescriptor } from '../model.types';
import {
  type ContactPreferencePolicy,
  parseContactPreferencePolicy,
} from './contactpreference.policy';
import {
  type ContactPreferenceState,
  type ContactPreferenceView,
  contactPreferenceProjection,
} from './contactpreference.projection';

/** Replay-only: built and exported by analysts, not served per customer (no identity merge). */
export const contactPreferenceModel = {
  projection: contactPreferenceProjection,
  parsePolicy: parseContactPreferencePolicy,
  liveByDefault: false,
  codeDir: 'contactpreference',
  facets: (v) => ({
    preferredChannel: v.preferredChannel,
    bestHour: v.bestHour === null ? null : String(v.bestHour),
  }),
} satisfies ModelDescriptor<ContactPreferenceState, ContactPreferenceView, ContactPreferencePolicy>;
