import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The README's "optimize for size / speed" section: per model that `run.ts --optimize speed` measured
 * (results-speed.json), its figures beside the same model's in results.json (the default, `size`):
 * instructions, RAM (arena + stack), code like TFLite Micro's (flash minus the model's tensors and
 * folded parameters), bit-exact, and the kernels only one build links. Empty when no speed run is saved.
 */
interface Row {
  model: string;
  instructionsPerInference: number;
  instructionsPerMac: number;
  arenaBytes: number;
  stackBytes: number;
  codeBytes: number;
  codeExclFoldedParametersBytes: number;
  bitExact: boolean;
  /** Float models: within the float tolerance of the host. */
  passed?: boolean;
  kernels?: string[];
  flashParts: Record<string, number>;
}

export function speedSection(directory: string, sizeRows: readonly Row[]): string {
  const path = join(directory, 'results-speed.json');
  if (!existsSync(path)) return '';
  const speedRows = (JSON.parse(readFileSync(path, 'utf8')) as { models: Row[] }).models;
  const count = (value: number) => value.toLocaleString('en-US');
  const signed = (value: number) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${count(Math.abs(value))}`;
  const check = (row: Row) => (row.bitExact ? 'yes' : row.passed ? 'within 1e-4' : 'NO');
  const lines = speedRows.flatMap((speed) => {
    const size = sizeRows.find((row) => row.model === speed.model);
    if (!size) return [];
    const onlySpeed = (speed.kernels ?? []).filter((kernel) => !(size.kernels ?? []).includes(kernel));
    return [
      `| ${speed.model} | ${count(size.instructionsPerInference)} (${size.instructionsPerMac.toFixed(2)}) | ${count(speed.instructionsPerInference)} (${speed.instructionsPerMac.toFixed(2)}) | ` +
        `${(speed.instructionsPerInference / size.instructionsPerInference).toFixed(3)} | ${count(size.arenaBytes + size.stackBytes)} | ${count(speed.arenaBytes + speed.stackBytes)} | ` +
        `${count(size.codeExclFoldedParametersBytes)} | ${count(speed.codeExclFoldedParametersBytes)} (${signed(speed.codeExclFoldedParametersBytes - size.codeExclFoldedParametersBytes)}) | ` +
        `${signed(speed.flashParts.kernels - size.flashParts.kernels)} / ${signed(speed.flashParts.model - size.flashParts.model)} | ` +
        `${check(size) === check(speed) ? check(size) : `size ${check(size)}, speed ${check(speed)}`} | ${onlySpeed.length > 0 ? onlySpeed.join(', ') : '(the same)'} |`,
    ];
  });
  return `
## Optimize for size or for speed

\`npx tsx bench/deploy/run.ts --optimize speed [model ...]\` generates each layer's fastest kernel for its shape,
whatever the model then links (\`tinydeploy deploy --optimize speed\`, a project's "Optimize for" setting), and writes
\`results-speed.json\`; the table above is the default, \`size\`, which takes a faster depthwise kernel only where
every depthwise layer of the model takes it (one depthwise kernel linked). Instructions (per MAC) on virtual-m4f;
RAM = arena + stack high-water; code like TFLM as above, and its growth split into kernels and the generated model
(which holds the wide kernel's channel blocks, prepared at generation time: doubled bias, paired taps, requantization;
those layers' filter and bias arrays are left out, the blocks carry them);
the last column names the kernels the speed build links that the size build does not. Only depthwise layers have a
choice so far: KWS's (3x3 over rows of 5) all take the wide kernel's rows-of-five entry in both builds, and the ResNet has
none, so both build the same.

| model | size: instructions | speed: instructions | speed / size | size: RAM B | speed: RAM B | size: code like TFLM B | speed: code like TFLM B | Δ kernels / model B | bit-exact | linked for speed only |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|
${lines.join('\n')}
`;
}
