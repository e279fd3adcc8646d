import { describe, expect, it } from 'vitest';
import { RequestError } from './errors.js';
import { createFakeServices } from './testing/fake-services.js';
import { maxModelBytes, servicesSchema, validateRequest } from './schemas.js';

/** The message validateRequest throws, or undefined when the request is accepted. */
function problem(service: string, method: string, request: unknown): string | undefined {
  try {
    validateRequest(servicesSchema, service, method, request);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    return (error as Error).message;
  }
}

describe('servicesSchema', () => {
  it('accepts the requests the UI sends', () => {
    expect(problem('projects', 'list', undefined)).toBeUndefined();
    expect(problem('projects', 'create', { name: 'Keyword spotting' })).toBeUndefined();
    expect(problem('projects', 'rename', { id: '0b7e2c1a-5f0e-4a57-9b43-4f1f7a2d9c10', name: 'KWS, int8 (v2)' })).toBeUndefined();
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: 'kws_ref_model.tflite', bytes: new Uint8Array(10) })).toBeUndefined();
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: 'model.tflite', bytes: Buffer.from([1, 2]) })).toBeUndefined();
    expect(problem('datasets', 'add', { projectId: 'p1', path: '/data/kws01' })).toBeUndefined();
    expect(problem('datasets', 'add', { projectId: 'p1', path: 'C:\\data\\kws01', name: 'KWS' })).toBeUndefined();
    expect(problem('jobs', 'list', {})).toBeUndefined();
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', boardId: 'virtual-m4f', runs: 3 })).toBeUndefined();
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', boardId: 'virtual-m4f', optimizeFor: 'speed' })).toBeUndefined();
    expect(problem('projects', 'setOptimizeFor', { id: 'p1', optimizeFor: 'size' })).toBeUndefined();
    expect(problem('jobs', 'startEvaluate', { variantId: 'v1', datasetId: 'd1', limit: undefined })).toBeUndefined();
    expect(problem('devices', 'list', undefined)).toBeUndefined();
    expect(problem('measurements', 'list', { projectId: 'p1', variantId: 'v1' })).toBeUndefined();
  });

  it('names the method, the field and the value of an invalid request', () => {
    expect(problem('projects', 'rename', { id: 'p1', name: '' })).toBe('projects.rename: name must be a non-empty string of at most 200 characters, not blank and without control characters, got ""');
    expect(problem('projects', 'create', { name: '   ' })).toMatch(/^projects\.create: name must be .*not blank.*, got " {3}"$/);
    expect(problem('projects', 'create', { name: 'x'.repeat(201) })).toMatch(/^projects\.create: name must be a non-empty string of at most 200 characters.*, got "x{60}…" \(201 characters\)$/);
    expect(problem('projects', 'create', { name: 'a\nb' })).toMatch(/without control characters, got "a\\nb"$/);
    expect(problem('projects', 'create', {})).toBe('projects.create: name is missing (a non-empty string of at most 200 characters, not blank and without control characters)');
    expect(problem('projects', 'create', { name: 'a', color: 'red' })).toBe('projects.create: request has an unexpected field "color" (fields: name)');
    expect(problem('projects', 'create', 'a project')).toBe('projects.create: request must be an object with the fields name, got "a project"');
    expect(problem('projects', 'create', [{ name: 'a' }])).toBe('projects.create: request must be an object with the fields name, got an array of 1');
    expect(problem('projects', 'list', { all: true })).toBe('projects.list: request must be nothing (the method takes no request), got an object');
    expect(problem('projects', 'remove', { id: '../../etc' })).toMatch(/^projects\.remove: id must be .*made of letters, digits.*, got "\.\.\/\.\.\/etc"$/);
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: '../model.tflite', bytes: new Uint8Array(1) })).toMatch(/^models\.importModel: fileName must be .*without '\/'.*, got "\.\.\/model\.tflite"$/);
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: '..', bytes: new Uint8Array(1) })).toMatch(/^models\.importModel: fileName must be/);
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: 'm.tflite', bytes: new Uint8Array(0) })).toBe('models.importModel: bytes must be a Uint8Array of 1 byte to 64 MiB, got 0 bytes');
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: 'm.tflite', bytes: [1, 2, 3] })).toBe('models.importModel: bytes must be a Uint8Array of 1 byte to 64 MiB, got an array of 3');
    expect(problem('models', 'importModel', { projectId: 'p1', fileName: 'm.tflite', bytes: { length: maxModelBytes + 1 } })).toMatch(/got an object$/);
    expect(problem('datasets', 'add', { projectId: 'p1', path: 'kws01' })).toMatch(/^datasets\.add: path must be .*an absolute path.*, got "kws01"$/);
    expect(problem('datasets', 'add', { projectId: 'p1', path: '/data\u0000/x' })).toMatch(/^datasets\.add: path must be/);
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', boardId: 'virtual-m4f', runs: 0 })).toBe('jobs.startDeploy: runs must be a whole number from 1 to 1000, got 0');
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', boardId: 'virtual-m4f', runs: 2.5 })).toBe('jobs.startDeploy: runs must be a whole number from 1 to 1000, got 2.5');
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', boardId: 'virtual-m4f', runs: '3' })).toBe('jobs.startDeploy: runs must be a whole number from 1 to 1000, got "3"');
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', runs: 3 })).toMatch(/^jobs\.startDeploy: boardId is missing/);
    expect(problem('jobs', 'list', undefined)).toBe('jobs.list: request must be an object with the fields projectId, got nothing');
    expect(problem('projects', 'setOptimizeFor', { id: 'p1', optimizeFor: 'fast' })).toMatch(/^projects\.setOptimizeFor: optimizeFor must be .*size or speed, got "fast"$/);
    expect(problem('jobs', 'startDeploy', { variantId: 'v1', boardId: 'virtual-m4f', optimizeFor: 'Speed' })).toMatch(/^jobs\.startDeploy: optimizeFor must be .*size or speed, got "Speed"$/);
  });

  it('refuses unknown services and methods, including inherited names', () => {
    expect(problem('store', 'open', undefined)).toBe('unknown service "store" (services: projects, models, datasets, jobs, devices, measurements, evaluations, compare, graphs, exports, searches, menu)');
    expect(problem('projects', 'drop', undefined)).toBe('projects: unknown method "drop" (methods: list, create, rename, setOptimizeFor, remove)');
    expect(problem('projects', 'constructor', undefined)).toMatch(/^projects: unknown method "constructor"/);
    expect(problem('__proto__', 'toString', undefined)).toMatch(/^unknown service "__proto__"/);
    expect(problem('jobs', 'onJobChanged', undefined)).toMatch(/^jobs: unknown method "onJobChanged"/);
    expect(problem('menu', 'onCommand', undefined)).toBe('menu: unknown method "onCommand" (methods: none)');
  });

  it('describes exactly the methods and events the implementation has', () => {
    const implementation = createFakeServices() as unknown as Record<string, Record<string, unknown>>;
    for (const [service, { methods, events }] of Object.entries(servicesSchema)) {
      for (const name of [...Object.keys(methods), ...Object.keys(events)]) expect(typeof implementation[service][name], `${service}.${name}`).toBe('function');
    }
  });
});
