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

/** A flag's value checked as a declared option of `kind` would be (one wording for every command). */
function checked<T>(values: Values, name: string, kind: OptionKind): T | undefined {
  const v = typeof values[name] === 'string' ? (values[name] as string) : undefined;
  return v === undefined ? undefined : (parseOption({ kind }, v, `--${name}`) as T);
}

export function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[]): T | undefined {
  return checked(values, name, { type: 'choice', choices: allowed });
}
