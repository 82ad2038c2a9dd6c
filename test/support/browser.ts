import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { AirtableSandbox } from 'airtable-sandbox';

/** What a browser needs: where the service is, and the sandbox that plays Airtable. */
export interface Site {
  origin: string;
  sandbox: AirtableSandbox;
}

export interface ConsentChoice {
  decision?: 'allow' | 'deny';
  /** Base ids to grant; all sample bases when unset. */
  bases?: string[];
}

/**
 * One browser: a cookie jar for the service (supertest agent) that follows the OAuth redirects by hand,
 * answering the sandbox's consent screen like a person would.
 */
export class TestBrowser {
  readonly agent: TestAgent;

  constructor(private readonly site: Site) {
    this.agent = request.agent(site.origin);
  }

  /** GET /auth/login; returns the authorize URL it redirected to. */
  async startLogin(query = ''): Promise<string> {
    const res = await this.agent.get(`/auth/login${query}`).expect(302);
    return res.headers.location;
  }

  /** Opens the consent screen at `authorizeUrl` and answers it; returns the callback path and query. */
  async consent(authorizeUrl: string, choice: ConsentChoice = {}): Promise<string> {
    const callbackUrl = await answerConsent(this.site, authorizeUrl, choice);
    const url = new URL(callbackUrl);
    return url.pathname + url.search;
  }

  callback(pathAndQuery: string, accept = 'application/json') {
    return this.agent.get(pathAndQuery).set('Accept', accept);
  }

  /** The whole flow; returns the callback's response. */
  async signIn(choice: ConsentChoice = {}) {
    return this.callback(await this.consent(await this.startLogin(), choice));
  }

  /**
   * Opens a connect link's page and clicks its Connect Airtable button, as a browser does (a form post
   * from the page's own origin); returns the authorize URL the post redirected to.
   */
  async startConnect(linkUrl: string): Promise<string> {
    const path = new URL(linkUrl, this.site.origin).pathname;
    await this.agent.get(path).set('Accept', 'text/html').expect(200);
    const res = await this.agent.post(path).set('Sec-Fetch-Site', 'same-origin').type('form').send('').expect(303);
    return res.headers.location;
  }

  /** A connect link's whole flow; returns the callback's response. */
  async connect(linkUrl: string, choice: ConsentChoice = {}) {
    return this.callback(await this.consent(await this.startConnect(linkUrl), choice));
  }

  home() {
    return this.agent.get('/').set('Accept', 'text/html');
  }
}

/** The sandbox's consent screen, answered; returns the absolute URL the sandbox redirected to. */
export async function answerConsent(site: Site, authorizeUrl: string, choice: ConsentChoice = {}): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !requestId) throw new Error(`No consent screen (${page.status})`);
  const form = new URLSearchParams({ request: requestId, decision: choice.decision ?? 'allow' });
  for (const base of choice.bases ?? site.sandbox.bases.map((b) => b.id)) form.append('base', base);
  const answer = await fetch(`${site.sandbox.url}/oauth2/v1/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`Consent did not redirect (${answer.status})`);
  return location;
}
