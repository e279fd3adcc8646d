import { describe, expect, it } from 'vitest';
import type { ValidateResult } from '../../core/node/deploy/validate.js';
import { validateJson, validateText } from './validate.js';

/** What `tinydeploy validate` prints of a validation, text and --json (the run itself needs a board: test/e2e, the process tests). */

function result(optimizeFor: ValidateResult['optimizeFor']): ValidateResult {
  return {
    boardId: 'virtual-m4f',
    boardName: 'Virtual Cortex-M4F',
    model: { name: 'kws_ref_model.tflite', hash: 'sha256:00' },
    datasetName: 'kws01',
    samples: 20,
    equal: 20,
    passed: 20,
    outputDType: 'int8',
    accuracy: { board: 0.9, host: 0.9 },
    disagreements: 0,
    differing: [],
    elements: 240,
    maxAbsDiff: 0,
    rmse: 0,
    mae: 0,
    cosine: 1,
    l2r: 0,
    optimizeFor,
    timings: { buildMs: 1000, flashMs: 200, runMs: 300, totalMs: 1500.4 },
  };
}

describe('validate output', () => {
  it('says what the firmware was generated for, in the text and as "optimize" in --json (the key of build and deploy)', () => {
    for (const optimizeFor of ['size', 'speed'] as const) {
      expect(validateJson(result(optimizeFor))).toMatchObject({ board: 'virtual-m4f', samples: 20, equal: 20, optimize: optimizeFor, wallMs: 1500 });
      const lines = validateText(result(optimizeFor)).split('\n');
      expect(lines[0]).toBe('kws_ref_model.tflite on virtual-m4f against the host, 20 samples of kws01:');
      expect(lines[1]).toBe(`  optimized for      ${optimizeFor}`);
      expect(lines[2]).toBe('  identical outputs  20 of 20');
    }
  });
});
