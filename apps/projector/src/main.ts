import { runMain } from '@touchpoint/platform';
import { projectorApp } from './projector.app';

// eslint-disable-next-line no-restricted-properties -- the process boundary hands env to config
runMain(projectorApp, process.env);
