/**
 * Serial fault campaign (issue 16): RUNs on the virtual Cortex-M4F through a line that drops,
 * duplicates and corrupts 1% of the bytes each, in each direction, and is pulled mid-RUN every
 * 500th RUN. Each RUN loads a fresh input, runs, reads the output and compares it with the host
 * interpreter's; see src/core/node/devices/qemu/testing/serial-fault-campaign.ts.
 *
 *   npm run bench:serial-faults -- [runs] [seed] [boards]
 *
 * The RUNs are shared out between `boards` virtual boards (default 2) running at once.
 *
 * Writes bench/serial-faults/results.json. Exits 1 when a wrong result was accepted or a failure
 * came after its deadline.
 */

import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSerialFaultCampaigns, type CampaignOptions } from '../../src/core/node/devices/qemu/testing/serial-fault-campaign.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main() {
  const runs = Number(process.argv[2] ?? 10_000);
  const seed = Number(process.argv[3] ?? 16);
  const boards = Number(process.argv[4] ?? 2);
  const options: CampaignOptions = {
    runs,
    seed,
    rates: { drop: 0.01, duplicate: 0.01, corrupt: 0.01 },
    unplugEvery: 500,
    // Short timeouts (a reply takes a few ms over the pty) so failed RUNs, most of them at these
    // rates, cost 150 ms rather than 3 s; every check is against the deadline the session states.
    session: { timeoutMs: 50, attempts: 3, corruptionGraceMs: 15 },
    runTimeoutMs: 50,
    lateAllowanceMs: 50,
    onProgress: (done, counts) =>
      console.log(
        `${new Date().toISOString()} ${done}/${runs}: correct ${counts.correct}, clean failures ${counts.cleanFailures}, wrong accepted ${counts.wrongAccepted}, late ${counts.lateFailures}, unexpected ${counts.unexpectedErrors}, unplugs ${counts.unplugs.cases}`,
      ),
  };
  const counts = await runSerialFaultCampaigns(options, boards);
  const { onProgress: _, ...settings } = options;
  const results = { date: new Date().toISOString(), board: 'virtual-m4f', boards, settings, ...counts };
  await writeFile(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  if (counts.wrongAccepted > 0 || counts.lateFailures > 0 || counts.unexpectedErrors > 0 || counts.unplugs.nextRunCorrect < counts.unplugs.cases) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
