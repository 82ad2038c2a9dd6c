import type { AirtableTable } from '../airtable/airtable-models';
import { html, page } from '../common/html';
import { sandboxBanner } from './home.page';

/** The tables of one base, with their field and view counts, each linked to its records. */
export function basePage(baseId: string, tables: AirtableTable[], sandbox: boolean): string {
  const rows = tables.map(
    (table) =>
      html`<li><a class="table-name" href="/browse/${baseId}/tables/${table.id}">${table.name}</a>: ${table.fields.length} field${table.fields.length === 1 ? '' : 's'},
${table.views.length} view${table.views.length === 1 ? '' : 's'}</li>`,
  );
  const body = html`<div class="card"><p><a href="/">&larr; All bases</a></p>
<h1>Tables</h1><p>Base <code>${baseId}</code> (<a href="/bases/${baseId}/tables">JSON</a>)</p>
${tables.length ? html`<ul id="tables">${rows}</ul>` : html`<p>This base has no tables.</p>`}</div>`;
  return page('Tables', body, sandboxBanner(sandbox));
}
