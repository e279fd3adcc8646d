import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { protocol } from 'electron';
import { appOrigin, appScheme } from './app-policy.js';

/**
 * The renderer's own origin, `app://tinydeploy` (app-policy.ts): the built renderer is served from
 * it instead of `file://`, so that the page has a real origin (a `file://` page may read any local
 * file it can name) and so that its Content-Security-Policy arrives as a response header.
 */
export { appOrigin, appScheme };

/** Must run before the app is ready: makes `app:` a standard, secure scheme (origin, fetch, CSP). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * Serves `rendererDirectory` at `app://tinydeploy/`. Only files inside it are served; a path
 * without an extension is a route of the single-page app (index.html). HTML responses carry the
 * window's Content-Security-Policy: scripts, styles, fonts and images from the app's origin only
 * (images also as data: URLs), no inline script, no network connection at all (the services
 * travel over IPC), no plugins, no <base>, no form submission, no framing.
 */
export function serveRenderer(rendererDirectory: string): void {
  const root = resolve(rendererDirectory);
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'tinydeploy') return new Response('not found', { status: 404 });
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad request', { status: 400 });
    }
    let file = resolve(root, normalize(path).replace(/^[/\\]+/, ''));
    if (path.includes('\0') || (file !== root && !file.startsWith(root + sep))) return new Response('not found', { status: 404 });
    const stats = await stat(file).catch(() => undefined);
    if (!stats?.isFile()) {
      if (extname(path) !== '') return new Response('not found', { status: 404 });
      file = join(root, 'index.html');
    }
    const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' };
    if (type.startsWith('text/html')) {
      headers['Content-Security-Policy'] = "default-src 'none'; script-src app://tinydeploy; style-src app://tinydeploy; img-src app://tinydeploy data:; font-src app://tinydeploy; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }
    return new Response(await readFile(file), { headers });
  });
}
