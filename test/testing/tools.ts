/**
 * The tools the full suite runs (host gcc, arm-none-eabi-gcc, QEMU, Chromium; `.ci/run` installs
 * them all). A test that needs one fails when it is missing, naming it and its install command,
 * instead of skipping: a bit-exact or on-board test that can go green by skipping checks nothing.
 * `npm run test:fast` is the tier that needs no tools; it leaves these tests out.
 */
export function requireTools(missing: string | undefined): void {
  if (missing) throw new Error(`${missing}: the full suite needs it (sudo bash .ci/run installs every tool the tests use; npm run test:fast runs the tests that need none)`);
}
