/**
 * JSON for the files tsgan writes (tsgan.json, metrics): indented for people,
 * but an array of numbers stays on one line. Training histories are long
 * number arrays, which JSON.stringify's indentation puts one value per line
 * (a 15,000-iteration TimeGAN history came to 3.8 MB that way).
 */
export function toJson(value: unknown): string {
  // Only arrays whose items are all numbers or null, with nothing nested.
  return JSON.stringify(value, null, 2).replace(/\[\s+((?:-?[\d.eE+-]+|null)(?:,\s+(?:-?[\d.eE+-]+|null))*)\s+\]/g, (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`) + '\n';
}
