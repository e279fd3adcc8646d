/**
 * A stand-in for OpenOCD or pyOCD, run as a program by the launcher's process test: it takes
 * their command lines (`-c "gdb_port N"`, or pyOCD's `-p N`), serves the fake GDB server (flash
 * semantics, a memory map) on that port and announces it the way OpenOCD does. Its behaviour is
 * chosen by `STAND_IN_MODE`:
 *   ok (default)   listen and serve until SIGTERM;
 *   no-probe       print OpenOCD's "Error: open failed" and exit 1, as without an ST-LINK;
 *   silent         print nothing and never listen.
 * `STAND_IN_ARGS_FILE`, when set, receives the arguments it was started with (JSON).
 */
import { writeFileSync } from 'node:fs';
import { FakeGdbServer } from '../../gdb/testing/fake-gdb-server.js';

const args = process.argv.slice(2);
if (process.env.STAND_IN_ARGS_FILE) writeFileSync(process.env.STAND_IN_ARGS_FILE, JSON.stringify(args));
const mode = process.env.STAND_IN_MODE ?? 'ok';

function gdbPort(): number {
  for (let i = 0; i < args.length - 1; i++) {
    const openocd = args[i] === '-c' ? /^gdb_port (\d+)$/.exec(args[i + 1]) : null;
    if (openocd) return Number(openocd[1]);
    if (args[i] === '-p') return Number(args[i + 1]);
  }
  throw new Error('stand-in GDB server: no gdb_port in the arguments');
}

if (mode === 'no-probe') {
  process.stderr.write('Open On-Chip Debugger 0.12.0 (stand-in)\nInfo : clock speed 4000 kHz\nError: open failed\n');
  process.exit(1);
} else if (mode === 'silent') {
  setInterval(() => undefined, 1000);
} else {
  const server = new FakeGdbServer({ flashBlocks: [{ start: 0, count: 4, size: 0x4000 }] });
  const port = await server.listen(gdbPort());
  process.stderr.write(`Info : stand-in target examined\nInfo : Listening on port ${port} for gdb connections\n`);
  process.on('SIGTERM', () => {
    void server.close();
    process.exit(0);
  });
}
