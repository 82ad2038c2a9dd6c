import { withEnv } from '../../test/support/stack';
import { airtableConfig } from './airtable.config';

describe('airtableConfig', () => {
  it('names every bad or missing variable at once', async () => {
    const vars = {
      AIRTABLE_CLIENT_ID: '',
      CLIENT_ID: '',
      AIRTABLE_TOKEN_URL: 'http://airtable.example/token',
      AIRTABLE_API_URL: 'not a url',
      AIRTABLE_TIMEOUT_MS: 'soon',
    };
    await withEnv(vars, async () => {
      expect(() => airtableConfig()).toThrow(
        /AIRTABLE_CLIENT_ID is required[\s\S]*AIRTABLE_TOKEN_URL must use https[\s\S]*AIRTABLE_API_URL must be an absolute URL[\s\S]*AIRTABLE_TIMEOUT_MS/,
      );
    });
  });

  it('accepts the seed example names and http:// on loopback only', async () => {
    const vars = { AIRTABLE_CLIENT_ID: '', CLIENT_ID: 'seed-id', CLIENT_SECRET: 's', AIRTABLE_TOKEN_URL: 'http://127.0.0.1:9/token' };
    await withEnv(vars, async () => {
      const config = airtableConfig();
      expect(config.clientId).toBe('seed-id');
      expect(config.clientSecret).toBe('s');
      expect(config.issuer).toBe('https://airtable.com');
      expect(config.tokenUrl.href).toBe('http://127.0.0.1:9/token');
    });
  });
});
