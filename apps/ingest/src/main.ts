import { runMain } from '@touchpoint/platform';
import { ingestApp } from './ingest.app';

// eslint-disable-next-line no-restricted-properties -- the process boundary hands env to config
runMain(ingestApp, process.env);
