import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failureLine, UserError } from '../util/errors.ts';
import { SIMGEN_VERSION } from '../util/meta.ts';
import { setProgressStyle } from '../util/progress.ts';
import { COMMANDS, commonOptionsHelp, loadCommands } from './commands.ts';

// simgen command line: one thin module per command in this folder; each parses, calls a stage, prints.

/** A first word that names no command: one line naming it and the commands (and the nearest, for a typo). */
function checkCommand(argv: string[]): void {
  const word = argv[0];
  if (word === undefined || word.startsWith('-') || word in COMMANDS) return;
  const names = Object.keys(COMMANDS);
  const near = names.filter((n) => editDistance(n, word) <= 2);
  throw new UserError(`unknown command "${word}"${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; the commands are ${names.join(', ')} ("simgen --help" describes them)`);
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  checkCommand(argv);
  let cli = yargs(argv)
    .scriptName('simgen')
    .usage('simgen <command> [options]\n\nSeeded 28 GHz mmWave localization datasets and HypLoc training.')
    .epilogue(commonOptionsHelp())
    .strict()
    .demandCommand(1, `name a command: ${Object.keys(COMMANDS).join(', ')}`)
    .fail((msg, err) => {
      throw err ?? new UserError(msg);
    })
    // --progress (the common options) draws the bar where stderr is not a terminal.
    .middleware((argv) => {
      if (argv.progress === true) setProgressStyle('bar');
    })
    .help()
    .alias('h', 'help')
    // simgen's own version: yargs would look for the package.json nearest the started script, which for an
    // installed package is the project's that depends on simgen (node_modules/.bin/simgen).
    .version(SIMGEN_VERSION)
    .alias('V', 'version');
  for (const c of await loadCommands(argv)) cli = cli.command(c);
  await cli.parseAsync();
}

// Output piped into a reader that stopped (`simgen ... | head`): end quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e: NodeJS.ErrnoException) => e.code === 'EPIPE' && process.exit(0));

// Exit codes (src/util/errors.ts): 2 the user's input, 1 the environment, each as one line; a bug: its stack trace, 1.
main().catch((err: unknown) => {
  const known = failureLine(err);
  if (known) {
    console.error(`simgen: ${known.line}`); // one line, whatever a library put in the message
    process.exit(known.exitCode);
  }
  console.error(err);
  process.exit(1);
});
