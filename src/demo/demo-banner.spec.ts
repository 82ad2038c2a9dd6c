import { databaseName, demoBanner } from './demo-banner';

const FACTS = { serviceUrl: 'http://localhost:4000', sandboxUrl: 'http://127.0.0.1:4001', apiKey: 'atsk_key', dir: '/home/me/.demo' };

describe('the demo banner', () => {
  it('names the demo folder\'s database', () => {
    const banner = demoBanner({ ...FACTS, database: { path: '/home/me/.demo/demo.sqlite' } });
    expect(banner).toContain('Database: /home/me/.demo/demo.sqlite\n');
    expect(banner).toContain('kept in /home/me/.demo\n');
    expect(banner).not.toContain('not the demo folder');
  });

  it('names a database the environment gave, and says it is not the demo folder\'s', () => {
    expect(demoBanner({ ...FACTS, database: { path: '/srv/service.sqlite' } })).toContain('Database: /srv/service.sqlite, from DATABASE_PATH (not the demo folder\'s)');
    const banner = demoBanner({ ...FACTS, database: { url: 'postgres://admin:hunter2@db.internal:6432/airtable?sslmode=require', path: '/home/me/.demo/demo.sqlite' } });
    expect(banner).toContain('Database: postgres://db.internal:6432/airtable, from DATABASE_URL (not the demo folder\'s)');
    expect(banner).not.toMatch(/admin|hunter2|sslmode/);
  });

  it('shows a URL without its credentials or options', () => {
    expect(databaseName({ url: 'postgresql://user@localhost/app', path: '' })).toBe('postgresql://localhost/app');
    expect(databaseName({ url: 'postgres://u:p@[::1]:5432/app#x', path: '' })).toBe('postgres://[::1]:5432/app');
  });
});
