import type { SandboxCollaborator, SandboxField } from './sandbox-data';
import type { CellValue } from './sandbox-record-types';

/** The text of a linked record (its primary field), or undefined when it no longer exists. */
export type LinkedText = (field: SandboxField, recordId: string) => string | undefined;

/**
 * `cellFormat=string`: every cell as the text Airtable shows, numbers and dates in the user's locale and
 * dates with times in the user's time zone. Formatters are made once per request, not per cell.
 */
export class CellText {
  private readonly numbers = new Map<string, Intl.NumberFormat>();
  private readonly date: Intl.DateTimeFormat;
  private readonly dateTime: Intl.DateTimeFormat;

  constructor(
    private readonly options: { timeZone: string; userLocale: string },
    private readonly linkedText: LinkedText,
  ) {
    const day = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;
    // A date has no time of day, so no time zone moves it to another day.
    this.date = new Intl.DateTimeFormat(options.userLocale, { ...day, timeZone: 'UTC' });
    this.dateTime = new Intl.DateTimeFormat(options.userLocale, { ...day, hour: 'numeric', minute: '2-digit', timeZone: options.timeZone });
  }

  format(field: SandboxField, value: CellValue): string {
    const precision = field.options?.precision;
    switch (field.type) {
      case 'number':
        return this.number(value as number, precision, false);
      case 'currency': {
        const amount = value as number;
        return `${amount < 0 ? '-' : ''}${field.options?.symbol ?? ''}${this.number(Math.abs(amount), precision, true)}`;
      }
      case 'percent':
        return `${this.number((value as number) * 100, precision, false)}%`;
      case 'checkbox':
        return 'checked';
      case 'date':
        return this.date.format(Date.parse(value as string));
      case 'dateTime':
        return this.dateTime.format(Date.parse(value as string));
      case 'multipleRecordLinks':
        return (value as string[]).flatMap((id) => this.linkedText(field, id) ?? []).join(', ');
      case 'singleCollaborator':
        return (value as SandboxCollaborator).name;
      default:
        return Array.isArray(value) ? value.join(', ') : String(value);
    }
  }

  private number(value: number, precision: number | undefined, grouping: boolean): string {
    const key = `${precision}:${grouping}`;
    let format = this.numbers.get(key);
    if (!format) {
      const digits = precision === undefined ? { maximumFractionDigits: 20 } : { minimumFractionDigits: precision, maximumFractionDigits: precision };
      format = new Intl.NumberFormat(this.options.userLocale, { ...digits, useGrouping: grouping });
      this.numbers.set(key, format);
    }
    return format.format(value);
  }
}
