import { html, sandboxPage } from './sandbox-html';
import type { SandboxBase, SandboxUser } from './sandbox-data';

export function consentPage(requestId: string, clientId: string, user: SandboxUser, scopes: string[], bases: SandboxBase[]): string {
  const baseRows = bases.map(
    (base) => html`<li><label><input type="checkbox" name="base" value="${base.id}" checked> ${base.name}</label></li>`,
  );
  const scopeRows = scopes.map((scope) => html`<li><code>${scope}</code></li>`);
  const body = html`
<div class="card">
  <h1>Airtable sandbox</h1>
  <p>The integration <code>${clientId}</code> asks to access your Airtable account
    (<strong>${user.email}</strong>) with these scopes:</p>
  <ul>${scopeRows}</ul>
  <form method="post" action="/oauth2/v1/authorize">
    <input type="hidden" name="request" value="${requestId}">
    <fieldset><legend>Bases to grant</legend><ul>${baseRows}</ul></fieldset>
    <p>
      <button type="submit" name="decision" value="allow">Grant access</button>
      <button type="submit" name="decision" value="deny" class="secondary">Cancel</button>
    </p>
  </form>
</div>`;
  return sandboxPage('Airtable sandbox: grant access', body);
}

export function sandboxErrorPage(message: string): string {
  return sandboxPage('Airtable sandbox: error', html`<div class="card error"><h1>Authorization error</h1><p>${message}</p></div>`);
}
