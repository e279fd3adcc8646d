/**
 * The runtime layers of STYLE.md §1 are enforced by lint (eslint.config.js, eslint/layers.js). Each case
 * writes a probe file into the real tree, where its layer is, lints only the probes with the repository's
 * own configuration, and removes them again. A violation must fail with its rule; a legitimate import of
 * the same layer must lint clean, so an allow-list that is too strict fails here too.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Probe {
  /** What the case shows, for the test's name. */
  title: string;
  /** The folder, relative to the repository, the probe is written to. */
  folder: string;
  /** A test probe is named `*.test.tsx`: linted as a test, never collected by vitest. */
  test?: boolean;
  source: string;
  /** The rule and a fragment of its message; absent for a probe that must lint clean. */
  error?: { rule: 'layers/imports' | 'no-restricted-globals'; message: string };
}

const violations: Probe[] = [
  {
    title: 'core/common reaching core/node through ../',
    folder: 'src/core/common/ir',
    source: `export { openStore } from '../../node/store/store.js';`,
    error: { rule: 'layers/imports', message: 'core/common must not import src/core/node/store/store.js (core/node)' },
  },
  {
    title: 'the code generator importing the interpreter',
    folder: 'src/core/common/codegen/ops',
    source: `export { Interpreter } from '../../interp/interpreter.js';`,
    error: { rule: 'layers/imports', message: 'core/common/codegen must not import src/core/common/interp/interpreter.js (core/common/interp)' },
  },
  {
    title: 'the interpreter importing the code generator',
    folder: 'src/core/common/interp/kernels',
    source: `export { generateModel } from '../../codegen/generate.js';`,
    error: { rule: 'layers/imports', message: 'core/common/interp must not import src/core/common/codegen/generate.js (core/common/codegen)' },
  },
  {
    title: 'the op library importing a back end',
    folder: 'src/core/common/ops',
    source: `export { findKernel } from '../interp/registry.js';`,
    error: { rule: 'layers/imports', message: 'core/common/ops must not import src/core/common/interp/registry.js (core/common/interp)' },
  },
  {
    title: 'core/common importing a renderer type',
    folder: 'src/core/common/ir',
    source: `import type { Screen } from '../../../renderer/src/app.js';\nexport type Probe = Screen;`,
    error: { rule: 'layers/imports', message: '(renderer)' },
  },
  {
    title: 'core/common re-exporting core/node',
    folder: 'src/core/common/passes',
    source: `export * from '../../node/model-file.js';`,
    error: { rule: 'layers/imports', message: '(core/node)' },
  },
  {
    title: 'core/common importing core/node dynamically',
    folder: 'src/core/common/passes',
    source: `export const probe = () => import('../../node/model-file.js');`,
    error: { rule: 'layers/imports', message: '(core/node)' },
  },
  {
    title: 'core/common naming a core/node type through import()',
    folder: 'src/core/common/codegen',
    source: `export type Probe = import('../../node/store/store.js').Store;`,
    error: { rule: 'layers/imports', message: '(core/node)' },
  },
  {
    title: 'core/common importing a Node built-in',
    folder: 'src/core/common/ir',
    source: `import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;`,
    error: { rule: 'layers/imports', message: 'core/common must not import the package "node:fs"' },
  },
  {
    title: 'core/common importing a Node built-in without its prefix',
    folder: 'src/core/common/ir',
    source: `import { join } from 'path';\nexport const probe = join;`,
    error: { rule: 'layers/imports', message: 'the package "path"' },
  },
  {
    title: 'core/common importing Electron',
    folder: 'src/core/common/ir',
    source: `import { app } from 'electron';\nexport const probe = app;`,
    error: { rule: 'layers/imports', message: 'the package "electron"' },
  },
  {
    title: 'core/common using Buffer',
    folder: 'src/core/common/ir',
    source: `export const probe = Buffer.from([1, 2]);`,
    error: { rule: 'no-restricted-globals', message: 'Buffer is Node-only' },
  },
  {
    title: 'core/common using process',
    folder: 'src/core/common/protocol',
    source: `export const probe = process.env.HOME;`,
    error: { rule: 'no-restricted-globals', message: 'process is Node-only' },
  },
  {
    title: 'core/common using __dirname',
    folder: 'src/core/common/ir',
    source: `export const probe = __dirname;`,
    error: { rule: 'no-restricted-globals', message: '__dirname is Node-only' },
  },
  {
    title: 'core/common using the DOM',
    folder: 'src/core/common/codegen',
    source: `export const probe = () => document.title;`,
    error: { rule: 'no-restricted-globals', message: 'it does not use document' },
  },
  {
    title: 'a core/common test importing main',
    folder: 'src/core/common/ir',
    test: true,
    source: `export { createIpc } from '../../../main/ipc.js';`,
    error: { rule: 'layers/imports', message: 'core/common test code must not import src/main/ipc.js (main)' },
  },
  {
    title: 'a core/node test importing the CLI',
    folder: 'src/core/node/store',
    test: true,
    source: `export { main } from '../../../cli/main.js';`,
    error: { rule: 'layers/imports', message: '(cli)' },
  },
  {
    title: 'core/node importing main',
    folder: 'src/core/node/store',
    source: `export { createIpc } from '../../../main/ipc.js';`,
    error: { rule: 'layers/imports', message: 'core/node must not import src/main/ipc.js (main)' },
  },
  {
    title: 'core/node importing Electron',
    folder: 'src/core/node/store',
    source: `export { app } from 'electron';`,
    error: { rule: 'layers/imports', message: 'the package "electron"' },
  },
  {
    title: 'the renderer importing core/node',
    folder: 'src/renderer/src',
    source: `export { openStore } from '../../core/node/store/store.js';`,
    error: { rule: 'layers/imports', message: 'renderer must not import src/core/node/store/store.js (core/node)' },
  },
  {
    title: 'the renderer importing a Node built-in',
    folder: 'src/renderer/src',
    source: `export { join } from 'node:path';`,
    error: { rule: 'layers/imports', message: 'the package "node:path"' },
  },
  {
    title: 'the renderer using process',
    folder: 'src/renderer/src',
    source: `export const probe = process.platform;`,
    error: { rule: 'no-restricted-globals', message: 'process is Node-only' },
  },
  {
    title: 'shared importing node:fs',
    folder: 'src/shared/services',
    source: `export { readFileSync } from 'node:fs';`,
    error: { rule: 'layers/imports', message: 'shared must not import the package "node:fs"' },
  },
  {
    title: 'shared importing core/node',
    folder: 'src/shared/services',
    source: `export { openStore } from '../../core/node/store/store.js';`,
    error: { rule: 'layers/imports', message: '(core/node)' },
  },
  {
    title: 'main importing the renderer',
    folder: 'src/main',
    source: `export { App } from '../renderer/src/app.js';`,
    error: { rule: 'layers/imports', message: 'main must not import src/renderer/src/app.js (renderer)' },
  },
  {
    title: 'the preload importing the core',
    folder: 'src/preload',
    source: `export { TinyDeployError } from '../core/common/errors.js';`,
    error: { rule: 'layers/imports', message: 'preload must not import src/core/common/errors.js (core/common)' },
  },
  {
    title: 'the worker importing main',
    folder: 'src/worker',
    source: `export { createIpc } from '../main/ipc.js';`,
    error: { rule: 'layers/imports', message: '(main)' },
  },
  {
    title: 'the CLI importing the renderer',
    folder: 'src/cli',
    source: `export { App } from '../renderer/src/app.js';`,
    error: { rule: 'layers/imports', message: 'cli must not import src/renderer/src/app.js (renderer)' },
  },
  {
    title: 'tooling importing the renderer',
    folder: 'test/lint',
    source: `export { App } from '../../src/renderer/src/app.js';`,
    error: { rule: 'layers/imports', message: 'tooling must not import src/renderer/src/app.js (renderer)' },
  },
  {
    title: 'a source file in no layer',
    folder: 'src/misc',
    source: `export const probe = 1;`,
    error: { rule: 'layers/imports', message: 'is in no runtime layer' },
  },
];

const legitimate: Probe[] = [
  {
    title: 'core/common importing core/common and flatbuffers, with timers and TextEncoder',
    folder: 'src/core/common/ir',
    source: [
      `import type { Graph } from './graph.js';`,
      `import { TinyDeployError } from '../errors.js';`,
      `import * as flatbuffers from 'flatbuffers';`,
      `export type Probe = Graph;`,
      `export const probe = [TinyDeployError, flatbuffers, new TextEncoder(), setTimeout, clearTimeout];`,
      `export const shadowed = (window: number, process: number) => window + process;`,
    ].join('\n'),
  },
  {
    title: 'both back ends consuming the op library and the IR',
    folder: 'src/core/common/codegen/ops',
    source: [
      `import { findOp } from '../../ops/index.js';`,
      `import type { Graph } from '../../ir/types.js';`,
      `import { CodegenError } from '../../errors.js';`,
      `export type Probe = Graph;`,
      `export const probe = [findOp, CodegenError];`,
    ].join('\n'),
  },
  {
    title: 'a core/common test using Node, Buffer, core/node fakes and the test fixtures',
    folder: 'src/core/common/protocol',
    test: true,
    source: [
      `import { readFileSync } from 'node:fs';`,
      `import { expect } from 'vitest';`,
      `import { loadModelFile } from '../../node/model-file.js';`,
      `import { sharedModels } from '../../../../test/testing/shared-data.js';`,
      `export const probe = [readFileSync, expect, loadModelFile, sharedModels, Buffer.from([1])];`,
    ].join('\n'),
  },
  {
    title: 'core/node importing core/common, the service types, Node and its packages',
    folder: 'src/core/node/store',
    source: [
      `import Database from 'better-sqlite3';`,
      `import { SerialPort } from 'serialport';`,
      `import { readFileSync } from 'node:fs';`,
      `import { join } from 'path';`,
      `import { TinyDeployError } from '../../common/errors.js';`,
      `import type { Job } from '../../../shared/services/types.js';`,
      `export type Probe = Job;`,
      `export const probe = [Database, SerialPort, readFileSync, join, TinyDeployError];`,
    ].join('\n'),
  },
  {
    title: 'shared importing shared and core/common',
    folder: 'src/shared/services',
    source: [
      `import { TinyDeployError } from '../../core/common/errors.js';`,
      `import type { Services } from './types.js';`,
      `export type Probe = Services;`,
      `export const probe = TinyDeployError;`,
    ].join('\n'),
  },
  {
    title: 'the renderer importing React, the services, core/common and CSS',
    folder: 'src/renderer/src',
    source: [
      `import { useState } from 'react';`,
      `import { createRoot } from 'react-dom/client';`,
      `import type { Services } from '../../shared/services/types.js';`,
      `import { formatBytes } from '../../core/common/format.js';`,
      `import './app.css';`,
      `export type Probe = Services;`,
      `export const probe = [useState, createRoot, formatBytes, window, document];`,
    ].join('\n'),
  },
  {
    title: 'main importing Electron, Node, core and the services',
    folder: 'src/main',
    source: [
      `import { app } from 'electron';`,
      `import { join } from 'node:path';`,
      `import { createServices } from '../core/node/services/create-services.js';`,
      `import { serveServices } from '../shared/services/proxy.js';`,
      `export const probe = [app, join, createServices, serveServices, process.platform];`,
    ].join('\n'),
  },
  {
    title: 'the preload importing Electron and the bridge contract',
    folder: 'src/preload',
    source: [
      `import { contextBridge } from 'electron';`,
      `import { ipcChannelName } from '../shared/services/bridge.js';`,
      `export const probe = [contextBridge, ipcChannelName];`,
    ].join('\n'),
  },
  {
    title: 'the worker importing core, the services and Node',
    folder: 'src/worker',
    source: [
      `import { readFile } from 'node:fs/promises';`,
      `import { openStore } from '../core/node/store/store.js';`,
      `import type { Job } from '../shared/services/types.js';`,
      `export type Probe = Job;`,
      `export const probe = [readFile, openStore, () => import('./tasks/deploy.js')];`,
    ].join('\n'),
  },
  {
    title: 'the CLI importing core, the services and the browser-mode server',
    folder: 'src/cli',
    source: [
      `import { writeFileSync } from 'node:fs';`,
      `import { importModel } from '../core/common/importers/index.js';`,
      `import { openStore } from '../core/node/store/store.js';`,
      `import { startBrowserServer } from '../server/browser-server.js';`,
      `export const probe = [writeFileSync, importModel, openStore, startBrowserServer];`,
    ].join('\n'),
  },
  {
    title: 'the browser-mode server importing ws, the services and core',
    folder: 'src/server',
    source: [
      `import { WebSocketServer } from 'ws';`,
      `import { createServer } from 'node:http';`,
      `import { serveServices } from '../shared/services/proxy.js';`,
      `import { TinyDeployError } from '../core/common/errors.js';`,
      `export const probe = [WebSocketServer, createServer, serveServices, TinyDeployError];`,
    ].join('\n'),
  },
  {
    title: 'tooling importing the CLI, core/node and any package',
    folder: 'test/lint',
    source: [
      `import { chromium } from 'playwright-core';`,
      `import { main } from '../../src/cli/main.js';`,
      `import { openStore } from '../../src/core/node/store/store.js';`,
      `export const probe = [chromium, main, openStore];`,
    ].join('\n'),
  },
];

const layerRules = new Set(['layers/imports', 'no-restricted-globals']);

/** The messages of the layer rules for each probe, by probe. */
const results = new Map<Probe, Linter.LintMessage[]>();

beforeAll(async () => {
  const probes = [...violations, ...legitimate];
  const paths = new Map<Probe, string>();
  const createdFolders: string[] = [];
  try {
    probes.forEach((probe, index) => {
      const folder = join(repoRoot, probe.folder);
      if (!existsSync(folder)) {
        mkdirSync(folder, { recursive: true });
        createdFolders.push(folder);
      }
      const path = join(folder, `__layers-probe-${process.pid}-${index}.${probe.test ? 'test.tsx' : 'ts'}`);
      writeFileSync(path, `${probe.source}\n`);
      paths.set(probe, path);
    });
    const eslint = new ESLint({ cwd: repoRoot });
    const reports = await eslint.lintFiles([...paths.values()]);
    const byPath = new Map(reports.map((report) => [report.filePath, report.messages]));
    for (const [probe, path] of paths) {
      const messages = byPath.get(path);
      if (!messages) throw new Error(`ESLint did not lint ${path}`);
      results.set(probe, messages);
    }
  } finally {
    for (const path of paths.values()) rmSync(path, { force: true });
    for (const folder of createdFolders) rmSync(folder, { recursive: true, force: true });
  }
});

describe('the layer lint rejects', () => {
  it.each(violations.map((probe) => [probe.title, probe] as const))('%s', (_title, probe) => {
    const messages = results.get(probe)!.filter((message) => layerRules.has(message.ruleId ?? ''));
    expect(messages.map((message) => ({ rule: message.ruleId, message: message.message }))).toEqual([
      { rule: probe.error!.rule, message: expect.stringContaining(probe.error!.message) },
    ]);
  });
});

describe('the layer lint accepts', () => {
  it.each(legitimate.map((probe) => [probe.title, probe] as const))('%s', (_title, probe) => {
    const messages = results.get(probe)!;
    expect(messages.map((message) => `${message.ruleId}: ${message.message}`)).toEqual([]);
  });
});
