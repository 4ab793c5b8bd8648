/**
 * Option parsing for the CLI on node:util's parseArgs, with the checks and
 * one-line errors (exit code 2) that every command shares.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TsganError } from '../errors.js';
import { parseOption, type OptionKind } from '../config/options.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** parseArgs options from the names of string-valued and of boolean flags. */
export function flags(strings: string[], booleans: string[] = []): Options {
  return Object.fromEntries([...strings.map((n) => [n, { type: 'string' as const }]), ...booleans.map((n) => [n, { type: 'boolean' as const }])]);
}

/**
 * `--name -5` → `--name=-5` for string options, so that negative numbers work
 * in the spaced form too (parseArgs takes a value that starts with "-" only
 * in the `=` form) and reach the option's own range check.
 */
export function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (a.startsWith('--') && !a.includes('=') && options[a.slice(2)]?.type === 'string' && next !== undefined && /^-(\d|\.\d|inf)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parse(command: string, args: string[], options: Options): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Values, positionals };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new TsganError(`tsgan ${command}: ${msg}; see tsgan ${command} --help`);
  }
}

export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new TsganError(`tsgan ${command}: unexpected argument "${positionals[0]}"; see tsgan ${command} --help`);
}

export function required(command: string, values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new TsganError(`tsgan ${command}: --${name} is required; see tsgan ${command} --help`);
  return v;
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A flag's value checked as a declared option of `kind` would be (one wording for every command). */
function checked<T>(values: Values, name: string, kind: OptionKind): T | undefined {
  const v = str(values, name);
  return v === undefined ? undefined : (parseOption({ name, flag: name, kind, target: 'run', section: '', doc: '' }, v, `--${name}`) as T);
}

export function int(values: Values, name: string, min = 1): number | undefined {
  return checked(values, name, { type: 'int', min });
}

/** A seed: an integer in [0, 2³² − 1] (decimal digits only); anything else is refused. */
export function seed(values: Values, name = 'seed'): number | undefined {
  return checked(values, name, { type: 'seed' });
}

export function num(values: Values, name: string): number | undefined {
  return checked(values, name, { type: 'number', min: 0, exclusive: true });
}

export function nonNegative(values: Values, name: string): number | undefined {
  return checked(values, name, { type: 'number', min: 0 });
}

export function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[]): T | undefined {
  return checked(values, name, { type: 'choice', choices: allowed });
}

export function list(values: Values, name: string): string[] | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new TsganError(`--${name} has an empty name in "${v}"`);
  return items;
}
