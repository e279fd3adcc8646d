import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Worst-case stack estimate from GCC's `-fcallgraph-info=su` output (one `.ci` file per
 * translation unit, VCG syntax): each function's own frame plus the deepest chain of calls
 * below it. What it guarantees: for code without recursion, indirect calls or dynamic
 * (`alloca`/VLA) frames, the figure is an upper bound of the stack used below the root.
 * What not: calls into precompiled libraries (newlib's memcpy, libgcc) have no `.ci` file and
 * count as 0 bytes; indirect calls and recursion are reported in `unknown` and cut; a dynamic
 * frame counts its static part. The device's stack painting gives the measured figure.
 */
export interface StackEstimate {
  /** Root function the estimate starts from. */
  root: string;
  bytes: number;
  /** The deepest chain, root first, with each function's own frame. */
  path: { name: string; bytes: number }[];
  /** Why the estimate may be low: functions without stack info, indirect calls, recursion, dynamic frames. */
  unknown: string[];
}

export interface CallGraph {
  /** Own frame of each function, by the node title GCC gives it. */
  frames: Map<string, { bytes: number; dynamic: boolean }>;
  calls: Map<string, Set<string>>;
}

/** Parses the text of `.ci` files into one call graph (nodes merge by title across files). */
export function parseCallGraph(texts: readonly string[]): CallGraph {
  const frames: CallGraph['frames'] = new Map();
  const calls: CallGraph['calls'] = new Map();
  const nodePattern = /node:\s*\{\s*title:\s*"([^"]+)"\s*label:\s*"([^"]*)"/g;
  const edgePattern = /edge:\s*\{\s*sourcename:\s*"([^"]+)"\s*targetname:\s*"([^"]+)"/g;
  for (const text of texts) {
    for (const match of text.matchAll(nodePattern)) {
      const frame = /\\n(\d+) bytes \(([a-z,]+)\)/.exec(match[2]);
      if (frame) frames.set(match[1], { bytes: Number(frame[1]), dynamic: frame[2].includes('dynamic') });
    }
    for (const match of text.matchAll(edgePattern)) {
      if (!calls.has(match[1])) calls.set(match[1], new Set());
      calls.get(match[1])!.add(match[2]);
    }
  }
  return { frames, calls };
}

/** The deepest stack below `root` in the call graph (see StackEstimate for what it guarantees). */
export function estimateStack(graph: CallGraph, root: string): StackEstimate {
  const unknown = new Set<string>();
  const memo = new Map<string, { bytes: number; path: { name: string; bytes: number }[] }>();
  const visiting = new Set<string>();
  const deepest = (name: string): { bytes: number; path: { name: string; bytes: number }[] } => {
    const known = memo.get(name);
    if (known) return known;
    if (name === '__indirect_call') {
      unknown.add('indirect call');
      return { bytes: 0, path: [] };
    }
    const frame = graph.frames.get(name);
    if (!frame) {
      unknown.add(name);
      return { bytes: 0, path: [{ name, bytes: 0 }] };
    }
    if (frame.dynamic) unknown.add(`${name} (dynamic frame)`);
    visiting.add(name);
    let below: { bytes: number; path: { name: string; bytes: number }[] } = { bytes: 0, path: [] };
    for (const callee of graph.calls.get(name) ?? []) {
      if (visiting.has(callee)) {
        unknown.add(`${name} → ${callee} (recursion)`);
        continue;
      }
      const candidate = deepest(callee);
      if (candidate.bytes > below.bytes) below = candidate;
    }
    visiting.delete(name);
    const result = { bytes: frame.bytes + below.bytes, path: [{ name, bytes: frame.bytes }, ...below.path] };
    memo.set(name, result);
    return result;
  };
  const result = deepest(root);
  return { root, bytes: result.bytes, path: result.path, unknown: [...unknown].sort() };
}

/** Reads every `.ci` file in `directory` (not recursive) and estimates the stack below `root`. */
export async function estimateStackFromDirectory(directory: string, root: string): Promise<StackEstimate> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.ci'));
  const texts = await Promise.all(files.map((file) => readFile(join(directory, file), 'utf8')));
  return estimateStack(parseCallGraph(texts), root);
}
