import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/common/errors.js';
import { appOrigin, developmentToolsAllowed, focusFirstWindow, rendererLocation, type FocusableWindow } from './app-policy.js';

const ownPage = { url: 'app://tinydeploy/index.html', origin: 'app://tinydeploy', developmentServer: false };

describe('where the window’s page comes from', () => {
  it('is always the app’s own page in a packaged app, whatever ELECTRON_RENDERER_URL says', () => {
    expect(appOrigin).toBe('app://tinydeploy');
    for (const value of [undefined, '', 'http://localhost:5173/', 'https://attacker.example/', 'file:///etc/passwd', 'not a url']) {
      expect(rendererLocation(true, { ELECTRON_RENDERER_URL: value })).toEqual(ownPage);
    }
  });

  it('is the app’s own page when unpackaged without a development server', () => {
    expect(rendererLocation(false, {})).toEqual(ownPage);
    expect(rendererLocation(false, { ELECTRON_RENDERER_URL: '' })).toEqual(ownPage);
  });

  it('is electron-vite’s development server on this computer under `npm run dev`, and IPC trusts that origin only', () => {
    expect(rendererLocation(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toEqual({ url: 'http://localhost:5173/', origin: 'http://localhost:5173', developmentServer: true });
    expect(rendererLocation(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5174/' }).origin).toBe('http://127.0.0.1:5174');
    expect(rendererLocation(false, { ELECTRON_RENDERER_URL: 'https://[::1]:5173/' }).origin).toBe('https://[::1]:5173');
  });

  it('refuses, unpackaged, a development server elsewhere or a URL that is none, naming the variable and the value', () => {
    for (const value of ['https://attacker.example/', 'http://localhost.attacker.example:5173/', 'file:///tmp/index.html', 'javascript:alert(1)', 'localhost:5173', 'not a url\u001b]0;title\u0007']) {
      let thrown: unknown;
      try {
        rendererLocation(false, { ELECTRON_RENDERER_URL: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      const message = (thrown as Error).message;
      expect(message).toContain('ELECTRON_RENDERER_URL');
      expect(message).toContain(JSON.stringify(value));
      // Control characters reach the dialog and the terminal escaped.
      expect(message).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});

describe('development tools', () => {
  it('exist only when the app is not packaged', () => {
    expect(developmentToolsAllowed(true)).toBe(false);
    expect(developmentToolsAllowed(false)).toBe(true);
  });
});

describe('a second launch of the app', () => {
  const fakeWindow = (state: { destroyed?: boolean; minimized?: boolean } = {}) => {
    const calls: string[] = [];
    const window: FocusableWindow & { calls: string[] } = {
      calls,
      isDestroyed: () => state.destroyed ?? false,
      isMinimized: () => state.minimized ?? false,
      restore: () => void calls.push('restore'),
      show: () => void calls.push('show'),
      focus: () => void calls.push('focus'),
    };
    return window;
  };

  it('brings the first open window forward, restoring it when minimized', () => {
    const closed = fakeWindow({ destroyed: true });
    const minimized = fakeWindow({ minimized: true });
    const other = fakeWindow();
    expect(focusFirstWindow([closed, minimized, other])).toBe(true);
    expect(minimized.calls).toEqual(['restore', 'show', 'focus']);
    expect(closed.calls).toEqual([]);
    expect(other.calls).toEqual([]);

    const shown = fakeWindow();
    expect(focusFirstWindow([shown])).toBe(true);
    expect(shown.calls).toEqual(['show', 'focus']);
  });

  it('reports that there is no window to bring forward (the caller opens one)', () => {
    expect(focusFirstWindow([])).toBe(false);
    expect(focusFirstWindow([fakeWindow({ destroyed: true })])).toBe(false);
  });
});
