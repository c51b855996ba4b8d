import { runMain } from '@touchpoint/platform';
import { archiverApp } from './archiver.app';

// eslint-disable-next-line no-restricted-properties -- the process boundary hands env to config
runMain(archiverApp, process.env);
