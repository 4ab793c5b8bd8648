/**
 * Errors that are the user's to fix (bad file, bad option). The CLI prints
 * their one-line message and exits with code 2; anything else is a bug and
 * gets a stack trace and exit code 1.
 */
export class TsganError extends Error {
  readonly exitCode: number;
  /** @param exitCode 2 for bad input (default), 1 for a run that failed (e.g. diverged). */
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
    this.name = 'TsganError';
  }
}

/** `file:line:column: message`, the form editors and terminals link to. */
export function locate(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  if (column === undefined) return `${file}:${line}`;
  return `${file}:${line}:${column}`;
}
