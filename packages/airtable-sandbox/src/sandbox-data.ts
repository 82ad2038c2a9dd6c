/** Deterministic sample data in Airtable's own shapes: one user, a few bases with tables, fields and views. */

export interface SandboxChoice {
  id: string;
  name: string;
  color: string;
}

/** The options of the field types the sandbox has, in Airtable's schema shape. */
export interface SandboxFieldOptions {
  choices?: SandboxChoice[];
  precision?: number;
  symbol?: string;
  icon?: string;
  color?: string;
  linkedTableId?: string;
  isReversed?: boolean;
  prefersSingleRecordLink?: boolean;
  dateFormat?: { name: string; format: string };
  timeFormat?: { name: string; format: string };
  timeZone?: string;
}

export interface SandboxField {
  id: string;
  name: string;
  type: string;
  description?: string;
  options?: SandboxFieldOptions;
}

export interface SandboxSort {
  field: string;
  direction: 'asc' | 'desc';
}

/** How a view selects and orders records. Sandbox-internal: never part of the schema Airtable shows. */
export interface SandboxViewOrder {
  /** A formula over the table's field names; records for which it is falsy are not in the view. */
  filter?: string;
  sort?: SandboxSort[];
}

export interface SandboxView extends SandboxViewOrder {
  id: string;
  name: string;
  type: 'grid' | 'form' | 'calendar' | 'gallery' | 'kanban' | 'timeline' | 'block';
  visibleFieldIds?: string[];
}

export interface SandboxTable {
  id: string;
  name: string;
  primaryFieldId: string;
  description?: string;
  fields: SandboxField[];
  views: SandboxView[];
}

export interface SandboxBase {
  id: string;
  name: string;
  permissionLevel: 'none' | 'read' | 'comment' | 'edit' | 'create';
  tables: SandboxTable[];
}

export interface SandboxUser {
  id: string;
  email: string;
}

/** A singleCollaborator cell, as Airtable answers it. */
export interface SandboxCollaborator {
  id: string;
  email: string;
  name: string;
}

/** Airtable ids: a 3-letter prefix and 14 alphanumerics. */
function sandboxId(prefix: string, name: string): string {
  return prefix + name.replace(/[^A-Za-z0-9]/g, '').padEnd(14, '0').slice(0, 14);
}

type NextId = (prefix: string, key: string) => string;

/** Ids numbered in creation order, so the same data always gets the same ids. */
function idSequence(): NextId {
  let serial = 0;
  return (prefix, key) => sandboxId(prefix, key.slice(0, 10) + String(++serial).padStart(4, '0'));
}

type FieldSpec = [name: string, type: string, options?: SandboxFieldOptions];
type ViewSpec = string | [name: string, order: SandboxViewOrder];

function fieldsFor(nextId: NextId, tableName: string, specs: FieldSpec[]): SandboxField[] {
  return specs.map(([name, type, options]) => ({ id: nextId('fld', tableName), name, type, ...(options ? { options } : {}) }));
}

function table(nextId: NextId, name: string, fieldSpecs: FieldSpec[], viewSpecs: ViewSpec[]): SandboxTable {
  const fields = fieldsFor(nextId, name, fieldSpecs);
  const views = viewSpecs.map((spec, i) => {
    const [viewName, order] = typeof spec === 'string' ? [spec, {}] : spec;
    return {
      id: nextId('viw', name),
      name: viewName,
      type: i === 0 ? ('grid' as const) : ('kanban' as const),
      visibleFieldIds: fields.map((f) => f.id),
      ...order,
    };
  });
  return { id: nextId('tbl', name), name, primaryFieldId: fields[0].id, fields, views };
}

/** Fields added after the first schema are numbered after every earlier id, so that no earlier id changes. */
function addFields(nextId: NextId, target: SandboxTable, specs: FieldSpec[]): void {
  const added = fieldsFor(nextId, target.name, specs);
  target.fields.push(...added);
  for (const view of target.views) view.visibleFieldIds?.push(...added.map((f) => f.id));
}

const CHOICE_COLORS = ['blueLight2', 'cyanLight2', 'tealLight2', 'greenLight2', 'yellowLight2', 'orangeLight2', 'redLight2', 'pinkLight2', 'purpleLight2', 'grayLight2'];
/** Default options of date, dateTime and checkbox fields. */
export const DATE: SandboxFieldOptions = { dateFormat: { name: 'iso', format: 'YYYY-MM-DD' } };
export const DATE_TIME: SandboxFieldOptions = { ...DATE, timeFormat: { name: '24hour', format: 'HH:mm' }, timeZone: 'utc' };
export const CHECKBOX: SandboxFieldOptions = { icon: 'check', color: 'greenBright' };

/** The color a new select choice gets: the palette in turn. */
export function choiceColor(index: number): string {
  return CHOICE_COLORS[index % CHOICE_COLORS.length];
}

export const SANDBOX_USER: SandboxUser = { id: sandboxId('usr', 'SandboxUser001'), email: 'ada@example.com' };

export const SANDBOX_COLLABORATORS: readonly SandboxCollaborator[] = [
  { ...SANDBOX_USER, name: 'Ada Lovelace' },
  { id: sandboxId('usr', 'SandboxUser002'), email: 'grace@example.com', name: 'Grace Hopper' },
  { id: sandboxId('usr', 'SandboxUser003'), email: 'alan@example.com', name: 'Alan Turing' },
  { id: sandboxId('usr', 'SandboxUser004'), email: 'katherine@example.com', name: 'Katherine Johnson' },
];

export function sampleBases(): SandboxBase[] {
  const id = idSequence();
  const choiceId = idSequence();
  const select = (...names: string[]): SandboxFieldOptions => ({
    choices: names.map((name, i) => ({ id: choiceId('sel', name), name, color: choiceColor(i) })),
  });
  const contacts = table(id, 'Contacts', [['Name', 'singleLineText'], ['Email', 'email'], ['Company', 'multipleRecordLinks']], [
    'All contacts',
    ['By stage', { filter: "{Stage} != ''", sort: [{ field: 'Stage', direction: 'asc' }, { field: 'Name', direction: 'asc' }] }],
  ]);
  const companies = table(id, 'Companies', [['Name', 'singleLineText'], ['Website', 'url']], ['Grid view']);
  const deals = table(
    id,
    'Deals',
    [
      ['Deal', 'singleLineText'],
      ['Amount', 'currency', { precision: 2, symbol: '$' }],
      ['Stage', 'singleSelect', select('Prospecting', 'Proposal', 'Negotiation', 'Closed won', 'Closed lost')],
      ['Close date', 'date', DATE],
    ],
    [
      ['Pipeline', { filter: "AND({Stage} != 'Closed won', {Stage} != 'Closed lost')", sort: [{ field: 'Close date', direction: 'asc' }] }],
      ['Kanban', { sort: [{ field: 'Stage', direction: 'asc' }] }],
    ],
  );
  const features = table(
    id,
    'Features',
    [['Feature', 'singleLineText'], ['Status', 'singleSelect', select('Idea', 'Planned', 'In progress', 'Shipped')], ['Owner', 'singleCollaborator']],
    [['Roadmap', { sort: [{ field: 'Status', direction: 'asc' }] }]],
  );
  const releases = table(id, 'Releases', [['Version', 'singleLineText'], ['Date', 'date', DATE]], [['Grid view', { sort: [{ field: 'Date', direction: 'asc' }] }]]);
  const candidates = table(
    id,
    'Candidates',
    [['Name', 'singleLineText'], ['Role', 'singleSelect', select('Engineer', 'Designer', 'Product manager', 'Recruiter')]],
    ['Grid view'],
  );
  const bases: SandboxBase[] = [
    { id: sandboxId('app', 'SandboxCRM0001'), name: 'Sales CRM', permissionLevel: 'create', tables: [contacts, companies, deals] },
    { id: sandboxId('app', 'SandboxPM00001'), name: 'Product Roadmap', permissionLevel: 'edit', tables: [features, releases] },
    { id: sandboxId('app', 'SandboxHR00001'), name: 'Hiring <Team> & "Ops"', permissionLevel: 'read', tables: [candidates] },
    {
      id: sandboxId('app', 'SandboxArchive'),
      name: 'Archive',
      permissionLevel: 'none',
      tables: [table(id, 'Old records', [['Name', 'singleLineText']], ['Grid view'])],
    },
  ];
  addFields(id, contacts, [
    ['Score', 'number', { precision: 0 }],
    ['Active', 'checkbox', CHECKBOX],
    ['Stage', 'singleSelect', select('Lead', 'Qualified', 'Customer', 'Churned')],
    ['Signed up', 'date', DATE],
    ['Tags', 'multipleSelects', select('VIP', 'Newsletter', 'Partner', 'Press')],
    ['Last contacted', 'dateTime', DATE_TIME],
  ]);
  contacts.fields[2].options = { linkedTableId: companies.id, isReversed: false, prefersSingleRecordLink: false };
  return bases;
}

/** Tables, fields and views are named by id or by name in the Web API. */
export function findTable(base: SandboxBase, idOrName: string): SandboxTable | undefined {
  return base.tables.find((t) => t.id === idOrName) ?? base.tables.find((t) => t.name === idOrName);
}

export function findField(table: SandboxTable, nameOrId: string): SandboxField | undefined {
  return table.fields.find((f) => f.name === nameOrId) ?? table.fields.find((f) => f.id === nameOrId);
}

export function findView(table: SandboxTable, nameOrId: string): SandboxView | undefined {
  return table.views.find((v) => v.name === nameOrId) ?? table.views.find((v) => v.id === nameOrId);
}
