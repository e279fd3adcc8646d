// The installers' configuration, read the way electron-builder reads it (its own loader and schema,
// the version in node_modules): Electron's fuses, asar, and which files of the repository go into
// the app. Packaging itself needs the Electron binary, which these machines cannot download, so the
// fuses are flipped by electron-builder's own code in a stand-in executable carrying the fuse wire.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { PlatformPackager, type Configuration, type FuseOptionsV1 } from 'app-builder-lib';
import * as fileMatcher from 'app-builder-lib/out/fileMatcher.js';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// electron-builder 26.0 (the last whose dependencies install on Node 20) exports getFileMatchers
// without declaring it.
const { getFileMatchers } = fileMatcher as unknown as {
  getFileMatchers(config: Configuration, name: 'files', destination: string, options: fileMatcher.GetFileMatchersOptions): fileMatcher.FileMatcher[] | null;
};

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// The fuse wire's marker and states in Electron's executables (@electron/fuses' constants).
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;

describe('electron-builder.yml', () => {
  let config: Configuration;
  let scratch: string;

  beforeAll(async () => {
    config = await getConfig(repoRoot, null, null);
    scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-fuses-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('passes electron-builder’s schema (a misspelt fuse would be refused there)', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('sets every fuse: no Node mode, no NODE_OPTIONS or --inspect, code only from an integrity-checked app.asar, encrypted cookies', () => {
    const fuses: Required<Omit<FuseOptionsV1, 'resetAdHocDarwinSignature'>> = {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    };
    expect(config.electronFuses).toEqual(fuses);
    // The fuses that check app.asar mean nothing without it.
    expect(config.asar).toBe(true);
  });

  it('flips the fuses in the executable the way the installers get them', async () => {
    // A stand-in executable: some bytes, the fuse wire (version 1, eight fuses) in Electron's
    // default states, more bytes.
    const defaults = [FuseState.ENABLE, FuseState.DISABLE, FuseState.ENABLE, FuseState.ENABLE, FuseState.DISABLE, FuseState.DISABLE, FuseState.DISABLE, FuseState.ENABLE];
    const executable = join(scratch, 'tinydeploy');
    const padding = Buffer.alloc(4096, 0x90);
    await writeFile(executable, Buffer.concat([padding, Buffer.from(sentinel, 'latin1'), Buffer.from([1, defaults.length, ...defaults]), padding]));

    // electron-builder's own translation of `electronFuses` (what its afterPack step passes to
    // @electron/fuses), here with every fuse required to be set.
    const packager = PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: FuseOptionsV1): Promise<FuseConfig> };
    const fuseConfig = await packager.generateFuseConfig.call(undefined, config.electronFuses!);
    await flipFuses(executable, { ...fuseConfig, strictlyRequireAllFuses: true } as FuseConfig);

    const wire = (await getCurrentFuseWire(executable)) as unknown as Record<string, number>;
    expect(wire.version).toBe(FuseVersion.V1);
    const state = (option: FuseV1Options) => wire[option];
    expect(state(FuseV1Options.RunAsNode)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(FuseState.DISABLE);
    // Nothing but the wire changed.
    const bytes = await readFile(executable);
    expect(bytes.subarray(0, padding.length).equals(padding)).toBe(true);
    expect(bytes.subarray(bytes.length - padding.length).equals(padding)).toBe(true);
  });

  it('puts into the app only the built bundles and package.json: no sources, tests, source maps, benchmarks or data', () => {
    const matchers = getFileMatchers(config, 'files', join(scratch, 'app'), { macroExpander: (pattern) => pattern, customBuildOptions: {}, globalOutDir: join(repoRoot, 'dist'), defaultSrc: repoRoot }) ?? [];
    expect(matchers.length).toBeGreaterThan(0);
    const filters = matchers.map((matcher) => matcher.createFilter());
    const packaged = (path: string) => filters.some((filter) => filter(join(repoRoot, path), { isDirectory: () => false } as never));
    for (const path of ['package.json', 'out/main/index.js', 'out/main/worker.js', 'out/main/chunks/deploy.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index.js']) {
      expect({ path, packaged: packaged(path) }).toEqual({ path, packaged: true });
    }
    for (const path of [
      'out/main/index.js.map',
      'src/main/index.ts',
      'src/main/app-policy.test.ts',
      'src/shared/services/testing/fake-services.ts',
      'test/models.json',
      'test/packaging/electron-builder.test.ts',
      'bench/interp/run.ts',
      'scripts/electronegativity-check.mjs',
      'electron-builder.yml',
      'tsconfig.json',
      '.env',
      'dist/TinyDeploy.AppImage',
    ]) {
      expect({ path, packaged: packaged(path) }).toEqual({ path, packaged: false });
    }
  });
});
