import { describe, expect, it } from 'vitest';
import { ConnectionError, DeviceError, deserializeError, NotFoundError, RequestError, serializeError, TinyDeployError } from './errors.js';

describe('errors across processes', () => {
  it('rebuild as their own class with message and data', () => {
    for (const error of [new DeviceError('board virtual-m4f crashed', { board: 'virtual-m4f' }), new NotFoundError('project p1 not found'), new RequestError('projects.rename: bad'), new ConnectionError('gone')]) {
      const rebuilt = deserializeError(JSON.parse(JSON.stringify(serializeError(error))));
      expect(rebuilt).toBeInstanceOf(error.constructor);
      expect(rebuilt).toBeInstanceOf(TinyDeployError);
      expect(rebuilt.name).toBe(error.name);
      expect(rebuilt.message).toBe(error.message);
      expect((rebuilt as TinyDeployError).data).toEqual(error.data);
    }
  });

  it('carry their written name, and a name that is no class stays a plain Error', () => {
    expect(new NotFoundError('x').name).toBe('NotFoundError');
    for (const name of ['constructor', 'toString', '__proto__', 'SomethingElse']) {
      const rebuilt = deserializeError({ name, message: 'm' });
      expect(rebuilt.constructor).toBe(Error);
      expect(rebuilt.name).toBe(name);
    }
  });
});
