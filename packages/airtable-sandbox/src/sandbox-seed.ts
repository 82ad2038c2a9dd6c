import { SANDBOX_COLLABORATORS, type SandboxTable } from './sandbox-data';
import type { CellValue, SandboxRecord } from './sandbox-record-types';
import { type Random, seededRandom, seedOf } from './sandbox-random';

export interface SeedContext {
  random: Random;
  /** 0-based position of the record in its table. */
  index: number;
  /** Ids of the records already seeded in another table of the base, for linked record fields. */
  idsOf(tableName: string): readonly string[];
}

type Seeder = (context: SeedContext) => Record<string, CellValue | undefined>;

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Tim', 'Radia', 'Edsger', 'Hedy', 'Niklaus', 'Zoë', 'José', 'Søren', 'Chloé', 'Ngozi', 'Hiroshi', 'Anaïs', 'Björn', 'Mei'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', "O'Brien", 'Perlman', 'Dijkstra', 'Lamarr', 'Wirth', 'Núñez', 'Kierkegaard', 'Okafor', 'Tanaka', 'Dubois', 'Larsson', 'Chen', 'Smith', 'García'];
const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Aperture', 'Soylent'];
const COMPANY_KINDS = ['Labs', 'Industries', 'Systems', 'Partners', 'Group', 'Works'];
const PRODUCTS = ['Annual licence', 'Support plan', 'Onboarding', 'Seat expansion', 'Pilot', 'Renewal'];
const FEATURE_VERBS = ['Export', 'Import', 'Share', 'Search', 'Archive', 'Sync', 'Comment on', 'Tag'];
const FEATURE_OBJECTS = ['records', 'reports', 'dashboards', 'attachments', 'views', 'forms'];
const DAY_MS = 24 * 60 * 60_000;
/** Seeded records were created one after another from here on, so creation order is time order. */
const SEED_START = Date.UTC(2023, 0, 1);
const CREATED_EVERY_MS = 10 * 60_000;

function isoDate(random: Random, fromYear: number, toYear: number): string {
  const start = Date.UTC(fromYear, 0, 1);
  const days = Math.round((Date.UTC(toYear + 1, 0, 1) - start) / DAY_MS) - 1;
  return new Date(start + random.int(0, days) * DAY_MS).toISOString().slice(0, 10);
}

function isoDateTime(random: Random, fromYear: number, toYear: number): string {
  return new Date(Date.parse(isoDate(random, fromYear, toYear)) + random.int(7 * 60, 19 * 60) * 60_000).toISOString();
}

function choiceNames(table: SandboxTable, fieldName: string): string[] {
  return (table.fields.find((f) => f.name === fieldName)?.options?.choices ?? []).map((c) => c.name);
}

/** For e-mail addresses: no accents, no apostrophes. */
function ascii(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

/** A name that is unique in its table: word pairs first, then numbered rounds of them. */
function companyName(index: number): string {
  const pairs = COMPANY_WORDS.length * COMPANY_KINDS.length;
  const name = `${COMPANY_WORDS[index % COMPANY_WORDS.length]} ${COMPANY_KINDS[Math.floor(index / COMPANY_WORDS.length) % COMPANY_KINDS.length]}`;
  return index < pairs ? name : `${name} ${Math.floor(index / pairs) + 1}`;
}

const SEEDERS: Readonly<Record<string, (table: SandboxTable) => Seeder>> = {
  Contacts: (table) => {
    const stages = choiceNames(table, 'Stage');
    const tags = choiceNames(table, 'Tags');
    const firstAscii = FIRST_NAMES.map(ascii);
    const lastAscii = LAST_NAMES.map(ascii);
    return ({ random, index, idsOf }) => {
      const first = random.int(0, FIRST_NAMES.length - 1);
      const last = random.int(0, LAST_NAMES.length - 1);
      const companies = idsOf('Companies');
      const links = random.next();
      return {
        Name: `${FIRST_NAMES[first]} ${LAST_NAMES[last]}`,
        Email: `${firstAscii[first]}.${lastAscii[last]}.${index + 1}@example.com`,
        Company: links < 0.1 || companies.length === 0 ? undefined : random.some(companies, links > 0.95 ? 2 : 1),
        Score: random.chance(0.9) ? random.int(0, 100) : undefined,
        Active: random.chance(0.6) || undefined,
        Stage: random.chance(0.9) ? random.pick(stages) : undefined,
        'Signed up': random.chance(0.95) ? isoDate(random, 2020, 2025) : undefined,
        Tags: random.some(tags, random.int(0, 2)),
        'Last contacted': random.chance(0.7) ? isoDateTime(random, 2024, 2025) : undefined,
      };
    };
  },
  Companies: () => ({ index }) => {
    const name = companyName(index);
    return { Name: name, Website: `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com` };
  },
  Deals: (table) => {
    const stages = choiceNames(table, 'Stage');
    return ({ random, index }) => ({
      Deal: `${random.pick(PRODUCTS)} ${index + 1}`,
      Amount: random.chance(0.95) ? random.int(50_000, 25_000_000) / 100 : undefined,
      Stage: random.pick(stages),
      'Close date': random.chance(0.9) ? isoDate(random, 2024, 2026) : undefined,
    });
  },
  Features: (table) => {
    const statuses = choiceNames(table, 'Status');
    return ({ random }) => ({
      Feature: `${random.pick(FEATURE_VERBS)} ${random.pick(FEATURE_OBJECTS)}`,
      Status: random.pick(statuses),
      Owner: random.chance(0.8) ? { ...random.pick(SANDBOX_COLLABORATORS) } : undefined,
    });
  },
  Releases: () => ({ index }) => ({
    Version: `1.${index}.0`,
    Date: new Date(Date.UTC(2024, 0, 15) + index * 30 * DAY_MS).toISOString().slice(0, 10),
  }),
  Candidates: (table) => {
    const roles = choiceNames(table, 'Role');
    return ({ random }) => ({ Name: `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`, Role: random.pick(roles) });
  },
};

/** The table's seeded records, in creation order; always the same for the same table and size. */
export function seedRecords(table: SandboxTable, size: number, idsOf: SeedContext['idsOf']): SandboxRecord[] {
  const primary = table.fields.find((f) => f.id === table.primaryFieldId)!.name;
  const seeder: Seeder = SEEDERS[table.name]?.(table) ?? (({ index }) => ({ [primary]: `${table.name} ${index + 1}` }));
  const random = seededRandom(seedOf(table.id));
  const records: SandboxRecord[] = [];
  for (let index = 0; index < size; index++) {
    const id = `rec${random.alphanumerics(14)}`;
    const createdTime = new Date(SEED_START + index * CREATED_EVERY_MS + random.int(0, CREATED_EVERY_MS - 1)).toISOString();
    const fields: Record<string, CellValue> = {};
    for (const [name, value] of Object.entries(seeder({ random, index, idsOf }))) {
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) fields[name] = value;
    }
    records.push({ id, createdTime, fields });
  }
  return records;
}
