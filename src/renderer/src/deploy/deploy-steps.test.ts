import { describe, expect, it } from 'vitest';
import { currentStepIndex, stepStates } from './deploy-steps.js';

describe('deploy steps', () => {
  it('reads the step from what the worker says it does', () => {
    expect(currentStepIndex({ step: 'build', progress: 0 })).toBe(0);
    expect(currentStepIndex({ step: 'flash', progress: 0.3 })).toBe(1);
    expect(currentStepIndex({ step: 'run 3 of 10', progress: 0.6 })).toBe(2);
    expect(currentStepIndex({ step: 'Verify', progress: 0.9 })).toBe(3);
  });

  it('falls back on the progress fraction for other wording', () => {
    expect(currentStepIndex({ step: 'starting', progress: 0 })).toBe(0);
    expect(currentStepIndex({ step: 'connecting', progress: 0.35 })).toBe(1);
    expect(currentStepIndex({ step: '', progress: 0.5 })).toBe(2);
    expect(currentStepIndex({ step: 'done', progress: 1 })).toBe(3);
  });

  it('marks steps done, active, failed, stopped or pending by the job status', () => {
    expect(stepStates({ status: 'queued', step: '', progress: 0 })).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(stepStates({ status: 'running', step: 'run 1 of 1', progress: 0.45 })).toEqual(['done', 'done', 'active', 'pending']);
    expect(stepStates({ status: 'failed', step: 'flash', progress: 0.3 })).toEqual(['done', 'failed', 'pending', 'pending']);
    expect(stepStates({ status: 'cancelled', step: 'build', progress: 0 })).toEqual(['stopped', 'pending', 'pending', 'pending']);
    expect(stepStates({ status: 'interrupted', step: 'verify', progress: 0.85 })).toEqual(['done', 'done', 'done', 'stopped']);
    expect(stepStates({ status: 'succeeded', step: 'done', progress: 1 })).toEqual(['done', 'done', 'done', 'done']);
  });
});
