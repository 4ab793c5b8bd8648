/**
 * `tsgan inspect`'s work as a library call: a CSV's schema, inferred or read
 * from a schema file and checked against the data, with the entity counts
 * and a table of it for people.
 */
import { readTableFile } from './table.js';
import { showCell } from './csv.js';
import type { DataSchema, InferOptions } from './schema.js';
import { schemaFor } from './schema-file.js';

export interface InspectOptions extends InferOptions {
  /** A schema file to check against the data instead of inferring one. */
  schema?: string;
}

export interface Inspection {
  schema: DataSchema;
  rows: number;
  /** Rows of each entity (one entity when there is no id column). */
  lengths: number[];
}

export function inspectCsv(file: string, opts: InspectOptions = {}): Inspection {
  const table = readTableFile(file);
  const schema = schemaFor(table, opts);
  const id = table.header.indexOf(schema.columns.find((c) => c.role === 'id')?.name ?? '');
  const counts = new Map<string, number>();
  for (const r of table.rows) {
    const key = id >= 0 ? r.fields[id].trim() : '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { schema, rows: table.rows.length, lengths: [...counts.values()] };
}

const rowsText = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

/** The schema as a table for a terminal: one line per column, its role, type, missing share and why. */
export function formatInspection(file: string, r: Inspection): string {
  const id = r.schema.columns.find((c) => c.role === 'id');
  const L = r.lengths;
  const head = id
    ? `${file}: ${rowsText(r.rows)}, ${L.length} entities (id column ${showCell(id.name)}), ${L.reduce((a, b) => Math.min(a, b))}–${L.reduce((a, b) => Math.max(a, b))} rows each`
    : `${file}: ${rowsText(r.rows)}, one series (no id column found; name one with --id-column)`;
  const rows = r.schema.columns.map((c) => {
    const extra = [
      c.categories ? `${c.categories.length} categories` : null,
      c.zeroShare !== undefined ? `${(c.zeroShare * 100).toFixed(1)}% zeros (a point mass)` : null,
    ].filter(Boolean);
    return [c.name, c.role, c.type, `${((c.missing ?? 0) * 100).toFixed(1)}%`, [c.why, ...extra].filter(Boolean).join('; ')];
  });
  const all = [['column', 'role', 'type', 'missing', 'detail'], ...rows];
  const w = [0, 1, 2, 3].map((k) => all.reduce((m, row) => Math.max(m, row[k].length), 0));
  const line = (row: string[]) => row.map((v, k) => (k === 3 ? v.padStart(w[k]) : k < 4 ? v.padEnd(w[k]) : v)).join('  ').trimEnd();
  const naNote = `missing: blanks and ${r.schema.naTokens.map((t) => `"${t}"`).join(', ')}`;
  return [head, '', ...all.map(line), '', naNote, ''].join('\n');
}

