import { runMain } from '@touchpoint/platform';
import { touchpointApp } from './touchpoint.app';

// eslint-disable-next-line no-restricted-properties -- the process boundary hands env to config
runMain(touchpointApp, process.env);
