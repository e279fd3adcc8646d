import type { Board } from '../../common/boards/index.js';
import type { ModelVariant } from '../../../shared/services/types.js';
import type { ComparisonLatency } from '../../../shared/services/compare-types.js';
import type { Deployment, MeasurementRecord } from '../store/index.js';

/**
 * A deploy measurement as a report people keep or send: one self-contained HTML page (its
 * styles inline, its charts as inline SVG, no script and nothing fetched), and the per-layer
 * table as CSV or JSON for a spreadsheet or a script.
 */

export interface ReportInput {
  measurement: MeasurementRecord;
  variant: ModelVariant;
  board?: Board;
  deployment?: Deployment;
  latency?: ComparisonLatency;
}

/** One row of the per-layer table: the op's latency, its share of the total, its MACs and the arena live while it runs. */
export interface ReportLayer {
  index: number;
  op: string;
  latency: number;
  share: number;
  macs: number;
  perMac: number | null;
  liveBytes: number | null;
}

export function reportLayers(measurement: MeasurementRecord): ReportLayer[] {
  const layers = measurement.layers ?? [];
  const total = layers.reduce((sum, layer) => sum + layer.latency, 0);
  const live = new Map((measurement.memoryTimeline ?? []).map((point) => [point.index, point.liveBytes]));
  return layers.map((layer) => ({
    index: layer.index,
    op: layer.op,
    latency: layer.latency,
    share: total > 0 ? layer.latency / total : 0,
    macs: layer.macs,
    perMac: layer.macs > 0 ? layer.latency / layer.macs : null,
    liveBytes: live.get(layer.index) ?? null,
  }));
}

const csvCell = (value: string | number | null) => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function reportCsv(input: ReportInput): string {
  const unit = input.measurement.latency?.unit ?? 'latency';
  const header = ['index', 'op', `latency_${unit}`, 'share', 'macs', `${unit}_per_mac`, 'arena_live_bytes'];
  const rows = reportLayers(input.measurement).map((layer) =>
    [layer.index, layer.op, layer.latency, layer.share.toFixed(6), layer.macs, layer.perMac === null ? null : layer.perMac.toFixed(4), layer.liveBytes].map(csvCell).join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

export function reportJson(input: ReportInput): string {
  const { measurement, variant, board, deployment, latency } = input;
  const document = {
    format: 'tinydeploy-measurement-report',
    version: 1,
    variant: { id: variant.id, name: variant.name, fileHash: variant.fileHash, summary: variant.summary },
    board: board ? { id: board.id, name: board.name, core: board.core, cpuHz: board.cpuHz, flashBytes: board.memory.flash.size, ramBytes: board.memory.ram.size } : measurement.boardId ? { id: measurement.boardId } : null,
    measurement: {
      id: measurement.id,
      jobId: measurement.jobId,
      createdAt: measurement.createdAt,
      latency: latency ?? null,
      bitExact: measurement.bitExact ?? null,
      passed: measurement.passed ?? null,
      arenaBytes: measurement.arenaBytes ?? null,
      stackBytes: measurement.stackBytes ?? null,
      ramBytes: measurement.ramBytes ?? null,
      flashBytes: measurement.flashBytes ?? null,
      optimizeFor: measurement.optimizeFor ?? deployment?.optimizeFor ?? null,
      build: deployment?.build ?? null,
      toolchain: deployment?.toolchainVersion ?? null,
    },
    layers: reportLayers(measurement),
  };
  return JSON.stringify(document, null, 2) + '\n';
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const count = (value: number) => Math.round(value).toLocaleString('en-US');
function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(2)} MiB`;
}
const percent = (value: number) => `${(100 * value).toFixed(1)} %`;

/** Horizontal bars of per-op latency, one row per op, widest = largest. */
function latencySvg(layers: readonly ReportLayer[], unit: string): string {
  const rowHeight = 18;
  const labelWidth = 210;
  const barWidth = 420;
  // Room right of the longest bar for its value and share ("10,163,760 · 30.0 %").
  const width = labelWidth + barWidth + 160;
  const height = layers.length * rowHeight + 24;
  const max = Math.max(1, ...layers.map((layer) => layer.latency));
  const rows = layers.map((layer, i) => {
    const y = 20 + i * rowHeight;
    const w = Math.max(1, (layer.latency / max) * barWidth);
    return (
      `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${layer.index} ${escapeHtml(layer.op)}</text>` +
      `<rect class="bar" x="${labelWidth}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 5}"><title>${escapeHtml(`${layer.op}: ${count(layer.latency)} ${unit} (${percent(layer.share)})`)}</title></rect>` +
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 12}">${count(layer.latency)} · ${percent(layer.share)}</text>`
    );
  });
  return `<svg class="chart" data-chart="latency" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Latency per op in ${escapeHtml(unit)}"><text x="0" y="12" class="axis">latency per op (${escapeHtml(unit)})</text>${rows.join('')}</svg>`;
}

/** The arena bytes live at each op, as steps along the op order. */
function memorySvg(timeline: readonly { index: number; liveBytes: number }[], arenaBytes: number | undefined): string {
  const width = 780;
  const height = 200;
  const left = 60;
  const top = 20;
  const plotWidth = width - left - 10;
  const plotHeight = height - top - 30;
  const max = Math.max(1, arenaBytes ?? 0, ...timeline.map((point) => point.liveBytes));
  const step = plotWidth / Math.max(1, timeline.length);
  const bars = timeline.map((point, i) => {
    const h = (point.liveBytes / max) * plotHeight;
    return `<rect class="area" x="${(left + i * step).toFixed(1)}" y="${(top + plotHeight - h).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${h.toFixed(1)}"><title>op ${point.index}: ${escapeHtml(bytes(point.liveBytes))} live</title></rect>`;
  });
  const arenaLine =
    arenaBytes !== undefined
      ? `<line class="limit" x1="${left}" x2="${left + plotWidth}" y1="${(top + plotHeight - (arenaBytes / max) * plotHeight).toFixed(1)}" y2="${(top + plotHeight - (arenaBytes / max) * plotHeight).toFixed(1)}"/><text x="${left + plotWidth}" y="${(top + plotHeight - (arenaBytes / max) * plotHeight - 4).toFixed(1)}" text-anchor="end">arena ${escapeHtml(bytes(arenaBytes))}</text>`
      : '';
  return (
    `<svg class="chart" data-chart="memory" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Arena bytes live per op">` +
    `<text x="0" y="12" class="axis">arena bytes live per op</text>` +
    `<text x="${left - 6}" y="${top + 8}" text-anchor="end" class="axis">${escapeHtml(bytes(max))}</text><text x="${left - 6}" y="${top + plotHeight}" text-anchor="end" class="axis">0</text>` +
    `<line class="axis-line" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}"/><line class="axis-line" x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}"/>` +
    bars.join('') +
    arenaLine +
    `<text x="${left}" y="${height - 8}" class="axis">op 0</text><text x="${left + plotWidth}" y="${height - 8}" text-anchor="end" class="axis">op ${timeline.length - 1}</text></svg>`
  );
}

/** A stacked bar of a whole (the board's capacity) split into named parts. */
function partsSvg(label: string, parts: readonly { name: string; bytes: number }[], capacity: number): string {
  const width = 780;
  const barWidth = 600;
  const height = 46;
  const colours = ['#2f6fdf', '#7a4fd0', '#d08a1f', '#3a9a5b', '#c0392b', '#9aa3ad'];
  let x = 0;
  const rects = parts.map((part, i) => {
    const w = capacity > 0 ? (part.bytes / capacity) * barWidth : 0;
    const rect = `<rect x="${(150 + x).toFixed(1)}" y="6" width="${Math.max(0, w).toFixed(1)}" height="18" fill="${colours[i % colours.length]}"><title>${escapeHtml(`${part.name}: ${bytes(part.bytes)}`)}</title></rect>`;
    x += w;
    return rect;
  });
  const legend = parts.map((part, i) => `<tspan fill="${colours[i % colours.length]}">■</tspan> ${escapeHtml(part.name)} ${escapeHtml(bytes(part.bytes))}`).join('  ');
  const used = parts.reduce((sum, part) => sum + part.bytes, 0);
  return (
    `<svg class="chart" data-chart="${escapeHtml(label.toLowerCase())}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}">` +
    `<text x="0" y="19">${escapeHtml(label)} ${escapeHtml(bytes(used))} of ${escapeHtml(bytes(capacity))}</text>` +
    `<rect x="150" y="6" width="${barWidth}" height="18" class="capacity"/>${rects.join('')}<text x="150" y="40" class="axis">${legend}</text></svg>`
  );
}

export function reportHtml(input: ReportInput, generatedAt = new Date().toISOString()): string {
  const { measurement, variant, board, deployment, latency } = input;
  const unit = measurement.latency?.unit ?? 'instructions';
  const layers = reportLayers(measurement);
  const boardName = board ? `${board.name} (${board.id})` : (measurement.boardId ?? 'unknown board');
  const build = deployment?.build ?? {};
  const num = (key: string) => (typeof build[key] === 'number' ? (build[key] as number) : undefined);
  // Parts from the ELF's symbols when the build report has them (the app's one vocabulary), else arena + stack + other and weights + code.
  const namedParts = (value: unknown, names: readonly string[]) => {
    const parts = value as Record<string, unknown> | undefined;
    return parts && names.every((name) => typeof parts[name] === 'number') ? names.map((name) => ({ name: name === 'startup' ? 'start-up' : name, bytes: parts[name] as number })) : undefined;
  };
  const facts: [string, string][] = [];
  if (latency) {
    const spread = latency.min !== undefined && latency.max !== undefined && latency.runs !== undefined ? `, min–max ${count(latency.min)}–${count(latency.max)} over ${latency.runs} run${latency.runs === 1 ? '' : 's'}` : '';
    facts.push(['Latency', `${count(latency.value)} ${latency.unit} (median${spread})`]);
    if (latency.cycles !== undefined) {
      const source = latency.cyclesSource === 'estimate' ? ' (estimated from the instruction mix; not a measurement)' : '';
      const clock = latency.cpuHz ? ` at ${(latency.cpuHz / 1e6).toFixed(0)} MHz` : '';
      facts.push(['Cycles and time', `${count(latency.cycles)} cycles${latency.milliseconds !== undefined ? `, ${latency.milliseconds.toFixed(2)} ms` : ''}${clock}${source}`]);
    }
  }
  const optimizeFor = measurement.optimizeFor ?? deployment?.optimizeFor;
  if (optimizeFor) facts.push(['Code generated for', optimizeFor === 'speed' ? 'speed (each layer its fastest kernel)' : 'code size (one kernel per op kind where it can)']);
  if (measurement.bitExact !== undefined) facts.push(['Check against the host', measurement.bitExact ? 'bit-exact (int8 outputs identical)' : measurement.passed ? 'within the float tolerance' : 'outputs differ from the host']);
  if (measurement.arenaBytes !== undefined) facts.push(['Arena (planner, with reuse, alignment/scratch)', bytes(measurement.arenaBytes)]);
  if (measurement.stackBytes !== undefined) facts.push(['Stack (estimated)', bytes(measurement.stackBytes)]);
  if (measurement.ramBytes !== undefined) facts.push(['RAM total', `${bytes(measurement.ramBytes)}${board ? ` of ${bytes(board.memory.ram.size)}` : ''}`]);
  if (measurement.flashBytes !== undefined) {
    const named = namedParts(build.flashParts, ['weights', 'model', 'kernels', 'runtime', 'startup', 'other']);
    const parts = named
      ? named.map((part) => `${part.name} ${bytes(part.bytes)}`).join(' + ')
      : [num('weightBytes') !== undefined ? `weights ${bytes(num('weightBytes')!)}` : '', num('codeBytes') !== undefined ? `code ${bytes(num('codeBytes')!)}` : ''].filter(Boolean).join(' + ');
    facts.push(['Flash total', `${bytes(measurement.flashBytes)}${parts ? ` = ${parts}` : ''}${board ? ` of ${bytes(board.memory.flash.size)}` : ''}`]);
  }
  facts.push(['Model', `${count(variant.summary.macs)} MACs, ${count(variant.summary.parameters)} parameters, ${variant.summary.ops} ops, ${variant.summary.dtype}`]);
  facts.push(['Model file', `${variant.fileHash}, ${bytes(variant.fileBytes)}`]);
  if (deployment?.toolchainVersion) facts.push(['Toolchain', deployment.toolchainVersion]);
  facts.push(['Measured', `${measurement.createdAt} (measurement ${measurement.id})`]);

  const ramParts =
    namedParts(build.ramParts, ['arena', 'stack', 'runtime', 'other']) ??
    (measurement.ramBytes !== undefined && measurement.arenaBytes !== undefined && measurement.stackBytes !== undefined
      ? [
          { name: 'arena', bytes: measurement.arenaBytes },
          { name: 'stack', bytes: measurement.stackBytes },
          { name: 'other', bytes: Math.max(0, measurement.ramBytes - measurement.arenaBytes - measurement.stackBytes) },
        ]
      : undefined);
  const flashParts =
    namedParts(build.flashParts, ['weights', 'model', 'kernels', 'runtime', 'startup', 'other']) ??
    (measurement.flashBytes !== undefined && num('weightBytes') !== undefined
      ? [
          { name: 'weights', bytes: num('weightBytes')! },
          { name: 'code', bytes: Math.max(0, measurement.flashBytes - num('weightBytes')!) },
        ]
      : undefined);

  const table = layers
    .map(
      (layer) =>
        `<tr><td class="num">${layer.index}</td><td>${escapeHtml(layer.op)}</td><td class="num">${count(layer.latency)}</td><td class="num">${percent(layer.share)}</td><td class="num">${count(layer.macs)}</td><td class="num">${layer.perMac === null ? '—' : layer.perMac.toFixed(2)}</td><td class="num">${layer.liveBytes === null ? '—' : count(layer.liveBytes)}</td></tr>`,
    )
    .join('\n');
  const title = `${variant.name} on ${boardName}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TinyDeploy report: ${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2430; margin: 24px auto; max-width: 980px; padding: 0 16px; }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
.muted { color: #5d6875; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #dde2e8; padding: 4px 8px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { color: #5d6875; } dd { margin: 0; }
svg.chart { display: block; margin: 8px 0; font: 11px system-ui, sans-serif; }
svg .bar { fill: #2f6fdf; } svg .area { fill: #7a4fd0; opacity: .75; } svg .limit { stroke: #c0392b; stroke-dasharray: 4 3; }
svg .axis { fill: #5d6875; } svg .axis-line { stroke: #9aa3ad; } svg .capacity { fill: #eef1f4; stroke: #c9d0d8; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">TinyDeploy measurement report, generated ${escapeHtml(generatedAt)}. Latency is counted in ${escapeHtml(unit)}${unit === 'instructions' ? ' (instructions retired, as a virtual board counts them; not cycles)' : ' (the board\u2019s cycle counter)'}.</p>
<h2>Figures</h2>
<dl>
${facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<h2>Memory</h2>
${ramParts && board ? partsSvg('RAM', ramParts, board.memory.ram.size) : ''}
${flashParts && board ? partsSvg('Flash', flashParts, board.memory.flash.size) : ''}
${measurement.memoryTimeline && measurement.memoryTimeline.length > 0 ? memorySvg(measurement.memoryTimeline, measurement.arenaBytes) : '<p class="muted">No memory timeline in this measurement.</p>'}
<h2>Latency per op</h2>
${layers.length > 0 ? latencySvg(layers, unit) : '<p class="muted">No per-op latencies in this measurement.</p>'}
<h2>Per-layer table</h2>
<table>
<thead><tr><th class="num">#</th><th>Op</th><th class="num">Latency (${escapeHtml(unit)})</th><th class="num">Share</th><th class="num">MACs</th><th class="num">${escapeHtml(unit)}/MAC</th><th class="num">Arena live (B)</th></tr></thead>
<tbody>
${table}
</tbody>
</table>
</body>
</html>
`;
}
