import { EXIT, exitCodeFor, parseCommandArgs, UsageError, type CliCommand } from './infra/cli-command.ts';
import { demoCommand, migrateCommand, serveCommand } from './features/demo/demo.cli.ts';
import { tokenCreateCommand, userAddCommand } from './features/auth/auth.cli.ts';
import { IMPORT_COMMANDS } from './features/imports/imports.cli.ts';
import { backupCommand, restoreCommand } from './features/backup/backup.cli.ts';

// Every command, in one list. Features add theirs here.
const COMMANDS: CliCommand[] = [serveCommand, migrateCommand, demoCommand, userAddCommand, tokenCreateCommand, ...IMPORT_COMMANDS, backupCommand, restoreCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: lagesbild <command> [flags]   (every command accepts --help)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration flags (or environment): --port PORT, --host HOST, --data-dir DATA_DIR,',
    '  --database-url DATABASE_URL, --demo DEMO, --basemap-style-url BASEMAP_STYLE_URL, --trust-proxy TRUST_PROXY,',
    '  --log-level LOG_LEVEL, --shutdown-timeout SHUTDOWN_TIMEOUT (seconds)',
  ].join('\n');
}

/** Runs the CLI with argv (without node and script) and resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${overview()}\n`);
    return argv.length ? EXIT.ok : EXIT.usage;
  }
  // Longest match first, so `import incidents` wins over a hypothetical `import`.
  const command = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  if (!command) {
    stderr(`lagesbild: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${overview()}`);
    return EXIT.usage;
  }
  try {
    const context = parseCommandArgs(command, argv.slice(command.name.split(' ').length));
    if (context.help) {
      process.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    return await command.run(context);
  } catch (error) {
    const code = exitCodeFor(error, stderr);
    if (error instanceof UsageError) stderr(command.help);
    return code;
  }
}
