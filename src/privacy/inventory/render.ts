/**
 * The inventory report as JSON (for tools and diffs), as a terminal table (for a person at
 * a console) and as a Markdown data map (for the record of processing). All three show
 * names, types, protection and evidence counts; the report has no value to show.
 *
 * @module
 */
import type { InventoryColumn, InventoryReport, PersonalDataFinding } from './report.js';

/** The report as JSON text (two-space indented, one trailing newline). */
export function inventoryJson(report: InventoryReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A finding in words: `email (name)`, `email (values 48/50)`, `card-number (in text 2/50)`. */
export function findingText(finding: PersonalDataFinding): string {
  if (finding.by === 'name') return `${finding.kind} (name)`;
  return `${finding.kind} (${finding.by === 'values' ? 'values' : 'in text'} ${finding.matched}/${finding.sampled})`;
}

/** What a column's status cell says. */
function statusText(column: InventoryColumn): string {
  switch (column.status) {
    case 'protected': {
      const p = column.protection;
      const parts = [p?.mode ?? 'protected'];
      if (p !== undefined && p.lookup !== 'none') parts.push(p.lookup);
      if (p?.scope) parts.push(`scope ${p.scope}`);
      if (p?.subjectColumn) parts.push(`subject ${p.subjectColumn}`);
      return `protected: ${parts.join(', ')}`;
    }
    case 'lookup':
      return 'lookup (blind index)';
    case 'sealed-unlisted':
      return 'sealed (not configured)';
    default:
      return column.flagged ? 'PLAIN, personal data' : 'plain';
  }
}

/** Notes on a column beyond its findings: plaintext left in a protected column. */
function noteText(column: InventoryColumn): string {
  const notes = column.findings.map(findingText);
  if (column.unsealedValues !== undefined) notes.push(`${column.unsealedValues} sampled values not sealed`);
  return notes.join('; ');
}

/**
 * The report as a plain-text table for a terminal: one line per column (TABLE, COLUMN,
 * TYPE, STATUS, EVIDENCE), then the summary. `flaggedOnly` keeps the flagged columns only.
 */
export function inventoryTable(report: InventoryReport, options: { readonly flaggedOnly?: boolean } = {}): string {
  const header = ['TABLE', 'COLUMN', 'TYPE', 'STATUS', 'EVIDENCE'];
  const rows: string[][] = [];
  for (const table of report.tables) {
    for (const column of table.columns) {
      if (options.flaggedOnly === true && !column.flagged) continue;
      rows.push([table.name, column.name, column.type, statusText(column), noteText(column)].map(cell));
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push('', summaryText(report));
  return `${out.join('\n')}\n`;
}

function summaryText(report: InventoryReport): string {
  const s = report.summary;
  const parts = [
    `${s.tables} tables, ${s.columns} columns`,
    `${s.protected} protected`,
    `${s.lookup} lookup`,
    ...(s.sealedUnlisted > 0 ? [`${s.sealedUnlisted} sealed but not configured`] : []),
    `${s.plain} plain`,
    `${s.flagged} plain with probable personal data`,
  ];
  const missing = s.missingProtected.length === 0 ? '' : `\nconfigured protected columns not found: ${s.missingProtected.join(', ')}`;
  const sampling = report.sampleRows === 0 ? 'names only (no sampling)' : `up to ${report.sampleRows} rows sampled per table`;
  return `${parts.join(', ')}; ${sampling}.${missing}`;
}

/** One terminal cell: control characters (a hostile column name) shown as `?`. */
function cell(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** A Markdown table cell: pipes escaped, line breaks removed. */
function md(text: string): string {
  return cell(text).replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('`', "'");
}

/**
 * The report as a Markdown data map: a summary, the plain columns to protect first, then
 * one section per table with each column's type, protection and evidence.
 */
export function inventoryMarkdown(report: InventoryReport, options: { readonly title?: string } = {}): string {
  const out: string[] = [`# ${md(options.title ?? 'Data map')}`, ''];
  out.push(`Taken ${report.takenAt} on ${report.dialect}${report.tables[0] === undefined ? '' : ` (${md(report.tables[0].schema)})`}; ${report.sampleRows === 0 ? 'column names only' : `up to ${report.sampleRows} rows sampled per table, no value recorded`}.`, '');
  const s = report.summary;
  out.push('| Tables | Columns | Protected | Lookup | Sealed, not configured | Plain | Plain with personal data |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${s.tables} | ${s.columns} | ${s.protected} | ${s.lookup} | ${s.sealedUnlisted} | ${s.plain} | ${s.flagged} |`, '');
  const flagged = report.tables.flatMap((t) => t.columns.filter((c) => c.flagged).map((c) => ({ table: t.name, column: c })));
  out.push('## Plain columns with probable personal data', '');
  if (flagged.length === 0) out.push('None found.', '');
  else {
    for (const { table, column } of flagged) out.push(`- \`${md(table)}.${md(column.name)}\`: ${md(column.findings.map(findingText).join('; '))}`);
    out.push('');
  }
  if (s.missingProtected.length > 0) out.push('## Configured protected columns not found', '', ...s.missingProtected.map((name) => `- \`${md(name)}\``), '');
  out.push('## Tables', '');
  for (const table of report.tables) {
    out.push(`### ${md(table.name)}`, '', `${table.sampledRows} rows sampled.`, '', '| Column | Type | Status | Evidence |', '| --- | --- | --- | --- |');
    for (const column of table.columns) out.push(`| ${md(column.name)} | ${md(column.type)} | ${md(statusText(column))} | ${md(noteText(column))} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
