/**
 * Writes a world test's artifacts: metrics.json, the server's and each client's event streams, the input logs with
 * session.json (what `stratum replay` reads), the replay's stream, and report.html with charts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEventStream, joinLines } from '../../engine/index.ts';
import type { WorldTestMetrics } from './metrics.ts';
import type { WorldTestRun } from './run.ts';

/** Writes every artifact into `dir` (created when missing). */
export function writeWorldTestArtifacts(dir: string, run: WorldTestRun, metrics: WorldTestMetrics): void {
  mkdirSync(join(dir, 'inputs'), { recursive: true });
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  writeFileSync(join(dir, 'server-events.jsonl'), joinLines(encodeEventStream({ header: run.recording.header, events: run.recording.events })));
  writeFileSync(join(dir, 'replay-events.jsonl'), joinLines(encodeEventStream({ header: run.replay.header, events: run.replay.events })));
  for (const c of run.clients) writeFileSync(join(dir, `client-${c.index}-events.jsonl`), joinLines(encodeEventStream({ header: c.header, events: c.events })));
  writeFileSync(join(dir, 'inputs', 'session.json'), JSON.stringify(run.recording.info, null, 2) + '\n');
  for (const client of run.recording.inputs.keys()) writeFileSync(join(dir, 'inputs', `inputs-${client}.jsonl`), joinLines(run.recording.inputLogLines(client)));
  writeFileSync(join(dir, 'report.html'), reportHtml(run, metrics));
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

function chart(title: string, unit: string, series: { name: string; points: [number, number][] }[], dots = false): string {
  const W = 640, H = 220, L = 50, B = 30;
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (all.length === 0) return `<h3>${title}</h3><p>None during the run.</p>`;
  const maxX = Math.max(1, ...all.map(([x]) => x)), maxY = Math.max(1e-9, ...all.map(([, y]) => y)) * 1.1;
  const px = (x: number) => L + (x / maxX) * (W - L - 10), py = (y: number) => H - B - (y / maxY) * (H - B - 10);
  const body = series.map((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    return dots
      ? pts.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${c}"/>`).join('')
      : `<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`;
  }).join('');
  const legend = series.map((s, i) => `<span style="color:${COLOURS[i % COLOURS.length]}">&#9632; ${s.name}</span>`).join(' ');
  return `<h3>${title}</h3><svg width="${W}" height="${H}" style="background:#fafafa;border:1px solid #ddd">
<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#999"/><line x1="${L}" y1="10" x2="${L}" y2="${H - B}" stroke="#999"/>
<text x="${L - 4}" y="16" font-size="11" text-anchor="end">${maxY.toPrecision(3)}</text><text x="${L - 4}" y="${H - B}" font-size="11" text-anchor="end">0</text>
<text x="${W - 10}" y="${H - 8}" font-size="11" text-anchor="end">${maxX.toFixed(0)} s</text><text x="${L}" y="${H - 8}" font-size="11">${unit}</text>${body}</svg><div>${legend}</div>`;
}

function reportHtml(run: WorldTestRun, m: WorldTestMetrics): string {
  const rows = m.targets.map((t) => `<tr><td>${t.metric}</td><td>${t.target}</td><td>${typeof t.value === 'number' ? +t.value.toFixed(2) : t.value}</td><td style="color:${t.pass ? 'green' : 'red'}">${t.pass ? 'pass' : 'FAIL'}</td></tr>`).join('');
  const bandwidth = run.clients.map((c) => ({
    name: `client ${c.index}`,
    points: c.samples.slice(1).map((s, k): [number, number] => [s.t, (s.bytesIn - c.samples[k].bytesIn) / (s.t - c.samples[k].t) / 1000]),
  }));
  const rtt = run.clients.map((c) => ({ name: `client ${c.index}`, points: c.samples.map((s): [number, number] => [s.t, s.rttMs]) }));
  const recon = run.clients.map((c) => ({ name: `client ${c.index}`, points: c.reconciliations.map((r): [number, number] => [r.t, r.errorMs]) }));
  const phases = m.phases.map((p) => `<li>${p.ok ? '&#10003;' : '&#10007;'} ${p.name} (${p.seconds.toFixed(1)} s)${p.problems.length ? ': ' + p.problems.join('; ') : ''}</li>`).join('');
  return `<!doctype html><meta charset="utf-8"><title>Stratum world test</title>
<body style="font-family:sans-serif;max-width:720px;margin:2em auto">
<h1>World test: ${m.pass ? '<span style="color:green">pass</span>' : '<span style="color:red">FAIL</span>'}</h1>
<p>${m.scenario}; ${m.link.clients} clients over ${m.link.transport === 'quic' ? 'QUIC through the UDP link emulator' : 'HTTP/2 with the link conditioner'}; RTT ${m.link.rttMs} ms, jitter ${m.link.jitterMs} ms, loss ${(m.link.loss * 100).toFixed(1)}%; ${m.seconds.toFixed(1)} s.</p>
<table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>metric</th><th>target</th><th>value</th><th></th></tr>${rows}</table>
<h3>Phases</h3><ul>${phases}</ul>
${chart('Bandwidth received per client', 'KB/s', bandwidth)}
${chart('Round-trip time (heartbeat, smoothed)', 'ms', rtt)}
${chart('Reconciliation error', 'ms', recon, true)}
</body>`;
}
