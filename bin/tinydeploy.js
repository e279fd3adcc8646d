#!/usr/bin/env node
// The `tinydeploy` command. It runs the TypeScript sources directly: tsx's ESM loader compiles
// src/ on import, so the CLI works from a checkout without a build step.
import { register } from 'tsx/esm/api';

// `tinydeploy inspect model | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
