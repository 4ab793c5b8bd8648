/**
 * The CLI's two output streams. Tests capture a command's output by swapping
 * these (`withOutput`), not by patching process.stdout.write: in a test file's
 * process, node's test runner sends its own reports through process.stdout,
 * and a report emitted while a command ran was swallowed with its output.
 */

/** What the CLI writes to: a terminal's stream or anything with `write`. */
export type OutStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; columns?: number };

let current: { stdout: OutStream; stderr: OutStream } | null = null;

export function stdout(): OutStream {
  return current?.stdout ?? process.stdout;
}

export function stderr(): OutStream {
  return current?.stderr ?? process.stderr;
}

/** Runs `fn` with the CLI's output going to `streams`; one capture at a time. */
export async function withOutput<T>(streams: { stdout: OutStream; stderr: OutStream }, fn: () => Promise<T>): Promise<T> {
  if (current !== null) throw new Error('withOutput: output is already captured');
  current = streams;
  try {
    return await fn();
  } finally {
    current = null;
  }
}
