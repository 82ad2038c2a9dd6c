import { randomBytes } from 'node:crypto';
import { consentPage, sandboxErrorPage } from './consent.page';
import type { SandboxBase, SandboxUser } from './sandbox-data';
import type { GrantStore } from './sandbox-grants';
import { REPEATED, htmlPage, redirectTo, single, type SandboxResponse } from './sandbox-http';
import type { SandboxClient, SandboxOptions } from './sandbox.options';

interface PendingConsent {
  client: SandboxClient;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string;
  expiresAt: number;
}

const STATE_PATTERN = /^[A-Za-z0-9._-]{16,1024}$/;
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Airtable's `/oauth2/v1/authorize`: checks the request, shows the consent screen, and takes the user's decision. */
export class SandboxAuthorizeEndpoint {
  private readonly consents = new Map<string, PendingConsent>();

  constructor(
    private readonly options: SandboxOptions,
    private readonly grants: GrantStore,
    private readonly user: SandboxUser,
    private readonly bases: SandboxBase[],
  ) {}

  authorize(query: URLSearchParams): SandboxResponse {
    const clientId = single(query, 'client_id');
    const client = this.options.clients.find((c) => c.clientId === clientId);
    if (!client) return htmlPage(400, sandboxErrorPage('Unknown or missing client_id.'));
    const redirectUri = single(query, 'redirect_uri');
    if (typeof redirectUri !== 'string' || !client.redirectUris.includes(redirectUri)) {
      return htmlPage(400, sandboxErrorPage('redirect_uri does not match a registered redirect URI.'));
    }
    const state = single(query, 'state');
    const fail = (error: string, description: string) =>
      redirectTo(redirectUri, {
        error,
        error_description: description,
        ...(typeof state === 'string' ? { state } : {}),
      });

    for (const name of ['response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method']) {
      if (single(query, name) === REPEATED) return fail('invalid_request', `Parameter ${name} was repeated.`);
    }
    const responseType = query.get('response_type');
    if (!responseType) return fail('invalid_request', 'Missing response_type.');
    if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');

    const scopes = (query.get('scope') ?? '').split(' ');
    if (scopes.some((s) => s === '')) return fail('invalid_scope', 'Scope is empty or malformed.');
    if (new Set(scopes).size !== scopes.length) return fail('invalid_scope', 'Scope contains duplicates.');
    if (scopes.some((s) => !client.scopes.includes(s))) return fail('invalid_scope', 'Scope is not enabled for this integration.');

    if (typeof state !== 'string' || !STATE_PATTERN.test(state)) return fail('invalid_request', 'Missing or malformed state.');
    const codeChallenge = query.get('code_challenge');
    if (!codeChallenge || !CHALLENGE_PATTERN.test(codeChallenge)) {
      return fail('invalid_request', 'Missing or malformed code_challenge.');
    }
    if (query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');

    const requestId = randomBytes(24).toString('base64url');
    this.consents.set(requestId, {
      client,
      redirectUri,
      state,
      scopes,
      codeChallenge,
      expiresAt: this.options.clock.now() + this.options.consentTtlMs,
    });
    return htmlPage(200, consentPage(requestId, client.clientId, this.user, scopes, this.bases));
  }

  /** The consent form's answer: back to the client with a code, or with access_denied. */
  decide(form: URLSearchParams): SandboxResponse {
    const requestId = form.get('request') ?? '';
    const consent = this.consents.get(requestId);
    this.consents.delete(requestId);
    if (!consent || consent.expiresAt <= this.options.clock.now()) {
      return htmlPage(400, sandboxErrorPage('This authorization request has expired. Start again from the app.'));
    }
    if (form.get('decision') !== 'allow') {
      return redirectTo(consent.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access.',
        state: consent.state,
      });
    }
    const known = new Set(this.bases.map((b) => b.id));
    const code = this.grants.issueCode({
      clientId: consent.client.clientId,
      redirectUri: consent.redirectUri,
      codeChallenge: consent.codeChallenge,
      userId: this.user.id,
      scopes: consent.scopes,
      baseIds: form.getAll('base').filter((id) => known.has(id)),
    });
    return redirectTo(consent.redirectUri, { code, state: consent.state });
  }
}
