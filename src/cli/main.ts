/**
 * The `tsgan` command: a thin layer over the library. Errors the user can fix
 * print one line and exit 2; a failed run, or the environment failing (disk
 * full, permission denied, read-only file system), prints one line and exits 1.
 * Environment variables: TSGAN_THREADS (a positive integer), TSGAN_FUSED (0 or
 * 1), TSGAN_DEBUG=1 (stack traces with errors).
 */
import { TsganError } from '../errors.js';
import { isSystemError, userErrorFromSystem } from '../io/atomic.js';
import { threadsFromEnv } from '../kernels/wasm-kernels.js';
import { fusedFromEnv } from '../kernels/fused-stack.js';
import { VERSION } from '../version.js';
import { trainCommand } from './train.js';
import { sampleCommand } from './sample.js';
import { demoCommand } from './demo.js';
import { classifyCommand } from './classify.js';
import { evalCommand } from './eval.js';
import { inspectCommand } from './inspect.js';
import { stdout, stderr } from './io.js';

export const MAIN_HELP = `tsgan ${VERSION}: generative adversarial networks on deep recurrent networks, for time series

Usage: tsgan <command> [options]

Commands:
  demo      train on built-in sine data and sample from it (start here)
  inspect   say what each column of a CSV is (entity id, time, attribute, feature; its type)
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
  inspect: inspectCommand,
  train: trainCommand,
  sample: sampleCommand,
  eval: evalCommand,
  classify: classifyCommand,
};

/** The environment variables tsgan reads, checked before any command runs. */
function checkEnvironment(): void {
  threadsFromEnv();
  fusedFromEnv();
}

/** A message as one line: a newline inside one (from a file name, say) is shown as \\n. */
function oneLine(message: string): string {
  return message.replace(/\r?\n/g, '\\n');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    stdout().write(MAIN_HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    stdout().write(VERSION + '\n');
    return 0;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    stderr().write(`tsgan: unknown command "${cmd}"; commands are ${Object.keys(COMMANDS).join(', ')} (see tsgan --help)\n`);
    return 2;
  }
  try {
    checkEnvironment();
    return await run(rest);
  } catch (e) {
    // A system error that no command translated (a file it could not read or write) is one line too.
    const err = isSystemError(e) ? userErrorFromSystem(e) : e;
    if (err instanceof TsganError) {
      stderr().write(`tsgan: error: ${oneLine(err.message)}\n`);
      if (process.env.TSGAN_DEBUG === '1') {
        const cause = (err as Error & { cause?: unknown }).cause;
        stderr().write(`${cause instanceof Error ? cause.stack : err.stack}\n`);
      }
      return err.exitCode;
    }
    throw e;
  }
}
