// `npm ci` on the Node the README asks for prints no EBADENGINE warning: every package the lock
// file installs accepts that Node, and nothing is fetched from outside the npm registry.
// (Electron 42+ and @electron/rebuild 4 want Node >= 22.12; electron, electron-builder and the
// @electron/rebuild override in package.json are pinned to the last releases that install on 20.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  resolved?: string;
}

const root = new URL('../../', import.meta.url);
const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('package.json', root)), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(fileURLToPath(new URL('package-lock.json', root)), 'utf8')) as { packages: Record<string, LockEntry> };

/** The lowest Node the package declares (`engines.node`, e.g. ">=20.19" → 20.19.0). */
const lowestNode = semver.minVersion(packageJson.engines.node)?.version ?? '';

/** Packages of the lock whose `engines.node` refuses `nodeVersion`. */
function refusing(nodeVersion: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
    .filter(([, entry]) => !semver.satisfies(nodeVersion, (entry.engines as { node: string }).node, { includePrerelease: true }))
    .map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${(entry.engines as { node: string }).node}`);
}

describe('Node engines', () => {
  it('the README and package.json ask for Node 20.19 or later', () => {
    expect(lowestNode).toBe('20.19.0');
    expect(readFileSync(fileURLToPath(new URL('README.md', root)), 'utf8')).toMatch(/Node 20/);
  });

  it('every package in package-lock.json installs on this Node without an engine warning', () => {
    expect(refusing(process.version)).toEqual([]);
  });

  it('and on the oldest Node package.json accepts (20.19: vite and eslint want it)', () => {
    expect(refusing(lowestNode)).toEqual([]);
  });

  it('the check can fail: a Node 18 is refused by the tools', () => {
    expect(refusing('18.20.0').length).toBeGreaterThan(0);
  });

  it('everything comes from the npm registry (no git or tarball dependencies)', () => {
    const outside = Object.entries(lock.packages).filter(([, entry]) => entry.resolved && !entry.resolved.startsWith('https://registry.npmjs.org/'));
    expect(outside.map(([path, entry]) => `${path} ${entry.resolved}`)).toEqual([]);
  });
});
