#!/usr/bin/env node
// Entry point of the `lagesbild` CLI: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
