#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli';

// eslint-disable-next-line no-restricted-properties -- the process boundary hands env to config
runCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`touchpoint: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
