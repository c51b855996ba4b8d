import { runMain } from '@touchpoint/platform';
import { queryApp } from './query.app';

// eslint-disable-next-line no-restricted-properties -- the process boundary hands env to config
runMain(queryApp, process.env);
