import { describe, expect, it } from 'vitest';
import { makeZip } from './testing/make-zip.js';
import { readZip } from './zip.js';

const text = (value: string) => new TextEncoder().encode(value);

describe('readZip', () => {
  it('reads stored and deflated entries, leaves out folders and hidden files, and removes a single top folder', () => {
    const archive = makeZip([
      { name: 'kws01/' },
      { name: 'kws01/dataset.json', bytes: text('{"layout":"files"}') },
      { name: 'kws01/a.bin', bytes: new Uint8Array(490).fill(7), stored: true },
      { name: 'kws01/.DS_Store', bytes: text('x') },
      { name: '__MACOSX/kws01/._a.bin', bytes: text('x') },
    ]);
    const entries = readZip(archive, 'kws01.zip');
    expect(entries.map((entry) => entry.path)).toEqual(['dataset.json', 'a.bin']);
    expect(new TextDecoder().decode(entries[0].bytes)).toBe('{"layout":"files"}');
    expect(entries[1].bytes).toEqual(new Uint8Array(490).fill(7));
    // Entries at the top level keep their paths.
    expect(readZip(makeZip([{ name: 'dataset.json', bytes: text('{}') }, { name: 'data/b.bin', bytes: text('b') }]), 'd.zip').map((entry) => entry.path)).toEqual(['dataset.json', 'data/b.bin']);
  });

  it('refuses paths leading out, encrypted entries, lying sizes, a bad CRC and what is not a zip', () => {
    expect(() => readZip(makeZip([{ name: '../evil.bin', bytes: text('x') }]), 'a.zip')).toThrow('a.zip: not a zip archive TinyDeploy can read (entry "../evil.bin" is not a relative path inside the archive)');
    expect(() => readZip(makeZip([{ name: '/etc/passwd', bytes: text('x') }]), 'a.zip')).toThrow(/is not a relative path inside the archive/);
    expect(() => readZip(makeZip([{ name: 'a\\..\\b', bytes: text('x') }]), 'a.zip')).toThrow(/is not a relative path inside the archive/);
    expect(() => readZip(makeZip([{ name: 'secret.bin', bytes: text('x'), flags: 1 }]), 'a.zip')).toThrow('"secret.bin" is encrypted');
    // A deflated entry that declares fewer bytes than it holds stops at the declared size.
    expect(() => readZip(makeZip([{ name: 'bomb.bin', bytes: new Uint8Array(1 << 20), size: 100 }]), 'a.zip')).toThrow(/"bomb\.bin": /);
    const corrupted = makeZip([{ name: 'a.bin', bytes: text('hello'), stored: true }]);
    corrupted[30 + 'a.bin'.length] ^= 1;
    expect(() => readZip(corrupted, 'a.zip')).toThrow('"a.bin": CRC-32 mismatch');
    expect(() => readZip(text('not a zip at all, just some text that is long enough'), 'b.zip')).toThrow('b.zip: not a zip archive TinyDeploy can read (no end of central directory record)');
  });
});
