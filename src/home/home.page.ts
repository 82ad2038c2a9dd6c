import { html, page, type Html } from '../common/html';
import type { Session } from '../sessions/session.store';

const SANDBOX_BANNER = html`<p class="banner"><strong>Sandbox mode.</strong> Signing in goes to a local
Airtable emulator with sample data; no real Airtable account is used.</p>`;

export function homePage(session: Session | undefined, sandbox: boolean): string {
  const body = session ? signedIn(session) : signedOut();
  return page('Airtable connection', body, sandbox ? SANDBOX_BANNER : undefined);
}

function signedOut(): Html {
  return html`<div class="card"><h1>Airtable connection</h1>
<p>Connect your Airtable account to browse your bases here and read them as JSON.</p>
<p><a class="button" href="/auth/login">Connect Airtable</a></p></div>`;
}

function signedIn(session: Session): Html {
  const scopes = session.scopes.map((scope) => html`<li><code>${scope}</code></li>`);
  return html`<div class="card"><h1>Connected to Airtable</h1>
<p>Airtable user <code id="user-id">${session.userId}</code>${session.email ? html` (<span id="user-email">${session.email}</span>)` : ''}</p>
<p>Granted scopes:</p><ul>${scopes}</ul>
<form method="post" action="/auth/logout"><button type="submit">Sign out</button></form></div>`;
}
