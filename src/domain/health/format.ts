// Numbers in reasons, written the way a person reads them: "1,240 users", "61 %", "12 days".

/** A whole count with thousands separators: 1240 -> "1,240". */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A count with its noun, singular for exactly one: plural(1, 'issue') -> "1 issue". */
export function plural(value: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(value)} ${Math.round(value) === 1 ? singular : pluralForm}`;
}

/** A number with at most one decimal and no trailing ".0": 61.04 -> "61", 4.25 -> "4.3". */
export function decimal(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function percent(value: number): string {
  return `${decimal(value)} %`;
}

export function days(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${decimal(rounded)} ${rounded === 1 ? 'day' : 'days'}`;
}
