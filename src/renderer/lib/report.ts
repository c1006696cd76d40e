// The exam's solution, generated: a report of a session in HTML or Markdown — the model table, the device, the
// plots, each client's choice and why.
import type { AnalysisReport } from '../../shared/analysis/analyze';
import type { SessionView } from '../../shared/api';
import { count, duration, kib, kibLabel, millions, percent } from '../../shared/format';
import { shapeLabel } from '../../shared/model/shapes';
import { MEMORY_MODEL_HELP } from '../../shared/analysis/memory';
import { configLabel } from './describe';
import type { ConfigVocabulary } from '../../shared/sweep/describeConfig';

export interface ReportInput {
  view: SessionView;
  /** The model file analysed as it is stored (its size, its stored precision), for the model table. */
  base: AnalysisReport;
  /** The unpruned model at each precision the sweep tried, in the sweep's order. */
  swept?: AnalysisReport[];
  /** How the session's configurations are described (see sessionWords). */
  words: ConfigVocabulary;
  plots: { title: string; svg: string }[];
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function choices(input: ReportInput): { client: string; text: string; why: string }[] {
  const { view } = input;
  return view.spec.clients.map((c) => {
    const best = view.summary.best[c.name];
    const deadline = `latency ≤ ${duration(c.deadlineS)}${c.minAccuracy !== undefined ? ` and ${view.spec.accuracy?.metric ?? 'accuracy'} ≥ ${percent(c.minAccuracy)}` : ''}${c.device ? ` on ${c.device}` : ''}`;
    if (!best) {
      const miss = view.summary.nearestMiss[c.name];
      return { client: c.name, text: 'unsatisfied', why: `No configuration fits the device memory with ${deadline}.${miss ? ` Nearest miss: ${configLabel(miss.config, input.words)} — ${miss.reason}.` : ''}` };
    }
    return {
      client: c.name,
      text: `${configLabel(best, input.words)} · ${percent(best.accuracy)} · ${duration(best.latencyS)} · ${kibLabel(best.totalBytes)} on ${best.device}`,
      why: `Among the configurations that fit the device memory with ${deadline}, it has the highest ${view.spec.accuracy?.metric ?? 'accuracy'}; ties go to lower latency, then lower memory.`,
    };
  });
}

function deviceLines(view: SessionView): string[] {
  return view.devices.map(
    (d) =>
      `${d.name} (${d.id}): ${kibLabel(d.sramBytes)} SRAM, ${kibLabel(d.flashBytes)} flash, weights in ${d.weightsIn}; ` +
      Object.entries(d.throughput).map(([p, ops]) => `${p.toUpperCase()} ${millions(ops)}op/s`).join(', '),
  );
}

/** What the model is as stored, and what it is at each precision the sweep tried (each configuration's own). */
function modelLines(input: ReportInput): string[] {
  const { base, view } = input;
  const stored = view.graph.source ? `as the file stores it (${base.precision.toUpperCase()})` : `at ${base.precision.toUpperCase()}`;
  const lines = [
    `The model ${stored}: parameters ${count(base.params)} (${kibLabel(base.paramBytes)}), peak activation ${kibLabel(base.peakActivationBytes)}, total ${kibLabel(base.totalBytes)}; ${count(base.macs)} MACs = ${millions(base.flops)}FLOPs.`,
  ];
  const swept = input.swept ?? [];
  if (swept.length > 0) {
    const each = swept.map((r) => `${r.precision.toUpperCase()}: ${kibLabel(r.paramBytes)} of parameters, total ${kibLabel(r.totalBytes)}`);
    lines.push(
      `The sweep tried ${swept.map((r) => r.precision.toUpperCase()).join(', ')}; every configuration below is described at its own precision. Unpruned, ${each.join('; ')}.`,
    );
  }
  return lines;
}

export function reportMarkdown(input: ReportInput): string {
  const { view, base } = input;
  const lines = [
    `# ${view.summary.session}: ${view.summary.model}`,
    '',
    `Frontier ${view.summary.frontierVersion}. ${view.summary.configs.toLocaleString('en-US')} configurations analysed (${view.summary.status}), ${view.summary.feasible.toLocaleString('en-US')} fit.`,
    `Memory model: ${base.memoryModel} (${MEMORY_MODEL_HELP[base.memoryModel]}). MACs are multiply-accumulates; FLOPs = 2 × MACs. KiB = 1024 bytes.`,
    '',
    '## Model',
    '',
    '| layer | type | output | params | MACs | activation KiB |',
    '|---|---|---|---:|---:|---:|',
    ...base.layers.map((l) => `| ${l.displayName ?? l.name} | ${l.type} | ${shapeLabel(l.outputShape)} | ${count(l.params)} | ${count(l.macs)} | ${l.activationBytes > 0 ? kib(l.activationBytes) : '—'} |`),
    '',
    ...modelLines(input).flatMap((l) => [l, '']).slice(0, -1),
    '',
    '## Device',
    '',
    ...deviceLines(view).map((l) => `- ${l}`),
    '',
    '## Plots',
    '',
    ...input.plots.map((p) => `![${p.title}](data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(p.svg)))})`),
    '',
    '## Choices',
    '',
    ...choices(input).flatMap((c) => [`- **${c.client}**: ${c.text}. ${c.why}`]),
    '',
    '## Pareto front (accuracy ↑, latency ↓, memory ↓)',
    '',
    '| configuration | device | accuracy | latency | memory |',
    '|---|---|---:|---:|---:|',
    ...view.summary.pareto.map((e) => `| ${configLabel(e, input.words)} | ${e.device} | ${percent(e.accuracy)} | ${duration(e.latencyS)} | ${kibLabel(e.totalBytes)} |`),
    '',
  ];
  return lines.join('\n');
}

export function reportHtml(input: ReportInput): string {
  const { view, base } = input;
  const rows = base.layers
    .map((l) => `<tr><td title="${escape(l.sourceName ?? l.name)}">${escape(l.displayName ?? l.name)}</td><td>${l.type}</td><td>${shapeLabel(l.outputShape)}</td><td class="n">${count(l.params)}</td><td class="n">${count(l.macs)}</td><td class="n">${l.activationBytes > 0 ? kib(l.activationBytes) : '—'}</td></tr>`)
    .join('\n');
  const front = view.summary.pareto
    .map((e) => `<tr><td>${escape(configLabel(e, input.words))}</td><td>${escape(e.device)}</td><td class="n">${percent(e.accuracy)}</td><td class="n">${duration(e.latencyS)}</td><td class="n">${kibLabel(e.totalBytes)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(view.summary.session)} — Frontier report</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#1d1f21}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}
.plots{display:flex;gap:16px;flex-wrap:wrap}.muted{color:#666}</style></head><body>
<h1>${escape(view.summary.session)}: ${escape(view.summary.model)}</h1>
<p class="muted">Frontier ${view.summary.frontierVersion}. ${view.summary.configs.toLocaleString('en-US')} configurations analysed (${view.summary.status}), ${view.summary.feasible.toLocaleString('en-US')} fit. Memory model ${base.memoryModel}: ${MEMORY_MODEL_HELP[base.memoryModel]}. MACs are multiply-accumulates; FLOPs = 2 × MACs; KiB = 1024 bytes.</p>
<h2>Model</h2>
<table><thead><tr><th>layer</th><th>type</th><th>output</th><th class="n">params</th><th class="n">MACs</th><th class="n">activation KiB</th></tr></thead><tbody>
${rows}
</tbody></table>
${modelLines(input).map((l) => `<p>${escape(l)}</p>`).join('\n')}
<h2>Device</h2><ul>${deviceLines(view).map((l) => `<li>${escape(l)}</li>`).join('')}</ul>
<h2>Plots</h2><div class="plots">${input.plots.map((p) => `<figure>${p.svg}<figcaption>${escape(p.title)}</figcaption></figure>`).join('')}</div>
<h2>Choices</h2><ul>${choices(input).map((c) => `<li><strong>${escape(c.client)}</strong>: ${escape(c.text)}. <span class="muted">${escape(c.why)}</span></li>`).join('')}</ul>
<h2>Pareto front</h2>
<table><thead><tr><th>configuration</th><th>device</th><th class="n">accuracy</th><th class="n">latency</th><th class="n">memory</th></tr></thead><tbody>
${front}
</tbody></table>
</body></html>
`;
}
