import type { SonarProjectSnapshot } from '../model';
import { GRADE_THRESHOLDS, gradeFor } from './grade';
import type { JiraFacts } from './jira-tally';
import { assessHealth, describeCondition, type HealthInput } from './model';
import { emptySentryFacts, type SentryFacts } from './sentry-tally';
import { DEFAULT_HEALTH_WEIGHTS, parseHealthWeights } from './weights';

function sentry(
  overrides: Partial<Omit<SentryFacts, 'byLevel'>> & {
    fatal?: number[];
    error?: number[];
    warning?: number[];
  } = {},
): SentryFacts {
  // fatal: [issues, users24h, events24h]
  const facts = emptySentryFacts();
  facts.projects = 1;
  for (const level of ['fatal', 'error', 'warning'] as const) {
    const [issues = 0, users24h = 0, events24h = 0] = overrides[level] ?? [];
    facts.byLevel[level] = { issues, users24h, events24h };
  }
  const { fatal: _f, error: _e, warning: _w, ...rest } = overrides;
  return { ...facts, ...rest };
}

function sonar(
  measures: Record<string, string> = {},
  gate: SonarProjectSnapshot['qualityGate'] = 'OK',
  failing: SonarProjectSnapshot['failingConditions'] = [],
): SonarProjectSnapshot {
  return {
    connectionId: 'sonar',
    projectKey: 'acme_web',
    projectName: 'Web',
    branch: 'main',
    qualityGate: gate,
    failingConditions: failing,
    measures: {
      reliability_rating: '1.0',
      security_rating: '1.0',
      sqale_rating: '1.0',
      coverage: '85.0',
      duplicated_lines_density: '1.0',
      sqale_debt_ratio: '1.0',
      vulnerabilities: '0',
      security_hotspots: '0',
      ...measures,
    },
    analysedAt: '2026-03-10T10:00:00.000Z',
    updatedAt: '2026-03-10T10:00:00.000Z',
  };
}

const quietJira: JiraFacts = {
  openAgesDays: [2],
  resolutionDays: [1, 2, 3],
  createdThisWeek: 1,
  doneThisWeek: 1,
};

function input(overrides: Partial<HealthInput> = {}): HealthInput {
  return {
    sentry: { mappedProjects: 1, facts: sentry() },
    sonar: { mappedBranches: 1, snapshots: [sonar()] },
    jira: quietJira,
    weights: DEFAULT_HEALTH_WEIGHTS,
    ...overrides,
  };
}

const coverageCondition = {
  metricKey: 'coverage',
  comparator: 'LT',
  errorThreshold: '80',
  actualValue: '61.0',
  status: 'ERROR' as const,
};

describe('health model: worked examples', () => {
  it('a quiet product: no Sentry issues, a clean SonarCloud project, Jira work done fast', () => {
    const health = assessHealth(input());
    expect(health.parts.runtime).toMatchObject({ status: 'scored', score: 100, penalties: [] });
    expect(health.parts.quality).toMatchObject({ status: 'scored', score: 100, penalties: [] });
    // One linked issue opened 2 days ago: 1 point.
    expect(health.parts.resolution).toMatchObject({ status: 'scored', score: 99 });
    // (40·100 + 40·100 + 20·99) / 100 = 99.8
    expect(health).toMatchObject({ score: 100, grade: 'A+' });
    expect(health.reasons.map((reason) => reason.text)).toEqual([
      '1 linked Jira issue opened in the last 7 days',
    ]);
  });

  it('3 fatal issues affecting 1,240 users in 24 h: runtime 40, overall C, and the first reason says so', () => {
    const health = assessHealth(
      input({
        sentry: {
          mappedProjects: 1,
          facts: sentry({
            fatal: [3, 1240, 5000],
            users24h: 1240,
            events24h: 5000,
            users14d: 3000,
            events14d: 40_000,
            newIssues: 3,
          }),
        },
      }),
    );
    // 3 fatal × 8 = 24, users 24 h ≥ 1,000: 16, events 24 h ≥ 1,000: 4, users 14 d ≥ 1,000: 6,
    // events 14 d ≥ 10,000: 4, 3 new × 2 = 6: 60 points off.
    expect(health.parts.runtime).toMatchObject({ status: 'scored', score: 40 });
    // (40·40 + 40·100 + 20·99) / 100 = 75.8
    expect(health).toMatchObject({ score: 76, grade: 'C' });
    expect(health.reasons[0]).toEqual({
      part: 'runtime',
      code: 'sentry.fatal',
      text: '3 fatal issues affecting 1,240 users in 24 h',
      impact: 9.6,
      recommendation:
        'Triage the 3 fatal Sentry issues today: create a Jira issue for each and give it an owner.',
    });
    expect(health.reasons[1]?.text).toBe('1,240 users affected in 24 h');
    expect(health.recommendations[0]).toMatch(/^Triage the 3 fatal Sentry issues/);
  });

  it('a failing quality gate on coverage: "quality gate failing: coverage 61 % < 80 %"', () => {
    const health = assessHealth(
      input({
        sonar: { mappedBranches: 1, snapshots: [sonar({ coverage: '61.0' }, 'ERROR', [coverageCondition])] },
      }),
    );
    // Gate failing 25 + coverage 60–80 %: 4 = 29 off.
    expect(health.parts.quality).toMatchObject({ status: 'scored', score: 71 });
    expect(health.reasons[0]).toMatchObject({
      code: 'sonar.gate',
      text: 'quality gate failing: coverage 61 % < 80 %',
      impact: 10,
    });
    expect(health.recommendations[0]).toBe(
      'Add tests until coverage reaches 80 %, so the quality gate passes.',
    );
    // (40·100 + 40·71 + 20·99) / 100 = 88.2
    expect(health).toMatchObject({ score: 88, grade: 'B' });
  });

  it("the README's worked example: runtime 40, quality 71, resolution 99, score 64, grade D", () => {
    const health = assessHealth({
      sentry: {
        mappedProjects: 1,
        facts: sentry({
          fatal: [3, 1240, 5000],
          users24h: 1240,
          events24h: 5000,
          users14d: 3000,
          events14d: 40_000,
          newIssues: 3,
        }),
      },
      sonar: { mappedBranches: 1, snapshots: [sonar({ coverage: '61' }, 'ERROR', [coverageCondition])] },
      jira: { openAgesDays: [2], resolutionDays: [], createdThisWeek: 0, doneThisWeek: 0 },
      weights: DEFAULT_HEALTH_WEIGHTS,
    });
    expect(
      [health.parts.runtime, health.parts.quality, health.parts.resolution].map(
        (part) => part.status === 'scored' && part.score,
      ),
    ).toEqual([40, 71, 99]);
    expect(health).toMatchObject({ score: 64, grade: 'D' });
    expect(health.reasons.slice(0, 2).map((reason) => [reason.text, reason.impact])).toEqual([
      ['quality gate failing: coverage 61 % < 80 %', 10],
      ['3 fatal issues affecting 1,240 users in 24 h', 9.6],
    ]);
  });

  it('every input moves the score the way a person expects', () => {
    const base = assessHealth(input()).score ?? 0;
    const worse: Array<[string, Partial<HealthInput>]> = [
      ['a fatal issue', { sentry: { mappedProjects: 1, facts: sentry({ fatal: [1, 0, 0] }) } }],
      ['an unresolved error', { sentry: { mappedProjects: 1, facts: sentry({ error: [3, 0, 0] }) } }],
      ['warnings', { sentry: { mappedProjects: 1, facts: sentry({ warning: [10, 0, 0] }) } }],
      ['users affected in 24 h', { sentry: { mappedProjects: 1, facts: sentry({ users24h: 50 }) } }],
      ['events in 24 h', { sentry: { mappedProjects: 1, facts: sentry({ events24h: 20_000 }) } }],
      ['users affected in 14 d', { sentry: { mappedProjects: 1, facts: sentry({ users14d: 500 }) } }],
      ['events in 14 d', { sentry: { mappedProjects: 1, facts: sentry({ events14d: 200_000 }) } }],
      ['new issues', { sentry: { mappedProjects: 1, facts: sentry({ newIssues: 4 }) } }],
      ['regressions', { sentry: { mappedProjects: 1, facts: sentry({ regressed: 2 }) } }],
      ['a warning gate', { sonar: { mappedBranches: 1, snapshots: [sonar({}, 'WARN')] } }],
      ['a failing gate', { sonar: { mappedBranches: 1, snapshots: [sonar({}, 'ERROR')] } }],
      ['reliability D', { sonar: { mappedBranches: 1, snapshots: [sonar({ reliability_rating: '4.0' })] } }],
      ['security E', { sonar: { mappedBranches: 1, snapshots: [sonar({ security_rating: '5.0' })] } }],
      ['maintainability C', { sonar: { mappedBranches: 1, snapshots: [sonar({ sqale_rating: '3.0' })] } }],
      ['coverage 35 %', { sonar: { mappedBranches: 1, snapshots: [sonar({ coverage: '35' })] } }],
      [
        'duplication 12 %',
        { sonar: { mappedBranches: 1, snapshots: [sonar({ duplicated_lines_density: '12' })] } },
      ],
      ['debt ratio 25 %', { sonar: { mappedBranches: 1, snapshots: [sonar({ sqale_debt_ratio: '25' })] } }],
      ['vulnerabilities', { sonar: { mappedBranches: 1, snapshots: [sonar({ vulnerabilities: '2' })] } }],
      ['hotspots', { sonar: { mappedBranches: 1, snapshots: [sonar({ security_hotspots: '3' })] } }],
      ['old open Jira issues', { jira: { ...quietJira, openAgesDays: [45, 60] } }],
      ['Jira issues open for weeks', { jira: { ...quietJira, openAgesDays: [10, 20, 25] } }],
      ['slow resolution', { jira: { ...quietJira, resolutionDays: [20, 25, 40] } }],
      ['more created than done', { jira: { ...quietJira, createdThisWeek: 6, doneThisWeek: 1 } }],
    ];
    for (const [what, change] of worse) {
      const health = assessHealth(input(change));
      expect({ what, lower: (health.score ?? 100) < base }).toEqual({ what, lower: true });
      expect(health.reasons.length).toBeGreaterThan(0);
    }
  });

  it('more of a bad thing never raises the score; caps keep one row from taking everything', () => {
    let previous = 101;
    for (const fatal of [0, 1, 2, 4, 8, 50]) {
      const score = assessHealth(
        input({ sentry: { mappedProjects: 1, facts: sentry({ fatal: [fatal, 0, 0] }) } }),
      ).parts.runtime;
      expect(score.status === 'scored' && score.score <= previous).toBe(true);
      previous = score.status === 'scored' ? score.score : previous;
    }
    // 50 fatal issues cost at most 32 points.
    expect(previous).toBe(68);
    let coverageScore = -1;
    for (const coverage of ['10', '45', '65', '80', '95']) {
      const part = assessHealth(input({ sonar: { mappedBranches: 1, snapshots: [sonar({ coverage })] } }))
        .parts.quality;
      expect(part.status === 'scored' && part.score >= coverageScore).toBe(true);
      coverageScore = part.status === 'scored' ? part.score : coverageScore;
    }
  });

  it('two SonarCloud projects: the part is their mean and reasons name the project', () => {
    const failing = {
      ...sonar({ coverage: '61' }, 'ERROR', [coverageCondition]),
      projectKey: 'acme_api',
      projectName: 'API',
    };
    const health = assessHealth(input({ sonar: { mappedBranches: 2, snapshots: [sonar(), failing] } }));
    // (100 + 71) / 2 = 85.5
    expect(health.parts.quality).toMatchObject({ score: 86 });
    expect(health.reasons[0]?.text).toBe('API: quality gate failing: coverage 61 % < 80 %');
  });
});

describe('health model: missing data', () => {
  it('a part without data is left out of the weighting, never scored 100 or 0', () => {
    const withoutSentry = assessHealth(
      input({
        sentry: { mappedProjects: 0, facts: null },
        sonar: { mappedBranches: 1, snapshots: [sonar({ coverage: '61' }, 'ERROR', [coverageCondition])] },
        jira: { ...quietJira, openAgesDays: [] },
      }),
    );
    expect(withoutSentry.parts.runtime).toEqual({
      key: 'runtime',
      name: 'Runtime stability',
      weight: 40,
      status: 'no-data',
      message: 'No Sentry project is mapped to this product, so runtime stability is not scored.',
    });
    // (40·71 + 20·100) / 60 = 80.7: neither (40·100 + …)/100 = 88.4 nor (40·0 + …)/100 = 48.4.
    expect(withoutSentry).toMatchObject({ score: 81, grade: 'B' });
  });

  it('says whether a source is not mapped or not synced yet', () => {
    const health = assessHealth(
      input({
        sentry: { mappedProjects: 2, facts: null },
        sonar: { mappedBranches: 1, snapshots: [] },
        jira: null,
      }),
    );
    expect(health.parts.runtime).toMatchObject({
      status: 'no-data',
      message: expect.stringMatching(/not been synced yet/),
    });
    expect(health.parts.quality).toMatchObject({
      status: 'no-data',
      message: expect.stringMatching(/No SonarCloud analysis/),
    });
    expect(health.parts.resolution).toMatchObject({
      status: 'no-data',
      message: expect.stringMatching(/No linked Jira work/),
    });
    expect(health).toMatchObject({ score: null, grade: null, reasons: [], recommendations: [] });
  });

  it('a SonarCloud snapshot with nothing analysed counts as no data', () => {
    const empty: SonarProjectSnapshot = { ...sonar(), qualityGate: 'NONE', measures: {}, analysedAt: null };
    const health = assessHealth(input({ sonar: { mappedBranches: 1, snapshots: [empty] } }));
    expect(health.parts.quality.status).toBe('no-data');
  });

  it('a measure SonarCloud does not report is noted, not scored', () => {
    const snapshot = sonar();
    delete snapshot.measures.coverage;
    const part = assessHealth(input({ sonar: { mappedBranches: 1, snapshots: [snapshot] } })).parts.quality;
    expect(part).toMatchObject({ status: 'scored', score: 100, notes: ['coverage not reported'] });
  });

  it('a part weighted 0 does not count', () => {
    const health = assessHealth(
      input({
        weights: { runtime: 50, quality: 50, resolution: 0 },
        jira: { ...quietJira, openAgesDays: [90, 90, 90, 90, 90] },
      }),
    );
    expect(health).toMatchObject({ score: 100, grade: 'A+', reasons: [] });
  });
});

describe('grades', () => {
  it.each([
    [100, 'A+'],
    [95, 'A+'],
    [94.5, 'A+'],
    [94.49, 'A'],
    [90, 'A'],
    [89.5, 'A'],
    [89.49, 'B'],
    [80, 'B'],
    [79.49, 'C'],
    [70, 'C'],
    [69.49, 'D'],
    [60, 'D'],
    [59.5, 'D'],
    [59.49, 'F'],
    [0, 'F'],
  ])('score %d is %s', (score, grade) => {
    expect(gradeFor(score)).toBe(grade);
  });

  it('thresholds are listed best first', () => {
    expect(GRADE_THRESHOLDS.map(([grade, lowest]) => `${grade}≥${lowest}`)).toEqual([
      'A+≥95',
      'A≥90',
      'B≥80',
      'C≥70',
      'D≥60',
    ]);
  });
});

describe('weights', () => {
  it('accepts whole percentages adding up to 100', () => {
    expect(parseHealthWeights({ runtime: 50, quality: 30, resolution: 20 })).toEqual({
      runtime: 50,
      quality: 30,
      resolution: 20,
    });
    expect(parseHealthWeights({ runtime: 100, quality: 0, resolution: 0 })).toEqual({
      runtime: 100,
      quality: 0,
      resolution: 0,
    });
  });

  it.each([
    [{ runtime: 40, quality: 40, resolution: 19 }, /add up to 99 %/],
    [{ runtime: -10, quality: 90, resolution: 20 }, /runtime stability weight cannot be negative/],
    [{ runtime: 40.5, quality: 39.5, resolution: 20 }, /whole number/],
    [{ runtime: 40, quality: 40 }, /issue resolution weight must be a number/],
    [{ runtime: 40, quality: 40, resolution: 20, speed: 0 }, /speed/],
  ])('refuses %j, saying what to change', (weights, message) => {
    expect(() => parseHealthWeights(weights)).toThrow(message);
    expect(() => parseHealthWeights(weights)).toThrow(/adding up to 100 \(default 40 \/ 40 \/ 20\)/);
  });
});

describe('quality gate conditions in words', () => {
  it.each([
    [{ ...coverageCondition }, 'coverage 61 % < 80 %'],
    [
      {
        ...coverageCondition,
        metricKey: 'new_coverage',
        actualValue: '82.50562381034781',
        errorThreshold: '85',
      },
      'coverage on new code 82.5 % < 85 %',
    ],
    [
      {
        ...coverageCondition,
        metricKey: 'new_reliability_rating',
        comparator: 'GT',
        actualValue: '3',
        errorThreshold: '1',
      },
      'reliability rating on new code C > A',
    ],
    [
      {
        ...coverageCondition,
        metricKey: 'new_violations',
        comparator: 'GT',
        actualValue: '25',
        errorThreshold: '0',
      },
      'new violations 25 > 0',
    ],
    [{ ...coverageCondition, errorThreshold: null }, 'coverage 61 %'],
  ])('%j', (condition, words) => {
    expect(describeCondition(condition)).toBe(words);
  });
});
