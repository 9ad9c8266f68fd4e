import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION } from '../util/meta.ts';
import { setProgressStyle } from '../util/progress.ts';
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
    // --progress (the common options) draws the bar where stderr is not a terminal.
    .middleware((argv) => {
      if (argv.progress === true) setProgressStyle('bar');
    })
    .help()
    // simgen's own version: yargs would look for the package.json nearest the started script, which for an
    // installed package is the project's that depends on simgen (node_modules/.bin/simgen).
    .version(SIMGEN_VERSION);
  for (const c of await loadCommands(hideBin(process.argv))) cli = cli.command(c);
  await cli.parseAsync();
}

main().catch((err: unknown) => {
  if (err instanceof UserError) {
    console.error(`simgen: ${err.message.replace(/\s*\n\s*/g, ' ')}`); // one line, whatever a library put in the message
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
