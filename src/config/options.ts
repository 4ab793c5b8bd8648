/**
 * Options declared once. Each declaration holds an option's library name,
 * CLI flag, type and range, default, documentation and the models it applies
 * to; the defaults objects, the CLI's parsing and checks, `tsgan <command>
 * --help` and docs/options.md are all made from the declarations (in the
 * spirit of nanoGPT's one config with every default in one place).
 */
import { TsganError } from '../errors.js';

export type OptionKind =
  | { type: 'int'; min: number }
  | { type: 'number'; min: number; exclusive?: boolean; below?: number }
  | { type: 'boolean'; negatable?: boolean }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'text' }
  | { type: 'names' }
  | { type: 'sizes' }
  | { type: 'shape' }
  | { type: 'seed' };

export interface OptionDecl {
  /** The library's name: a model config key or a key of the run's options (camelCase). */
  name: string;
  /** The command-line flag, without its dashes; none for a setting only the library's callers (and saved configs) give. */
  flag?: string;
  kind: OptionKind;
  /** What the value sets: the model's config, or the run (data, output, schedule). */
  target: 'model' | 'run';
  /** The value's placeholder in help. Default by type: N, X, a|b, FILE … */
  metavar?: string;
  /** The default; undefined where there is none (required, off, or derived: see `defaultText`). */
  default?: unknown;
  /** Per-model defaults that differ from `default`. */
  modelDefaults?: Record<string, unknown>;
  /** How a derived default reads ("the number of features"). */
  defaultText?: string;
  /** Help text: what it does, in a sentence or two. */
  doc: string;
  /** The help section it is listed under. */
  section: string;
  /** The models it applies to; undefined: every model. */
  models?: readonly string[];
  /** Required on the command line. */
  required?: boolean;
}

export type OptionValues = Record<string, unknown>;

/**
 * The declarations' defaults by library name, in declaration order (`target`
 * picks model config or run options); `overrides` replace some, by name.
 */
export function defaultsFor(decls: readonly OptionDecl[], target: 'model' | 'run', overrides: Readonly<OptionValues> = {}): OptionValues {
  const out: OptionValues = {};
  for (const d of decls) {
    if (d.target !== target) continue;
    const v = d.name in overrides ? overrides[d.name] : d.default;
    if (v !== undefined) out[d.name] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/** "an integer ≥ 1", "a number in [0, 1)": what a value of `kind` must be. */
function expected(kind: OptionKind): string {
  switch (kind.type) {
    case 'int':
      return `an integer ≥ ${kind.min}`;
    case 'number':
      if (kind.below !== undefined) return `a number in ${kind.exclusive ? '(' : '['}${kind.min}, ${kind.below})`;
      return kind.exclusive && kind.min === 0 ? 'a positive number' : `a number ${kind.exclusive ? '>' : '≥'} ${kind.min}`;
    case 'seed':
      return 'an integer in [0, 4294967295]';
    case 'choice':
      return `one of ${kind.choices.join(', ')}`;
    case 'sizes':
      return 'positive integers separated by commas';
    case 'shape':
      return 'of the form HxW, such as 28x28';
    case 'names':
      return 'names separated by commas';
    default:
      return 'text';
  }
}

/**
 * Parses and checks one option's text as given on the command line (or in a
 * config), naming it as `label` (`--hidden`, or `hidden` in the library).
 * Only the kind is read, so a tool's own flags can be checked the same way.
 */
export function parseOption(d: Pick<OptionDecl, 'kind'>, raw: string, label: string): unknown {
  const bad = () => new TsganError(`${label} must be ${expected(d.kind)}, got "${raw}"`);
  const k = d.kind;
  const t = raw.trim();
  switch (k.type) {
    case 'int': {
      const n = Number(t);
      if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(n) || n < k.min) throw bad();
      return n;
    }
    case 'seed': {
      const n = Number(t);
      if (!/^\+?\d+$/.test(t) || !Number.isSafeInteger(n) || n > 4294967295) throw bad();
      return n;
    }
    case 'number': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n) || n < k.min || (k.exclusive && n === k.min) || (k.below !== undefined && n >= k.below)) throw bad();
      return n;
    }
    case 'choice':
      if (!k.choices.includes(raw)) throw bad();
      return raw;
    case 'names': {
      const items = raw.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) throw new TsganError(`${label} has an empty name in "${raw}"`);
      return items;
    }
    case 'sizes': {
      const items = raw.split(',').map((s) => Number(s.trim()));
      if (items.some((n) => !Number.isInteger(n) || n < 1)) throw bad();
      return items;
    }
    case 'shape': {
      const m = /^(\d+)x(\d+)$/.exec(t);
      if (!m) throw bad();
      return [Number(m[1]), Number(m[2])];
    }
    case 'text':
      if (t === '') throw new TsganError(`${label} must not be empty`);
      return raw;
    case 'boolean':
      return raw !== 'false';
  }
}

/** "a", "a and b", "a, b and c" (or with `or`). */
export function wordList(items: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  return items.length <= 2 ? items.join(` ${conjunction} `) : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/** "--model timegan", "--model rgan and timegan": where an option applies. */
export function modelsPhrase(models: readonly string[]): string {
  return `--model ${wordList(models)}`;
}

function defaultValueText(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  if (v === true) return 'on';
  if (v === false) return 'off';
  return String(v);
}

/** The default as help shows it: "24", "the number of features", "0.5; timegan 0.9". */
export function defaultPhrase(d: OptionDecl, models?: readonly string[]): string | null {
  const base = d.defaultText ?? (d.default === undefined ? null : defaultValueText(d.default));
  const per = Object.entries(d.modelDefaults ?? {})
    .filter(([m]) => models === undefined || models.includes(m))
    .map(([m, v]) => `${m} ${defaultValueText(v)}`);
  if (base === null && per.length === 0) return null;
  return [base, ...per].filter((s) => s !== null).join('; ');
}

function metavar(d: OptionDecl): string {
  if (d.metavar !== undefined) return d.metavar;
  switch (d.kind.type) {
    case 'boolean':
      return '';
    case 'choice':
      return d.kind.choices.join('|');
    case 'int':
    case 'seed':
      return 'N';
    case 'number':
      return 'X';
    case 'names':
      return 'a,b,c';
    case 'sizes':
      return 'a,b';
    case 'shape':
      return 'HxW';
    default:
      return 'VALUE';
  }
}

/** Words wrapped to `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

const FLAG_COLUMN = 23;
const WIDTH = 86;

/** One option as help lists it: the flag, then its documentation and default, wrapped. */
export function helpEntry(d: OptionDecl, models?: readonly string[]): string {
  const head = `  --${d.kind.type === 'boolean' && d.kind.negatable ? `[no-]${d.flag}` : d.flag}${metavar(d) ? ` ${metavar(d)}` : ''}`;
  const def = defaultPhrase(d, models);
  const doc = `${d.doc}${d.required ? ' (required)' : def !== null ? ` (default ${def})` : ''}`;
  const body = wrap(doc, WIDTH - FLAG_COLUMN);
  const first = head.length + 1 < FLAG_COLUMN ? [`${head.padEnd(FLAG_COLUMN)}${body.shift() ?? ''}`] : [head];
  return [...first, ...body.map((l) => ' '.repeat(FLAG_COLUMN) + l)].join('\n');
}

/** A section title with the models it is for, as help prints it. */
export interface HelpSection {
  name: string;
  /** Shown after the name, e.g. "(--model timegan; the reference code's settings)". */
  note?: string;
}

/** The models every option of `decls` applies to, where they agree and are not all; else null. */
function commonModels(decls: readonly OptionDecl[]): readonly string[] | null {
  const first = decls[0]?.models;
  if (!first || decls.some((d) => !d.models || d.models.join() !== first.join())) return null;
  return first;
}

/**
 * The option lines of a command's help, section by section in `sections`'
 * order; a section whose options all apply to the same models says which,
 * and so does an option that applies to fewer models than its section.
 */
export function helpSections(decls: readonly OptionDecl[], sections: readonly HelpSection[]): string {
  const out: string[] = [];
  for (const s of sections) {
    const in_ = decls.filter((d) => d.section === s.name && d.flag !== undefined);
    if (in_.length === 0) continue;
    const common = commonModels(in_);
    out.push(`${s.name}${common ? ` (${modelsPhrase(common)})` : ''}${s.note ? ` ${s.note}` : ''}:`);
    for (const d of in_) out.push(helpEntry(common || !d.models ? d : { ...d, doc: `${d.doc} [${modelsPhrase(d.models)}]` }, d.models));
  }
  return out.join('\n') + '\n';
}

/** Markdown tables of the options, one per section. */
export function optionsMarkdown(decls: readonly OptionDecl[], sections: readonly HelpSection[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const out: string[] = [];
  for (const s of sections) {
    const in_ = decls.filter((d) => d.section === s.name);
    if (in_.length === 0) continue;
    out.push(`## ${s.name}`, '', '| flag | library name | value | default | models | what it does |', '| --- | --- | --- | --- | --- | --- |');
    for (const d of in_) {
      const def = d.required ? 'required' : (defaultPhrase(d) ?? '—');
      const value = d.kind.type === 'boolean' ? (d.kind.negatable ? `on / \`--no-${d.flag}\`` : 'on/off') : expected(d.kind);
      out.push(`| ${d.flag ? `\`--${d.flag}\`` : '—'} | \`${d.name}\` | ${cell(value)} | ${cell(def)} | ${d.models ? d.models.join(', ') : 'all'} | ${cell(d.doc)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The declaration named `name` (a library name) in `decls`. */
export function declared(decls: readonly OptionDecl[], name: string): OptionDecl {
  const d = decls.find((x) => x.name === name);
  if (!d) throw new Error(`no option "${name}" is declared`);
  return d;
}
