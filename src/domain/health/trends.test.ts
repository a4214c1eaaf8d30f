import { branchQuality, debtInWords } from './quality-summary';
import { buildTrendSeries, windowDays } from './trends';

describe('trend series', () => {
  it('spans the window day by day, leaves a gap where nothing was stored, and names each series with its unit', () => {
    const days = windowDays('2026-03-03', 3);
    expect(days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    const series = buildTrendSeries(
      days,
      [{ date: '2026-03-01', values: { score: 80, runtime: 70 } }],
      [
        { date: '2026-03-01', values: { debtMinutes: 960, coverage: 61.5 } },
        { date: '2026-03-03', values: { debtMinutes: 4800, coverage: 63 } },
      ],
    );
    expect(series.map((item) => [item.key, item.label, item.unit, item.values])).toEqual([
      ['score', 'Health score', 'score', [80, null, null]],
      ['runtime', 'Runtime stability', 'score', [70, null, null]],
      ['coverage', 'Test coverage', 'percent', [61.5, null, 63]],
      // sqale_index minutes in 8-hour days.
      ['debtDays', 'Technical debt', 'days', [2, null, 10]],
    ]);
    expect(series.find((item) => item.key === 'coverage')).toMatchObject({ first: 61.5, latest: 63 });
  });
});

describe('a SonarCloud branch in words', () => {
  it('says debt in hours under a day and in 8-hour days above', () => {
    expect(debtInWords(90)).toBe('2 h');
    expect(debtInWords(480)).toBe('1 day');
    expect(debtInWords(1200)).toBe('2.5 days');
  });

  it('a branch not analysed yet has no gate and no measures', () => {
    const ref = { connectionId: 'sonar', projectKey: 'acme_web', branch: 'main' };
    expect(branchQuality(ref, null)).toEqual({
      ref,
      projectName: 'acme_web',
      qualityGate: null,
      failing: [],
      measures: [],
      analysedAt: null,
    });
  });
});
