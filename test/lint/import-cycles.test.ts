/**
 * The core has no import circle: a module graph without cycles is one a reader can follow from the
 * bottom (ir, ops) up (interp, codegen, passes; node services, jobs, deploy), and one whose modules
 * load in a defined order. Every relative import counts, `import type` included, so a circle cannot
 * hide behind types either. The test parses the real sources, finds strongly connected components
 * (Tarjan) and names each circle's files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Relative imports of one file, resolved to source paths (`.js` specifiers name `.ts` files). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2];
    const base = resolve(dirname(file), specifier);
    for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, join(base, 'index.ts')]) {
      try {
        if (statSync(candidate).isFile()) {
          targets.push(candidate);
          break;
        }
      } catch {
        // not this candidate
      }
    }
  }
  return targets;
}

/** The import circles (strongly connected components of more than one file, or a self-import) under `folder`. */
export function importCircles(folder: string): string[][] {
  const files = sourceFiles(folder);
  const inside = new Set(files);
  const edges = new Map(files.map((file) => [file, imports(file).filter((target) => inside.has(target))]));
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file)!) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || edges.get(file)!.includes(file)) circles.push(component.map((path) => relative(root, path)).sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return circles;
}

describe('import circles', () => {
  for (const folder of ['src/core/common', 'src/core/node', 'src/shared', 'src/worker', 'src/server', 'src/cli']) {
    it(`${folder} has none`, () => {
      expect(importCircles(join(root, folder))).toEqual([]);
    });
  }
});
