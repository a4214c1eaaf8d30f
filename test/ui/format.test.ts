// SonarCloud's raw measure strings read as people read them: separators, units, rating letters.
import {
  formatDebt,
  formatDecimal,
  formatMeasure,
  formatPercent,
  formatRating,
  formatWhole,
} from '../../static/src/shared/format';

describe('measure formatters', () => {
  it('rounds to one decimal with separators', () => {
    expect(formatPercent(89.39828080229226)).toBe('89.4 %');
    expect(formatPercent(61.04)).toBe('61 %');
    expect(formatDecimal(12345.67)).toBe('12,345.7');
  });

  it('writes whole counts with thousands separators', () => {
    expect(formatWhole(61450)).toBe('61,450');
    expect(formatWhole(3)).toBe('3');
  });

  it('writes debt minutes as minutes, hours or 8-hour days', () => {
    expect(formatDebt(45)).toBe('45 min');
    expect(formatDebt(180)).toBe('3 h');
    expect(formatDebt(480)).toBe('1 day');
    expect(formatDebt(1200)).toBe('2.5 days');
    expect(formatDebt(4800 * 1000)).toBe('10,000 days');
  });

  it('writes ratings as letters', () => {
    expect(['1.0', '2.0', '3.0', '4.0', '5.0'].map((raw) => formatMeasure(raw, formatRating))).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
    ]);
    expect(formatRating(7)).toBe('7');
  });

  it('shows a value that is not a number as it came', () => {
    expect(formatMeasure('89.39828080229226', formatPercent)).toBe('89.4 %');
    expect(formatMeasure('n/a', formatPercent)).toBe('n/a');
    expect(formatMeasure('', formatWhole)).toBe('');
  });
});
