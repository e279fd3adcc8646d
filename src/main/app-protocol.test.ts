import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Electron cannot run here: protocol.handle only records the handler, which the test calls.
const handlers = new Map<string, (request: Request) => Promise<Response>>();
vi.mock('electron', () => ({
  protocol: {
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => handlers.set(scheme, handler),
    registerSchemesAsPrivileged: vi.fn(),
  },
}));
const { appOrigin, serveRenderer } = await import('./app-protocol.js');

describe('the app:// origin of the renderer', () => {
  let root: string;
  const fetchApp = (path: string) => handlers.get('app')!(new Request(`${appOrigin}${path}`));

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tinydeploy-app-'));
    mkdirSync(join(root, 'renderer', 'assets'), { recursive: true });
    writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>TinyDeploy</title>');
    writeFileSync(join(root, 'renderer', 'assets', 'index.js'), 'export {};');
    writeFileSync(join(root, 'secret.txt'), 'secret');
    serveRenderer(join(root, 'renderer'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves the page with its Content-Security-Policy, and the assets', async () => {
    const page = await fetchApp('/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>TinyDeploy</title>');
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src ${appOrigin};`);
    expect(policy).toContain("connect-src 'none'");
    expect(policy).not.toContain('unsafe');
    const script = await fetchApp('/assets/index.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBeNull();
    expect((await fetchApp('/projects/3')).headers.get('content-security-policy')).toBe(policy);
  });

  it('serves nothing outside the renderer folder or of another host', async () => {
    for (const path of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/missing.js', '/%E0%A4%A']) {
      const answer = await fetchApp(path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(await answer.text()).not.toContain('secret');
    }
    expect((await handlers.get('app')!(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });
});
