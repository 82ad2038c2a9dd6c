/** Deterministic sample data in Airtable's own shapes: one user, a few bases with tables, fields and views. */

export interface SandboxField {
  id: string;
  name: string;
  type: string;
  description?: string;
  options?: Record<string, unknown>;
}

export interface SandboxView {
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

function table(
  nextId: NextId,
  name: string,
  fieldSpecs: Array<[string, string]>,
  viewNames: string[],
): SandboxTable {
  const fields = fieldSpecs.map(([fieldName, type]) => ({ id: nextId('fld', name), name: fieldName, type }));
  const views = viewNames.map((viewName, i) => ({
    id: nextId('viw', name),
    name: viewName,
    type: i === 0 ? ('grid' as const) : ('kanban' as const),
    visibleFieldIds: fields.map((f) => f.id),
  }));
  return { id: nextId('tbl', name), name, primaryFieldId: fields[0].id, fields, views };
}

export const SANDBOX_USER: SandboxUser = { id: sandboxId('usr', 'SandboxUser001'), email: 'ada@example.com' };

export function sampleBases(): SandboxBase[] {
  const id = idSequence();
  return [
    {
      id: sandboxId('app', 'SandboxCRM0001'),
      name: 'Sales CRM',
      permissionLevel: 'create',
      tables: [
        table(id, 'Contacts', [['Name', 'singleLineText'], ['Email', 'email'], ['Company', 'multipleRecordLinks']], ['All contacts', 'By stage']),
        table(id, 'Companies', [['Name', 'singleLineText'], ['Website', 'url']], ['Grid view']),
        table(id, 'Deals', [['Deal', 'singleLineText'], ['Amount', 'currency'], ['Stage', 'singleSelect'], ['Close date', 'date']], ['Pipeline', 'Kanban']),
      ],
    },
    {
      id: sandboxId('app', 'SandboxPM00001'),
      name: 'Product Roadmap',
      permissionLevel: 'edit',
      tables: [
        table(id, 'Features', [['Feature', 'singleLineText'], ['Status', 'singleSelect'], ['Owner', 'singleCollaborator']], ['Roadmap']),
        table(id, 'Releases', [['Version', 'singleLineText'], ['Date', 'date']], ['Grid view']),
      ],
    },
    {
      id: sandboxId('app', 'SandboxHR00001'),
      name: 'Hiring <Team> & "Ops"',
      permissionLevel: 'read',
      tables: [table(id, 'Candidates', [['Name', 'singleLineText'], ['Role', 'singleSelect']], ['Grid view'])],
    },
    {
      id: sandboxId('app', 'SandboxArchive'),
      name: 'Archive',
      permissionLevel: 'none',
      tables: [table(id, 'Old records', [['Name', 'singleLineText']], ['Grid view'])],
    },
  ];
}
