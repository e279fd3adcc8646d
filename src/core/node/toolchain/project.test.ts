/**
 * The build id of a firmware project (what the profiler reports in HELLO and deploy records):
 * it names the model and every kernel, board and runtime source the firmware compiles, so the
 * same model built from edited kernel sources is another build. A deploy of a model whose
 * generated C is unchanged but whose kernels differ must not carry the id of the other build.
 */
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualM4f } from '../../common/boards/index.js';
import { generateModel } from '../../common/codegen/index.js';
import { lstmGraph } from '../../common/interp/kernels/testing/lstm-model.js';
import { firmwareRoot } from './firmware.js';
import { writeFirmwareProject } from './project.js';

const model = generateModel(lstmGraph({ dtype: 'int8', batch: 1, time: 3, inputSize: 3, units: 8 }), { modelName: 'lstm', dsp: true });

describe('firmware project build id', () => {
  let directory: string;
  let firmware: string;
  const previous = process.env.TINYDEPLOY_FIRMWARE_DIR;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-build-id-'));
    firmware = join(directory, 'firmware');
    await cp(firmwareRoot(), firmware, { recursive: true });
    process.env.TINYDEPLOY_FIRMWARE_DIR = firmware;
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env.TINYDEPLOY_FIRMWARE_DIR;
    else process.env.TINYDEPLOY_FIRMWARE_DIR = previous;
    await rm(directory, { recursive: true, force: true });
  });

  const buildId = async (name: string, application: 'profiler' | 'standalone') =>
    (await writeFirmwareProject(model, join(directory, name), { board: virtualM4f, application })).buildId;

  for (const application of ['profiler', 'standalone'] as const) {
    it(`${application}: the same for the same model and sources, another when a compiled kernel source changes`, async () => {
      const first = await buildId(`${application}-a`, application);
      expect(await buildId(`${application}-b`, application)).toBe(first);
      // The LSTM's Cortex-M kernel (the one this DSP build compiles) edited, the generated C unchanged.
      await appendFile(join(firmware, 'kernels/src/opt/cortex-m/td_lstm_s8_packed.c'), `\n/* ${application} edit */\n`);
      const edited = await buildId(`${application}-c`, application);
      expect(edited).toMatch(/^[0-9a-f]{16}$/);
      expect(edited).not.toBe(first);
    });
  }

  it('profiler: another when a runtime source changes', async () => {
    const first = await buildId('runtime-a', 'profiler');
    const [source] = (await readdir(join(firmware, 'runtime/src'))).filter((file) => file.endsWith('.c'));
    await appendFile(join(firmware, 'runtime/src', source), '\n/* edit */\n');
    expect(await buildId('runtime-b', 'profiler')).not.toBe(first);
  });
});
