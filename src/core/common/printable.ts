/**
 * Text from a model file (tensor names, op names, custom codes, descriptions) is chosen by
 * whoever wrote the file. Printed raw, an ESC or BEL lets it drive the terminal (set the window
 * title, move the cursor, clear the screen), a CR or LF lets it forge lines of our own output
 * ("error: …"), and a bidi override makes a name read differently from what it is. These helpers
 * turn such characters into visible escapes before the text reaches a terminal or a log; the IR
 * keeps the names exactly as the model has them.
 */

/**
 * C0 controls and DEL, C1 controls, the line and paragraph separators, and the bidi embedding,
 * override and isolate marks (U+200E/F, U+202A–U+202E, U+2066–U+2069, U+061C).
 */
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const unsafeExceptNewline = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(character: string): string {
  const code = character.charCodeAt(0);
  return named[character] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * A name from a model as it may be printed on one line: every control character, bidi mark and
 * line separator shown as an escape (`\x1b`, `\n`, `\r`, `\x9b`, `\u202e`). A name without such
 * characters comes back unchanged, backslashes included.
 */
export function printableName(name: string): string {
  return name.replace(unsafe, escape);
}

/**
 * A message that may span lines (an error whose text embeds model names, compiler diagnostics)
 * made safe for a terminal: every control character except the line feed and the tab is escaped as
 * `printableName` does, and every line after the first is indented by `indent`, so that no
 * embedded line can pass for one of the program's own (`error: …`).
 */
export function printableText(text: string, indent = '  '): string {
  return text.replace(unsafeExceptNewline, escape).replace(/\n(?!$)/g, `\n${indent}`);
}

/** The characters `JSON.stringify` leaves raw that still act on a terminal or reorder text. */
const unsafeInJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify(value)` with DEL, C1 controls, line separators and bidi marks written as
 * `\uXXXX` escapes (JSON already escapes C0 controls): the document parses to the same value, and
 * printing it cannot drive a terminal. These characters can only occur inside JSON strings.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(unsafeInJson, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
