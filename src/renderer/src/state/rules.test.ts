import { describe, expect, it } from 'vitest';
import type { DeviceListing, Job, Project } from '../../../shared/services/types.js';
import { devicesStatus } from './device-rules.js';
import { deploysOf, jobsBadge, jobsOfExistingProjects } from './job-rules.js';

const job = (id: string, status: Job['status'], extra: Partial<Job> = {}): Job => ({
  id,
  projectId: 'p1',
  kind: 'deploy',
  params: { variantId: 'v1', boardId: 'virtual-m4f' },
  status,
  progress: 0,
  step: '',
  log: [],
  createdAt: `2026-01-01T00:00:0${id.slice(-1)}Z`,
  ...extra,
});
const project = (id: string): Project => ({ id, name: id, createdAt: '', updatedAt: '', variantCount: 0, optimizeFor: 'size' });

describe('the Jobs badge', () => {
  it('counts only the jobs still to finish', () => {
    expect(jobsBadge([job('j1', 'succeeded'), job('j2', 'failed'), job('j3', 'cancelled')])).toBeUndefined();
    expect(jobsBadge([job('j1', 'succeeded'), job('j2', 'running'), job('j3', 'queued'), job('j4', 'queued')])).toMatchObject({ count: 3, text: '1 running, 2 queued' });
  });
});

describe('jobs of a deleted project', () => {
  it('leave with it (no "(deleted)" rows)', () => {
    const jobs = [job('j1', 'succeeded'), job('j2', 'succeeded', { projectId: 'gone' })];
    expect(jobsOfExistingProjects(jobs, [project('p1')]).map((each) => each.id)).toEqual(['j1']);
    // Until the projects are loaded, nothing is hidden.
    expect(jobsOfExistingProjects(jobs, undefined)).toHaveLength(2);
  });
});

describe('the Deploy tab’s result', () => {
  it('stays the last good one after a later deploy failed or was cancelled, and while one runs', () => {
    const good = job('j1', 'succeeded');
    for (const status of ['failed', 'cancelled', 'interrupted', 'running'] as const) {
      const later = job('j2', status);
      expect(deploysOf([later, good], 'v1')).toEqual({ newest: later, lastGood: good });
    }
    expect(deploysOf([job('j3', 'succeeded'), good], 'v1').lastGood?.id).toBe('j3');
    expect(deploysOf([job('j4', 'failed')], 'v1')).toEqual({ newest: expect.objectContaining({ id: 'j4' }), lastGood: undefined });
    expect(deploysOf([good], 'another')).toEqual({ newest: undefined, lastGood: undefined });
  });
});

describe('the device listing', () => {
  const listing: DeviceListing = { boards: [{ id: 'virtual-m4f', name: 'M4F', kind: 'virtual', core: 'cortex-m4', flashBytes: 1, ramBytes: 1, timerUnit: 'instructions', deployable: true }], serial: [] };
  it('says why when the listing failed, instead of loading forever', () => {
    expect(devicesStatus(undefined, undefined)).toEqual({ state: 'loading', text: 'loading…' });
    expect(devicesStatus(undefined, new Error('udevadm: not found'))).toEqual({ state: 'failed', text: 'the boards cannot be listed', problem: 'udevadm: not found' });
  });
  it('a partial failure: the boards are listed, the serial ports say why they are not', () => {
    expect(devicesStatus(listing, undefined)).toEqual({ state: 'listed', text: '1 board, 0 serial devices' });
    expect(devicesStatus({ ...listing, serialError: 'serial ports cannot be listed: udevadm is not installed' }, undefined)).toEqual({
      state: 'partial',
      text: '1 board; serial devices cannot be listed',
      problem: 'serial ports cannot be listed: udevadm is not installed',
    });
  });
});
