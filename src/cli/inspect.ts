/** `tsgan inspect`: a CSV's schema (roles, types, missing values), inferred and printed, or written as JSON to edit. */
import { inspectCsv, formatInspection } from '../data/inspect.js';
import { checkOutFile, writeFileAtomic } from '../io/atomic.js';
import { toJson } from '../io/json.js';
import { stdout } from './io.js';
import { commandHelp, parseCommand, type Command } from './command.js';
import type { OptionDecl } from '../config/options.js';

const OPTIONS: readonly OptionDecl[] = [
  { name: 'data', flag: 'data', kind: { type: 'text' }, target: 'run', required: true, metavar: 'FILE', section: 'Options', doc: 'CSV with a header row, or a JSON array of records (*.json)' },
  { name: 'idColumn', flag: 'id-column', kind: { type: 'text' }, target: 'run', metavar: 'NAME', defaultText: 'suggested: a column whose values come in blocks, one per entity', section: 'Options', doc: 'the column that names the entity of each row' },
  { name: 'timeColumn', flag: 'time-column', kind: { type: 'text' }, target: 'run', metavar: 'NAME', defaultText: 'suggested: a date or whole-number column that grows within every entity', section: 'Options', doc: 'the column that orders each entity\'s rows' },
  { name: 'naTokens', flag: 'na', kind: { type: 'names' }, target: 'run', defaultText: 'NA, N/A, NaN, null, none, -, ?', section: 'Options', doc: 'cells that mean "missing", besides blanks' },
  { name: 'schema', flag: 'schema', kind: { type: 'text' }, target: 'run', metavar: 'FILE', section: 'Options', doc: 'check this schema (JSON, as --schema-out writes it) against the data instead of inferring one' },
  { name: 'schemaOut', flag: 'schema-out', kind: { type: 'text' }, target: 'run', metavar: 'FILE', section: 'Options', doc: 'write the schema as JSON, to edit and pass back with --schema' },
  { name: 'force', flag: 'force', kind: { type: 'boolean' }, target: 'run', default: false, section: 'Options', doc: 'overwrite an existing --schema-out file' },
];

const INSPECT: Command = {
  name: 'inspect',
  intro: `Usage: tsgan inspect --data FILE.csv [options]

Reads the whole of every column and says what each is: its role (the entity
id, the time index, a static attribute of each entity, a temporal feature, or
left out) and its type (continuous, integer, categorical, boolean, datetime or
free text), with its share of missing cells. Columns with many exact zeros are
marked as a point mass. --schema-out writes this as JSON to edit.`,
  options: OPTIONS,
};

export async function inspectCommand(args: string[]): Promise<number> {
  const values = parseCommand(INSPECT, args);
  if (values === null) return 0;
  const v = values as { data: string; idColumn?: string; timeColumn?: string; naTokens?: string[]; schema?: string; schemaOut?: string; force?: boolean };
  if (v.schemaOut !== undefined) checkOutFile(v.schemaOut, Boolean(v.force), '--schema-out', { inputs: [['--data', v.data], ['--schema', v.schema]], format: 'tsgan-schema' });
  const r = inspectCsv(v.data, v);
  stdout().write(formatInspection(v.data, r));
  if (v.schemaOut !== undefined) {
    writeFileAtomic(v.schemaOut, toJson(r.schema), Boolean(v.force), { flag: '--schema-out', format: 'tsgan-schema' });
    stdout().write(`wrote the schema to ${v.schemaOut}\n`);
  }
  return 0;
}

export const INSPECT_HELP = commandHelp(INSPECT);
