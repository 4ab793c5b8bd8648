/**
 * Option parsing for the CLI on node:util's parseArgs, with the checks and
 * one-line errors (exit code 2) that every command shares.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TsganError } from '../errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** parseArgs options from the names of string-valued and of boolean flags. */
export function flags(strings: string[], booleans: string[] = []): Options {
  return Object.fromEntries([...strings.map((n) => [n, { type: 'string' as const }]), ...booleans.map((n) => [n, { type: 'boolean' as const }])]);
}

export function parse(command: string, args: string[], options: Options): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
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
