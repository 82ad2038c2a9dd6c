import { seedContents } from './sandbox-seed-file';
import type { SandboxSeed } from './sandbox-seed-types';

const SEED: SandboxSeed = {
  bases: [
    {
      name: 'Shop',
      tables: [
        {
          name: 'Products',
          fields: [
            { name: 'Name', type: 'singleLineText' },
            { name: 'Price', type: 'currency' },
            { name: 'Kind', type: 'singleSelect', options: { choices: [{ name: 'Tool' }, { name: 'Toy', color: 'redLight2' }] } },
            { name: 'Supplier', type: 'multipleRecordLinks', options: { linkedTableId: 'Suppliers' } },
          ],
          records: [
            { fields: { Name: 'Hammer', Price: 12.5, Kind: 'Tool', Supplier: ['recSupplierAcme01'] } },
            { id: 'recProductKite001', createdTime: '2024-05-01T12:00:00.000Z', fields: { Name: 'Kite', Kind: 'Toy' } },
          ],
        },
        {
          id: 'tblSuppliers00001',
          name: 'Suppliers',
          primaryFieldId: 'Company',
          fields: [
            { name: 'Active', type: 'checkbox' },
            { name: 'Company', type: 'singleLineText' },
          ],
          records: [{ id: 'recSupplierAcme01', fields: { Company: 'Acme', Active: true } }],
        },
      ],
    },
  ],
};

/** The message seedContents refuses `seed` with. */
function refusal(seed: unknown): string {
  try {
    seedContents(seed);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('The seed was accepted');
}

/** SEED with one change made by `edit` on a copy. */
function edited(edit: (seed: SandboxSeed) => void): SandboxSeed {
  const seed = structuredClone(SEED);
  edit(seed);
  return seed;
}

describe('seed files', () => {
  it("builds Airtable's schema shapes, with ids derived from names where none is given", () => {
    const { bases } = seedContents(SEED);
    const [products, suppliers] = bases[0].tables;
    expect(bases[0]).toMatchObject({ id: expect.stringMatching(/^app[A-Za-z0-9]{14}$/), name: 'Shop', permissionLevel: 'create' });
    expect(products.id).toMatch(/^tbl[A-Za-z0-9]{14}$/);
    expect(products.fields.map((f) => f.id)).toEqual(products.fields.map(() => expect.stringMatching(/^fld[A-Za-z0-9]{14}$/)));
    expect(products.primaryFieldId).toBe(products.fields[0].id);
    expect(suppliers.primaryFieldId).toBe(suppliers.fields[1].id);
    expect(products.fields[2].options!.choices).toEqual([
      { id: expect.stringMatching(/^sel[A-Za-z0-9]{14}$/), name: 'Tool', color: 'blueLight2' },
      { id: expect.stringMatching(/^sel[A-Za-z0-9]{14}$/), name: 'Toy', color: 'redLight2' },
    ]);
    expect(products.fields[3].options).toMatchObject({ linkedTableId: 'tblSuppliers00001' });
    expect(products.views).toEqual([{ id: expect.stringMatching(/^viw/), name: 'Grid view', type: 'grid', visibleFieldIds: products.fields.map((f) => f.id) }]);
    expect(seedContents(SEED)).toEqual(seedContents(structuredClone(SEED)));
  });

  it('keeps records in the order given, with their cells checked and stored by field name', () => {
    const { bases, records } = seedContents(SEED);
    const [products, suppliers] = bases[0].tables;
    expect(records[products.id]).toEqual([
      { id: expect.stringMatching(/^rec[A-Za-z0-9]{14}$/), createdTime: '2023-01-01T00:00:00.000Z', fields: { Name: 'Hammer', Price: 12.5, Kind: 'Tool', Supplier: ['recSupplierAcme01'] } },
      { id: 'recProductKite001', createdTime: '2024-05-01T12:00:00.000Z', fields: { Name: 'Kite', Kind: 'Toy' } },
    ]);
    expect(records[suppliers.id]).toEqual([{ id: 'recSupplierAcme01', createdTime: '2023-01-01T00:00:00.000Z', fields: { Company: 'Acme', Active: true } }]);
  });

  it('names the path of the bad element', () => {
    expect(refusal(null)).toMatch(/^the seed: must be an object/);
    expect(refusal({ bases: [] })).toMatch(/^bases: must not be empty/);
    expect(refusal({ bases: [{ name: 'A', tables: [], colour: 1 }] })).toMatch(/^bases\[0\]\.colour: is not a known key/);
    expect(refusal(edited((s) => (s.bases[0].tables[0].fields[1].type = 'formula')))).toMatch(/^bases\[0\]\.tables\[0\]\.fields\[1\]\.type: "formula" is not a field type/);
    expect(refusal(edited((s) => (s.bases[0].tables[1].id = 'tblShort')))).toMatch(/^bases\[0\]\.tables\[1\]\.id: "tblShort" is not an id of the form tbl/);
    expect(refusal(edited((s) => (s.bases[0].tables[1].name = 'products')))).toMatch(/^bases\[0\]\.tables\[1\]\.name: the name "products" is used twice/);
    expect(refusal(edited((s) => (s.bases[0].tables[0].fields[3].options = { linkedTableId: 'Nowhere' })))).toMatch(
      /^bases\[0\]\.tables\[0\]\.fields\[3\]\.options\.linkedTableId: "Nowhere" is no table/,
    );
    expect(refusal(edited((s) => (s.bases[0].tables[1].primaryFieldId = 'Nope')))).toMatch(/^bases\[0\]\.tables\[1\]\.primaryFieldId/);
    expect(refusal(edited((s) => (s.bases[0].permissionLevel = 'owner' as never)))).toMatch(/^bases\[0\]\.permissionLevel: must be one of/);
  });

  it('checks every cell as a write without typecast would', () => {
    const cell = (fields: Record<string, unknown>) => edited((s) => (s.bases[0].tables[0].records![0].fields = fields));
    expect(refusal(cell({ Price: '12' }))).toMatch(/^bases\[0\]\.tables\[0\]\.records\[0\]\.fields\.Price: .*cannot accept the provided value \(a currency cell\)/);
    expect(refusal(cell({ Kind: 'Food' }))).toMatch(/records\[0\]\.fields\.Kind: .*"Food"/);
    expect(refusal(cell({ Supplier: ['recNoSuchRecord01'] }))).toMatch(/records\[0\]\.fields\.Supplier: Record ID recNoSuchRecord01 does not exist/);
    expect(refusal(cell({ Colour: 'red' }))).toMatch(/records\[0\]\.fields\.Colour: is no field of table Products/);
    expect(refusal(edited((s) => (s.bases[0].tables[0].records![0].id = 'recProductKite001')))).toMatch(/records\[1\]\.id: "recProductKite001" is used twice/);
    expect(refusal(edited((s) => (s.bases[0].tables[0].records![1].createdTime = 'yesterday')))).toMatch(/records\[1\]\.createdTime: must be an ISO 8601/);
  });
});
