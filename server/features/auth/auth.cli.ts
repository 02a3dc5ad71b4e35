import type { CliCommand } from '../../infra/cli-command.ts';
import { EXIT, UsageError, withDatabase } from '../../infra/cli-command.ts';
import { AppError } from '../../infra/errors.ts';
import { ACCOUNT_ROLES, createToken, createUser } from './auth.service.ts';
import { generatePassword, passwordProblem } from './passwords.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function requireString(value: unknown, flag: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`--${flag} is required`);
  return value.trim();
}

/** `--municipality CODE` or `--all-municipalities`: exactly one; an account is never unbound by omission. */
function accountScope(values: Record<string, unknown>): { municipality: string | null; allMunicipalities: boolean } {
  const municipality = typeof values.municipality === 'string' ? values.municipality.trim() : null;
  const all = values['all-municipalities'] === true;
  if (all && municipality) throw new UsageError('give either --municipality or --all-municipalities, not both');
  if (!all && !municipality) throw new UsageError('--municipality CODE is required (or --all-municipalities, on purpose)');
  return { municipality: all ? null : municipality, allMunicipalities: all };
}

function checkRole(role: string): string {
  if (!(ACCOUNT_ROLES as string[]).includes(role)) throw new UsageError(`--role must be one of ${ACCOUNT_ROLES.join(', ')}`);
  return role;
}

async function reportAppErrors(fn: () => Promise<number>, stderr: (line: string) => void): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) {
      stderr(`lagesbild: ${error.message}`);
      return EXIT.invalidInput;
    }
    throw error;
  }
}

/** `lagesbild user add --email E --role R [--password-stdin] [--municipality CODE] [--name NAME]`. */
export const userAddCommand: CliCommand = {
  name: 'user add',
  summary: 'create a user who signs in with email and password',
  help: [
    'lagesbild user add --email E --role R (--municipality CODE | --all-municipalities) [--password-stdin] [--name NAME]',
    `  --role                one of ${ACCOUNT_ROLES.join(', ')}`,
    '  --municipality        the municipality the user is bound to',
    '  --all-municipalities  every municipality, present and future (regional police, a national admin): only on purpose',
    '  --password-stdin      read the password from standard input (first line; at least 12 characters);',
    '                        without it a strong password is generated and printed once',
  ].join('\n'),
  options: {
    email: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, municipality: { type: 'string' },
    'all-municipalities': { type: 'boolean' }, name: { type: 'string' },
  },
  async run({ config, values, stdout, stderr }) {
    const email = requireString(values.email, 'email');
    const role = checkRole(requireString(values.role, 'role'));
    const scope = accountScope(values);
    const generated = !values['password-stdin'];
    const password = generated ? generatePassword() : (await readStdin()).split(/\r?\n/)[0];
    const problem = passwordProblem(password);
    if (problem) {
      stderr(`lagesbild: the password ${problem}`);
      return EXIT.invalidInput;
    }
    return withDatabase(config, (database) =>
      reportAppErrors(async () => {
        const user = await createUser(database.db, {
          email, password, role, ...scope, displayName: typeof values.name === 'string' ? values.name : null,
        });
        stdout(JSON.stringify({ id: user.id, email: user.email, role: user.role, municipality: user.municipality, all_municipalities: user.allMunicipalities }));
        if (generated) stdout(`password: ${password}   (shown once; store it now)`);
        return EXIT.ok;
      }, stderr),
    );
  },
};

/** `lagesbild token create --role R [--name N] [--municipality CODE]`: prints the token alone on stdout. */
export const tokenCreateCommand: CliCommand = {
  name: 'token create',
  summary: 'create an API token (Authorization: Bearer) for GIS clients and scripts',
  help: [
    'lagesbild token create --role R (--municipality CODE | --all-municipalities) [--name N]',
    `  --role                one of ${ACCOUNT_ROLES.join(', ')}`,
    '  --name                what the token is for (shown in the admin list)',
    '  --municipality        the municipality the token is bound to',
    '  --all-municipalities  every municipality, present and future: only on purpose',
    'Prints the token alone on stdout; it is shown once and only its hash is stored.',
  ].join('\n'),
  options: { role: { type: 'string' }, name: { type: 'string' }, municipality: { type: 'string' }, 'all-municipalities': { type: 'boolean' } },
  async run({ config, values, stdout, stderr }) {
    const role = checkRole(requireString(values.role, 'role'));
    const scope = accountScope(values);
    return withDatabase(config, (database) =>
      reportAppErrors(async () => {
        const token = await createToken(database.db, {
          role, name: typeof values.name === 'string' ? values.name : null, ...scope,
        });
        stdout(token.token);
        return EXIT.ok;
      }, stderr),
    );
  },
};
