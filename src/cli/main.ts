/**
 * The `tsgan` command: a thin layer over the library. Errors the user can fix
 * print one line and exit 2; a failed run exits 1.
 */
import { TsganError } from '../errors.js';
import { VERSION } from '../version.js';
import { trainCommand } from './train.js';
import { sampleCommand } from './sample.js';
import { demoCommand } from './demo.js';
import { classifyCommand } from './classify.js';
import { evalCommand } from './eval.js';

export const MAIN_HELP = `tsgan ${VERSION}: generative adversarial networks on deep recurrent networks, for time series

Usage: tsgan <command> [options]

Commands:
  demo      train on built-in sine data and sample from it (start here)
  train     train a GAN (recurrent on a CSV, or dense on digits) and write a model directory
  sample    write synthetic sequences from a trained model as CSV (or a PNG grid of digits)
  eval      measure synthetic sequences against real ones; JSON and an HTML report
  classify  train a deep recurrent sequence classifier, or predict with one

Run tsgan <command> --help for a command's options.
  --help, -h      this help
  --version, -v   print the version
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  demo: demoCommand,
  train: trainCommand,
  sample: sampleCommand,
  eval: evalCommand,
  classify: classifyCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(MAIN_HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    process.stderr.write(`tsgan: unknown command "${cmd}"; commands are ${Object.keys(COMMANDS).join(', ')} (see tsgan --help)\n`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (e) {
    if (e instanceof TsganError) {
      process.stderr.write(`tsgan: error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
