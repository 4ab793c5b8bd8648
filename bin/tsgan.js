#!/usr/bin/env node
// The tsgan command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
// Errors are one line; TSGAN_DEBUG=1 adds the stack trace of an internal error.
const debug = process.env.TSGAN_DEBUG === '1';

function internalError(err) {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = String(message).split('\n')[0];
  if (debug) process.stderr.write(`tsgan: internal error: ${err && err.stack ? err.stack : err}\n`);
  else process.stderr.write(`tsgan: internal error: ${firstLine} (set TSGAN_DEBUG=1 for the stack trace)\n`);
  process.exitCode = 1;
}

import('../dist/src/cli/main.js')
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  }, internalError);
