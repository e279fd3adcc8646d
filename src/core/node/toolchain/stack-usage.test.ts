import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, requireCompiler } from './compiler.js';
import { estimateStack, estimateStackFromDirectory, parseCallGraph } from './stack-usage.js';

const callGraph = `graph: { title: "model.c"
node: { title: "leaf" label: "leaf\\nmodel.c:1:5\\n40 bytes (static)" }
node: { title: "middle" label: "middle\\nmodel.c:2:5\\n16 bytes (static)" }
edge: { sourcename: "middle" targetname: "leaf" label: "model.c:2:20" }
edge: { sourcename: "middle" targetname: "memcpy" label: "model.c:2:30" }
node: { title: "main" label: "main\\nmodel.c:3:5\\n8 bytes (static)" }
node: { title: "dynamic" label: "dynamic\\nmodel.c:4:5\\n24 bytes (dynamic,bounded)" }
node: { title: "__indirect_call" label: "Indirect Call Placeholder" shape : ellipse }
edge: { sourcename: "main" targetname: "middle" label: "model.c:3:10" }
edge: { sourcename: "main" targetname: "dynamic" label: "model.c:3:20" }
edge: { sourcename: "dynamic" targetname: "__indirect_call" label: "model.c:4:9" }
edge: { sourcename: "dynamic" targetname: "dynamic" label: "model.c:4:12" }
}`;


describe('stack estimate', () => {
  it('adds the deepest chain of frames and lists what it could not see', () => {
    const estimate = estimateStack(parseCallGraph([callGraph]), 'main');
    expect(estimate.bytes).toBe(8 + 16 + 40);
    expect(estimate.path).toEqual([
      { name: 'main', bytes: 8 },
      { name: 'middle', bytes: 16 },
      { name: 'leaf', bytes: 40 },
    ]);
    expect(estimate.unknown).toEqual(['dynamic (dynamic frame)', 'dynamic → dynamic (recursion)', 'indirect call', 'memcpy']);
  });

  // A missing host gcc fails this test (requireCompiler says how to install it) instead of skipping it.
  it('reads the .ci files GCC writes', async () => {
    const host = await requireCompiler('host');
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-stack-'));
    try {
      await writeFile(
        join(directory, 'program.c'),
        'static int deep(int x) { volatile int a[64]; a[x & 63] = x; return a[(x + 1) & 63]; }\n' +
          'int __attribute__((noinline)) shallow(int x) { return deep(x) + 1; }\n' +
          'int main(void) { return shallow(3); }\n',
      );
      await compile(host, { sources: [join(directory, 'program.c')], output: join(directory, 'program.o'), flags: ['-O1', '-c', '-fcallgraph-info=su'] });
      const estimate = await estimateStackFromDirectory(directory, 'main');
      // deep() is inlined into shallow(), whose frame holds the 256-byte array (less the x86-64 red zone).
      expect(estimate.path.map((frame) => frame.name)).toEqual(['main', 'shallow']);
      expect(estimate.path[1].bytes).toBeGreaterThanOrEqual(256 - 128);
      expect(estimate.bytes).toBe(estimate.path[0].bytes + estimate.path[1].bytes);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
