import { sandboxTableSizes } from './sandbox.options';

describe('sandbox options from the environment', () => {
  it('reads SANDBOX_TABLE_SIZES as table name=count pairs', () => {
    expect(sandboxTableSizes({ SANDBOX_TABLE_SIZES: 'Contacts=50000, Old records = 2' })).toEqual({ tableSizes: { Contacts: 50_000, 'Old records': 2 } });
    expect(sandboxTableSizes({})).toEqual({});
  });

  it('refuses a pair that is not one', () => {
    expect(() => sandboxTableSizes({ SANDBOX_TABLE_SIZES: 'Contacts:5' })).toThrow(/SANDBOX_TABLE_SIZES/);
    expect(() => sandboxTableSizes({ SANDBOX_TABLE_SIZES: 'Contacts=-5' })).toThrow(/SANDBOX_TABLE_SIZES/);
  });
});
