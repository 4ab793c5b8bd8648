/**
 * Option parsing for the CLI on node:util's parseArgs, with the checks and
 * one-line errors (exit code 2) that every command shares.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TsganError } from '../errors.js';
import { MAX_SEED } from '../random.js';

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

export function int(values: Values, name: string, min = 1): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new TsganError(`--${name} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got "${v}"`);
  }
  return n;
}

/** A seed: an integer in [0, 2³² − 1] (decimal digits only); anything else is refused. */
export function seed(values: Values, name = 'seed'): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const t = v.trim();
  const n = Number(t);
  if (!/^\+?\d+$/.test(t) || !Number.isSafeInteger(n) || n > MAX_SEED) {
    throw new TsganError(`--${name} must be an integer in [0, ${MAX_SEED}], got "${v}"`);
  }
  return n;
}

export function num(values: Values, name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new TsganError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

export function nonNegative(values: Values, name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new TsganError(`--${name} must be a number ≥ 0, got "${v}"`);
  return n;
}

export function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[]): T | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new TsganError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export function list(values: Values, name: string): string[] | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new TsganError(`--${name} has an empty name in "${v}"`);
  return items;
}
