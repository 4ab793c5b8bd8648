/**
 * A command whose options are declarations (src/config/options.ts): its
 * help is made from them, and its flags are parsed and checked by them, with
 * the wording every command shares. The values come back by library name.
 */
import { helpSections, parseOption, type OptionDecl, type OptionValues } from '../config/options.js';
import { parse, noPositionals, required, type Options } from './args.js';
import { stdout } from './io.js';

export interface Command {
  name: string;
  /** The usage line(s) and a paragraph on what it does. */
  intro: string;
  options: readonly OptionDecl[];
}

/** `tsgan NAME --help`: the intro, then the options section by section, in the order they are declared. */
export function commandHelp(c: Command): string {
  const sections = [...new Set(c.options.map((d) => d.section))].map((name) => ({ name }));
  return `${c.intro}\n\n${helpSections(c.options, sections)}`;
}

/** The flags' values by library name (only those given), each checked by its declaration; null after printing help. */
export function parseCommand(c: Command, args: string[]): OptionValues | null {
  const withFlag = c.options.filter((d) => d.flag !== undefined);
  const options: Options = Object.fromEntries(withFlag.map((d) => [d.flag!, { type: d.kind.type === 'boolean' ? ('boolean' as const) : ('string' as const) }]));
  const { values, positionals } = parse(c.name, args, options);
  if (values.help) {
    stdout().write(commandHelp(c));
    return null;
  }
  noPositionals(c.name, positionals);
  const out: OptionValues = {};
  for (const d of withFlag) {
    const v = values[d.flag!];
    if (d.required) required(c.name, values, d.flag!);
    if (v === undefined) continue;
    out[d.name] = typeof v === 'boolean' ? v : parseOption(d, v, `--${d.flag}`);
  }
  return out;
}
