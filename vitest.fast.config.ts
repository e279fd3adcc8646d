// The fast tier, `npm run test:fast`: the tests that are plain TypeScript in this process (IR,
// importers, interpreter, passes, code generation as text, protocol, services with fakes, UI
// logic). It leaves out, by what they do, the tests that start programs (QEMU, gcc and
// arm-none-eabi-gcc, Chromium, the tinydeploy CLI, worker processes, pty bridges) and the few
// that push whole datasets through the interpreter or thousands of fuzz cases. Those run in the full suite, `npm test`,
// which runs every test file. test/testing/no-processes.ts makes a test that starts a program
// here fail, so a test of that kind cannot slip into this tier.
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Test files that start programs, grouped by what they start. */
export const startsPrograms = [
  // QEMU (virtual boards) and the firmware built for it with arm-none-eabi-gcc.
  'src/core/node/devices/qemu/**/*.test.ts',
  'src/core/node/deploy/deploy.test.ts',
  'src/core/node/quantize/deploy-quantized.test.ts',
  'test/cli/**/*.test.ts',
  // C toolchains: the kernel library, generated C, ELF reading, stack estimates.
  'src/core/node/toolchain/kernels.test.ts',
  'src/core/node/toolchain/elf.test.ts',
  'src/core/node/toolchain/stack-usage.test.ts',
  'test/codegen/**/*.test.ts',
  // Single-op corpus models run on the interpreter, host C and virtual-m4f.
  'test/corpus/tolerant.test.ts',
  // Chromium.
  'test/e2e/**/*.test.ts',
  // The tinydeploy CLI, worker processes (a real deploy on QEMU among them), lock holders and pty bridges.
  'src/cli/main.test.ts',
  'src/cli/commands/optimize.test.ts',
  'src/cli/commands/serve.test.ts',
  'src/core/node/services/services.test.ts',
  '**/*.process.test.ts',
  'src/core/node/store/folder-lock.test.ts',
  'src/core/node/devices/transport/serial.test.ts',
];

/** Test files that run the interpreter over whole datasets (accuracy on thousands of samples). */
export const longComputations = [
  'src/core/node/datasets/evaluate.test.ts',
  'src/core/node/quantize/kws-accuracy.test.ts',
  'src/core/node/quantize/quantize-model.test.ts',
  // Training pipelines from the command line: MNIST read whole, parent and variant evaluated on 2,000 held-out samples.
  'src/cli/commands/optimize-training.test.ts',
  // Training on tfjs (gradient kernels, lowered graphs, fine-tuning) and the search's GP fits and trial graphs.
  'src/core/node/train/**/*.test.ts',
  'src/core/node/search/**/*.test.ts',
  // Deadlines waited out in real time: a throttled board and a silent one.
  'src/core/common/protocol/deadlines.test.ts',
  // Thousands of seeded fuzz cases per target in worker threads (the found-bug regressions stay here).
  'test/fuzz/fuzz.test.ts',
];

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, ...startsPrograms, ...longComputations],
      setupFiles: ['test/testing/no-processes.ts'],
      // No test here starts a process, so threads serve: a third less CPU than forks on 2 cores.
      pool: 'threads',
      // Test files share their worker's module cache instead of importing everything again per file:
      // importing was most of this tier's time (68 s → under 60 s on 2 cores). Tests here keep no
      // state between files beyond registries that only grow.
      isolate: false,
    },
  }),
);
