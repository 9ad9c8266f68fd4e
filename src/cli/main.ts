import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failureLine, UserError } from '../util/errors.ts';
import { SIMGEN_VERSION } from '../util/meta.ts';
import { loadCommands } from './commands.ts';

// simgen command line: one thin module per command in this folder; each parses, calls a stage, prints.

async function main(): Promise<void> {
  let cli = yargs(hideBin(process.argv))
    .scriptName('simgen')
    .usage('simgen <command> [options]\n\nSeeded 28 GHz mmWave localization datasets and HypLoc training.')
    .strict()
    .demandCommand(1, 'name a command: scene, trajectories, raytrace, export, train, ...')
    .recommendCommands()
    .fail((msg, err) => {
      throw err ?? new UserError(msg);
    })
    .help()
    // simgen's own version: yargs would look for the package.json nearest the started script, which for an
    // installed package is the project's that depends on simgen (node_modules/.bin/simgen).
    .version(SIMGEN_VERSION);
  for (const c of await loadCommands(hideBin(process.argv))) cli = cli.command(c);
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
