import { type Html, html, page } from '../common/html';
import { sandboxBanner } from '../pages/home.page';

/** Airtable's scopes in plain words; a scope not listed here is shown as it is named. */
const SCOPE_WORDS: Record<string, string> = {
  'data.records:read': 'See the records in the bases you choose',
  'data.records:write': 'Create, edit and delete records in those bases',
  'data.recordComments:read': 'See comments on those records',
  'data.recordComments:write': 'Create, edit and delete comments on those records',
  'schema.bases:read': 'See the structure of those bases: their tables, fields and views',
  'schema.bases:write': 'Change the structure of those bases: their tables and fields',
  'webhook:manage': 'Be notified when those bases change',
  'block:manage': 'Manage extensions in those bases',
  'user.email:read': 'See your email address',
};

/** A connect link's page: what the login will ask for, and the button that starts it (a same-origin form). */
export function connectPage(token: string, scopes: string[], sandbox: boolean): string {
  const asked: Html[] = scopes.map((scope) => html`<li>${SCOPE_WORDS[scope] ?? 'Airtable permission'} <small><code>${scope}</code></small></li>`);
  return page(
    'Connect your Airtable account',
    html`<div class="card"><h1>Connect your Airtable account</h1>
<p>An app asks to connect to your Airtable account. Airtable will ask you to sign in, to choose the bases to
share, and to allow the app to:</p>
<ul id="scopes">${asked}</ul>
<form method="post" action="/connect/${token}"><button type="submit">Connect Airtable</button></form>
<p><small>If you cancel on Airtable's page, this link keeps working until it expires.</small></p></div>`,
    sandboxBanner(sandbox),
  );
}
