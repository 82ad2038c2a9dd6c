import { sandboxTableSizes, sandboxLifetimes } from './sandbox.options';

describe('sandbox options from the environment', () => {
  it('reads SANDBOX_TABLE_SIZES as table name=count pairs', () => {
    expect(sandboxTableSizes({ SANDBOX_TABLE_SIZES: 'Contacts=50000, Old records = 2' })).toEqual({ tableSizes: { Contacts: 50_000, 'Old records': 2 } });
    expect(sandboxTableSizes({})).toEqual({});
  });

  it('refuses a pair that is not one', () => {
    expect(() => sandboxTableSizes({ SANDBOX_TABLE_SIZES: 'Contacts:5' })).toThrow(/SANDBOX_TABLE_SIZES/);
    expect(() => sandboxTableSizes({ SANDBOX_TABLE_SIZES: 'Contacts=-5' })).toThrow(/SANDBOX_TABLE_SIZES/);
  });

  it('reads SANDBOX_WEBHOOK_TTL_SECONDS as the webhook lifetime, and refuses one that is not a positive number', () => {
    expect(sandboxLifetimes({ SANDBOX_WEBHOOK_TTL_SECONDS: '90' })).toEqual({ webhookTtlMs: 90_000 });
    expect(sandboxLifetimes({})).toEqual({});
    for (const value of ['0', '-5', 'soon']) expect(() => sandboxLifetimes({ SANDBOX_WEBHOOK_TTL_SECONDS: value })).toThrow(/SANDBOX_WEBHOOK_TTL_SECONDS/);
  });
});
