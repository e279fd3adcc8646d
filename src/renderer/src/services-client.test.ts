import { describe, expect, it } from 'vitest';
import { connectionProblem } from './services-client.js';

describe('a lost connection that does not come back', () => {
  it('says the server is gone from this address and how to open the new one', () => {
    expect(connectionProblem('unreachable', '127.0.0.1:4321')).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(/^The TinyDeploy server at 127\.0\.0\.1:4321 does not answer: it was stopped, or restarted at a new address\. A restarted `tinydeploy serve` prints a new address/),
    });
  });
  it('says the server was restarted with a new token when it refuses this page', () => {
    for (const status of [401, 403]) expect(connectionProblem(status, '127.0.0.1:4321')?.kind).toBe('new-token');
  });
  it('says nothing more while the server still takes the page (the socket comes back by itself)', () => {
    expect(connectionProblem(404, '127.0.0.1:4321')).toBeUndefined();
    expect(connectionProblem(200, '127.0.0.1:4321')).toBeUndefined();
  });
});
