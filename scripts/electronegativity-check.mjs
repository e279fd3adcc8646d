#!/usr/bin/env node
// Electron security check for CI: runs @doyensec/electronegativity on the Electron app's
// sources and fails on any finding. Electronegativity itself exits 0 whatever it finds, so its
// result (the issues and the files it could not parse) is read here and judged.
//
// What is scanned: the sources that make up the desktop app (src/main, src/preload, src/renderer,
// src/shared), without tests and development-only pages, plus package.json (for the Electron
// version, which decides the defaults of webPreferences and the known security fixes). They are
// copied to a temporary folder first so that nothing else of the repository is scanned.
//
// A finding that has been reviewed and accepted is acknowledged where it is, with
// electronegativity's own inline comment on the flagged line (`// eng-disable CHECK_ID`, with a
// comment saying why); this script has no list of exceptions.
//
// Usage: node scripts/electronegativity-check.mjs [path …]   (paths relative to the repository)

import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultPaths = ['src/main', 'src/preload', 'src/renderer', 'src/shared', 'package.json'];

/** Files that are not part of the app: tests, test doubles, development-only pages. */
function isScanned(path) {
  const name = basename(path);
  if (/\.test\.tsx?$/.test(name)) return false;
  if (name === 'testing' && statSync(path).isDirectory()) return false;
  if (name === 'fake.html') return false;
  return true;
}

function loadElectronegativity() {
  const require = createRequire(import.meta.url);
  try {
    const loaded = require('@doyensec/electronegativity');
    return typeof loaded === 'function' ? loaded : loaded.default;
  } catch (error) {
    console.error(`electronegativity-check: cannot load @doyensec/electronegativity (${error.message}); install the devDependencies with npm ci`);
    process.exit(2);
  }
}

async function main() {
  const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : defaultPaths;
  const run = loadElectronegativity();
  const staging = mkdtempSync(join(tmpdir(), 'tinydeploy-electronegativity-'));
  try {
    for (const path of paths) {
      cpSync(join(repoRoot, path), join(staging, path), { recursive: true, filter: (source) => isScanned(source) });
    }
    const result = await run(
      {
        input: staging,
        // No output file: the result comes back as data (issues and parse errors) instead of a
        // CSV/SARIF file that would leave out the files it could not parse.
        isSarif: false,
        customScan: [],
        excludeFromScan: [],
        isRelative: true,
        isVerbose: true,
        parserPlugins: [],
      },
      false,
    );
    const issues = result.issues ?? [];
    // A file it cannot parse is a file it did not check.
    const parseErrors = (result.errors ?? []).filter((error) => !error.tolerable);
    for (const issue of issues) {
      const where = issue.file === 'N/A' ? 'whole app' : `${relative(staging, resolve(staging, issue.file))}:${issue.location.line}:${issue.location.column}`;
      const review = issue.manualReview ? ' (review required)' : '';
      console.error(`${issue.id}${review} ${where}: ${issue.description}${issue.shortenedURL ? ` (${issue.shortenedURL})` : ''}`);
    }
    for (const error of parseErrors) console.error(`cannot parse ${relative(staging, error.file)}: ${error.message}`);
    const checks = `${result.atomicChecks} checks and ${result.globalChecks} global checks`;
    if (issues.length > 0 || parseErrors.length > 0) {
      console.error(`electronegativity: ${issues.length} finding(s), ${parseErrors.length} file(s) not parsed (${checks}) in ${paths.join(', ')}`);
      process.exitCode = 1;
    } else {
      console.log(`electronegativity: no finding (${checks}) in ${paths.join(', ')}`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

await main();
