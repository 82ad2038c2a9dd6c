import type { AirtableTable, RecordPage } from '../airtable/airtable-models';
import { html, page } from '../common/html';
import { sandboxBanner } from './home.page';

/** One page of a table's records as an HTML table, every value escaped, with a link to the next page. */
export function recordsPage(baseId: string, table: AirtableTable, records: RecordPage, sandbox: boolean): string {
  const fields = table.fields.map((field) => field.name);
  const head = fields.map((name) => html`<th>${name}</th>`);
  const rows = records.records.map(
    (record) => html`<tr><td><code>${record.id}</code></td>${fields.map((name) => html`<td>${cellText(record.fields[name])}</td>`)}</tr>`,
  );
  const next = records.offset
    ? html`<p><a class="button" rel="next" href="/browse/${baseId}/tables/${table.id}?offset=${encodeURIComponent(records.offset)}">Next page</a></p>`
    : html`<p>This is the last page.</p>`;
  const body = html`<div class="card"><p><a href="/browse/${baseId}">&larr; Tables</a></p>
<h1>${table.name}</h1>
${rows.length ? html`<div class="scroll"><table id="records"><thead><tr><th>Record</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>` : html`<p>No records.</p>`}
${next}</div>`;
  return page(table.name, body, sandboxBanner(sandbox));
}

/** A cell as text: lists joined, collaborators and attachments by their name, anything else as JSON. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'object') {
    const { name, email, filename } = value as { name?: unknown; email?: unknown; filename?: unknown };
    const label = [name, filename, email].find((item) => typeof item === 'string');
    return typeof label === 'string' ? label : JSON.stringify(value);
  }
  return String(value);
}
