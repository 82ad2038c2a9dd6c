import type { AirtableBase } from '../airtable/airtable-models';
import { html, page, type Html } from '../common/html';
import type { Connection } from '../connections/connection.store';

const SANDBOX_BANNER = html`<p class="banner"><strong>Sandbox mode.</strong> Signing in goes to a local
Airtable emulator with sample data; no real Airtable account is used.</p>`;

export function sandboxBanner(sandbox: boolean): Html | undefined {
  return sandbox ? SANDBOX_BANNER : undefined;
}

/** What the signed-in home page shows of the bases: the list, or why there is none. */
export type BasesView = { bases: AirtableBase[] } | { error: { code: string; message: string } };

export function homePage(connection: Connection | undefined, bases: BasesView | undefined, sandbox: boolean): string {
  const body = connection ? signedIn(connection, bases) : signedOut();
  return page('Airtable connection', body, sandboxBanner(sandbox));
}

function signedOut(): Html {
  return html`<div class="card"><h1>Airtable connection</h1>
<p>Connect your Airtable account to browse your bases here and read them as JSON.</p>
<p><a class="button" href="/auth/login">Connect Airtable</a></p></div>`;
}

function signedIn(connection: Connection, bases: BasesView | undefined): Html {
  const scopes = connection.scopes.map((scope) => html`<li><code>${scope}</code></li>`);
  return html`<div class="card"><h1>Connected to Airtable</h1>
<p>Airtable user <code id="user-id">${connection.userId}</code>${connection.email ? html` (<span id="user-email">${connection.email}</span>)` : ''}</p>
<p>Granted scopes:</p><ul>${scopes}</ul>
<form method="post" action="/auth/logout"><button type="submit">Sign out</button></form></div>
<div class="card"><h2>Bases</h2>${bases ? basesList(bases) : ''}</div>`;
}

function basesList(view: BasesView): Html {
  if ('error' in view) {
    return html`<p class="error" id="bases-error">${view.error.message} (<code>${view.error.code}</code>)</p>
<p><a href="/auth/login">Connect again</a></p>`;
  }
  if (view.bases.length === 0) return html`<p>No bases were granted to this connection.</p>`;
  const items = view.bases.map(
    (base) => html`<li><a href="/browse/${base.id}">${base.name}</a> <small>(${base.permissionLevel})</small></li>`,
  );
  return html`<ul id="bases">${items}</ul>`;
}
