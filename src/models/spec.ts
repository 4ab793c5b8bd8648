/**
 * A model's spec: its name and the options it takes (shared groups and its
 * own), with the defaults where it departs from the declarations'. The
 * registry (src/registry.ts) lists the specs; help, the CLI's checks and the
 * options reference are made from them.
 */
import { defaultsFor, type OptionDecl, type OptionValues } from '../config/options.js';

export interface ModelSpec {
  /** As `--model` and tsgan.json's `model` name it. */
  name: string;
  /** One line for help: what it is. */
  summary: string;
  /** Every option it takes, shared groups included. */
  options: readonly OptionDecl[];
  /** Defaults that differ from the declarations' own, by library name. */
  defaults?: Readonly<OptionValues>;
  /** Options it holds at their default: in its config, but not offered (by library name). */
  fixed?: readonly string[];
}

/** The options a user may set for this model. */
export function offeredOptions(spec: ModelSpec): OptionDecl[] {
  return spec.options.filter((d) => !spec.fixed?.includes(d.name));
}

/** The spec's defaults for its config (`target` 'model') or for its runs ('run'), by library name. */
export function specDefaults(spec: ModelSpec, target: 'model' | 'run'): OptionValues {
  return defaultsFor(spec.options, target, spec.defaults);
}
