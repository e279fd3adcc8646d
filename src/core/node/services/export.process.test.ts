import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { requireTools } from '../../../../test/testing/tools.js';
import { readModelBytes } from '../model-file.js';
import { describeModel } from '../model-summary.js';
import { openStore, type Store } from '../store/index.js';
import { findCompiler } from '../toolchain/compiler.js';
import { createExportService } from './export.js';

/**
 * The firmware download compiles with arm-none-eabi-gcc: for a virtual board the ELF, for a real
 * board also the images a programmer takes (.bin, .hex, and .uf2 for the Pico), each beside the
 * build report whose figures say what the ELF holds.
 */

const compiler = await findCompiler('arm-none-eabi');

let directory: string;
let store: Store;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-export-'));
  store = openStore(directory);
});

afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('firmware export', () => {
  requireTools(compiler ? undefined : 'arm-none-eabi-gcc (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)');

  it('zips the ELF and, for a real board, the .bin, .hex and .uf2 with the build report', async () => {
    const project = store.createProject('Export');
    const bytes = new Uint8Array(readFileSync(sharedModels.kws_ref_model));
    const { summary, detail } = describeModel(readModelBytes(bytes, 'kws_ref_model.tflite'));
    const variant = store.addVariant({ projectId: project.id, name: 'kws_ref_model', origin: { kind: 'import', fileName: 'kws_ref_model.tflite' }, bytes, summary, detail });
    const service = createExportService(store);

    const pico = await service.firmware({ variantId: variant.id, boardId: 'rpi-pico' });
    expect(pico.fileName).toBe('kws_ref_model-rpi-pico-firmware.zip');
    const files = unzipSync(pico.bytes);
    const root = 'kws_ref_model-rpi-pico-firmware';
    expect(Object.keys(files).sort()).toEqual([`${root}/build-report.json`, `${root}/build/model.bin`, `${root}/build/model.elf`, `${root}/build/model.hex`, `${root}/build/model.map`, `${root}/build/model.uf2`]);
    expect([...files[`${root}/build/model.elf`].slice(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    // UF2 blocks start with their two magic words, 0x0A324655 and 0x9E5D5157, little-endian.
    expect(Buffer.from(files[`${root}/build/model.uf2`].slice(0, 8)).toString('hex')).toBe('5546320a57515d9e');
    expect(new TextDecoder().decode(files[`${root}/build/model.hex`]).startsWith(':')).toBe(true);
    const report = JSON.parse(new TextDecoder().decode(files[`${root}/build-report.json`]));
    expect(report).toMatchObject({ board: 'rpi-pico', model: 'kws_ref_model', modelHash: variant.fileHash });
    expect(report.flashBytes).toBe(report.codeBytes + report.weightBytes);
    expect(report.weightBytes).toBeGreaterThan(20_000);

    const virtual = unzipSync((await service.firmware({ variantId: variant.id, boardId: 'virtual-m4f' })).bytes);
    expect(Object.keys(virtual).map((name) => name.split('/').slice(1).join('/')).sort()).toEqual(['build-report.json', 'build/model.elf', 'build/model.map']);
  });
});
