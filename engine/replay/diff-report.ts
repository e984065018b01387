/**
 * The readable form of a {@link StreamDiff}: who was compared, counts per kind, then the first differences, one
 * line each (a value mismatch adds one line per differing field). Pure: returns lines, prints nothing.
 */
import type { Difference, DifferenceKind, StreamDiff } from './diff.ts';
import type { EventStreamHeader } from './event-stream.ts';
import { WALL_KEY } from './line-fields.ts';

/** One compared stream, as the report names it. */
export interface ReportSide {
  /** Its name (file path). */
  name: string;
  /** Its header. */
  header: EventStreamHeader;
  /** How many events it holds. */
  events: number;
}

/** Labels of the kinds, in report order. */
export const KIND_LABELS: Record<DifferenceKind, string> = {
  schema: 'schema drift',
  missing: 'missing',
  extra: 'extra',
  order: 'order',
  value: 'value mismatch',
};

/** Formats the report; at most `max` differences are listed (all are counted). */
export function formatDiffReport(diff: StreamDiff, a: ReportSide, b: ReportSide, max: number): string[] {
  const out: string[] = [];
  for (const [tag, s] of [['A', a], ['B', b]] as const) {
    out.push(`${tag}: ${s.name}  (${s.header.source}, protocol ${s.header.protocolVersion}, schema ${s.header.schemaHash}, ${s.events} events)`);
  }
  out.push('');
  for (const [kind, label] of Object.entries(KIND_LABELS) as [DifferenceKind, string][]) {
    out.push(`  ${label.padEnd(15)} ${diff.counts[kind]}`);
  }
  out.push(`  ${'total'.padEnd(15)} ${diff.differences.length}`);
  out.push('');
  if (diff.same) {
    out.push('streams match');
    return out;
  }
  const shown = diff.differences.slice(0, max);
  out.push(shown.length === diff.differences.length
    ? `differences (${shown.length}):`
    : `first ${shown.length} of ${diff.differences.length} differences (--max to see more):`);
  for (const d of shown) out.push(...formatDifference(d, a.name, b.name));
  out.push('', 'streams differ');
  return out;
}

/** The line(s) of one difference; file names locate the events (`a.jsonl:17`). */
export function formatDifference(d: Difference, nameA: string, nameB: string): string[] {
  if (d.kind === 'schema') return [`  header    ${KIND_LABELS.schema}: ${d.field} ${show(d.a)} in A, ${show(d.b)} in B`];
  const what = `${d.type}${d.id ? ` ${d.id}` : ''}`;
  const head = `  tick ${String(d.tick).padEnd(8)} ${KIND_LABELS[d.kind].padEnd(14)} ${what}`;
  switch (d.kind) {
    case 'missing':
      return [`${head}  only in A (${nameA}:${d.lineA}): ${brief(d.event)}`];
    case 'extra':
      return [`${head}  only in B (${nameB}:${d.lineB}): ${brief(d.event)}`];
    case 'order':
      return [`${head}  moved: event ${d.indexA + 1} of A (${nameA}:${d.lineA}) is event ${d.indexB + 1} of B (${nameB}:${d.lineB})`];
    case 'value':
      return [
        `${head}  (${nameA}:${d.lineA}, ${nameB}:${d.lineB})`,
        ...d.fields.map((f) => `      ${f.path}: ${show(f.a)} in A, ${show(f.b)} in B`),
      ];
  }
}

/** A value for a report line; absent fields read "(absent)". */
function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** An event as one short JSON text, without its wall-clock fields. */
function brief(event: Record<string, unknown>): string {
  const { [WALL_KEY]: _wall, ...rest } = event;
  return show(rest);
}
