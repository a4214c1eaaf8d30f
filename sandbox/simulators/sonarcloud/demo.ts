// The SonarCloud demo organization `acme`: projects whose main branches pass or fail the
// "Sonar way" quality gate, feature branches that fail it, and a legacy project with more
// than 10,000 issues (to meet the search cap).

import { hashString, mix, SeededRandom } from '../shared/random';
import { type AnalysisFacts, branchSeed, type SonarProject, type SonarStore } from './store';

const HOUR_MS = 3_600_000;

/** Tokens (40 hex characters, as SonarCloud issues them). */
export const SONARCLOUD_DEMO_TOKENS = {
  /** Member and administrator of `acme`: every web service, including api/projects/search. */
  admin: '5d2f0c6a9e8b47d1a3c6f0e2b9d4a7c1e8f3b6a2',
  /** Member of `acme` with Browse permission: reads measures and issues, gets 403 from api/projects/search. */
  member: '9a4e7c1b3d6f8a0c2e5b7d9f1a3c5e7b9d0f2a4c',
  /** Valid token of a user outside `acme` (organization `globex`): 403 on acme's projects. */
  outsider: '0b1d3f5a7c9e2b4d6f8a1c3e5a7b9d2f4a6c8e0b',
} as const;

export interface SonarTokenGrant {
  login: string;
  /** Organizations the user belongs to (Browse on their projects). */
  organizations: string[];
  /** Organizations the user administers. */
  adminOf: string[];
}

export const DEMO_SONAR_TOKENS: Record<string, SonarTokenGrant> = {
  [SONARCLOUD_DEMO_TOKENS.admin]: { login: 'dana-kim@github', organizations: ['acme'], adminOf: ['acme'] },
  [SONARCLOUD_DEMO_TOKENS.member]: { login: 'marco-rossi@github', organizations: ['acme'], adminOf: [] },
  [SONARCLOUD_DEMO_TOKENS.outsider]: { login: 'eve@github', organizations: ['globex'], adminOf: ['globex'] },
};

const clean = (over: Partial<AnalysisFacts>): AnalysisFacts => ({
  ncloc: 20_000,
  coverage: 80,
  duplicatedLinesDensity: 2,
  bugs: 0,
  vulnerabilities: 0,
  codeSmells: 100,
  hotspotsToReview: 0,
  hotspotsReviewed: 4,
  debtMinutes: 2_000,
  newLines: 600,
  newCoverage: 85,
  newDuplicatedLinesDensity: 0.8,
  newBugs: 0,
  newVulnerabilities: 0,
  newCodeSmells: 3,
  newHotspotsToReview: 0,
  newHotspotsReviewed: 1,
  newDebtMinutes: 45,
  ...over,
});

interface DemoBranch {
  name: string;
  isMain: boolean;
  type: 'LONG' | 'SHORT';
  version: string;
  analysedAgo: number;
  facts: AnalysisFacts;
}

const DEMO: Array<Omit<SonarProject, 'branches' | 'organization'> & { branches: DemoBranch[] }> = [
  {
    key: 'acme_backend',
    name: 'Backend API',
    language: 'py',
    visibility: 'private',
    tags: ['python', 'django'],
    branches: [
      {
        name: 'main',
        isMain: true,
        type: 'LONG',
        version: '2.14.0',
        analysedAgo: 3 * HOUR_MS,
        facts: clean({
          ncloc: 48_210,
          coverage: 84.7,
          duplicatedLinesDensity: 1.9,
          bugs: 3,
          vulnerabilities: 1,
          codeSmells: 412,
          hotspotsToReview: 2,
          hotspotsReviewed: 17,
          debtMinutes: 6_140,
          newLines: 1_240,
          newCoverage: 86.4,
          newDuplicatedLinesDensity: 1.2,
          newCodeSmells: 7,
          newDebtMinutes: 95,
        }),
      },
      {
        name: 'develop',
        isMain: false,
        type: 'LONG',
        version: '2.15.0-SNAPSHOT',
        analysedAgo: 40 * 60_000,
        facts: clean({
          ncloc: 48_790,
          coverage: 84.9,
          duplicatedLinesDensity: 1.9,
          bugs: 3,
          vulnerabilities: 1,
          codeSmells: 418,
          hotspotsToReview: 2,
          hotspotsReviewed: 17,
          debtMinutes: 6_200,
          newLines: 580,
          newCoverage: 88.1,
          newDuplicatedLinesDensity: 0.4,
          newCodeSmells: 6,
          newDebtMinutes: 60,
        }),
      },
      {
        name: 'feature/billing-rewrite',
        isMain: false,
        type: 'SHORT',
        version: '2.15.0-SNAPSHOT',
        analysedAgo: 2 * HOUR_MS,
        facts: clean({
          ncloc: 49_020,
          coverage: 83.2,
          duplicatedLinesDensity: 2.1,
          bugs: 5,
          vulnerabilities: 1,
          codeSmells: 431,
          hotspotsToReview: 3,
          hotspotsReviewed: 17,
          debtMinutes: 6_520,
          newLines: 930,
          newCoverage: 52.1,
          newDuplicatedLinesDensity: 2.6,
          newBugs: 2,
          newCodeSmells: 19,
          newHotspotsToReview: 1,
          newHotspotsReviewed: 0,
          newDebtMinutes: 380,
        }),
      },
    ],
  },
  {
    key: 'acme_web-frontend',
    name: 'Web Frontend',
    language: 'ts',
    visibility: 'private',
    tags: ['typescript', 'react'],
    branches: [
      {
        name: 'main',
        isMain: true,
        type: 'LONG',
        version: '1.39.0',
        analysedAgo: 5 * HOUR_MS,
        facts: clean({
          ncloc: 61_450,
          coverage: 71.3,
          duplicatedLinesDensity: 4.2,
          bugs: 12,
          vulnerabilities: 0,
          codeSmells: 903,
          hotspotsToReview: 4,
          hotspotsReviewed: 9,
          debtMinutes: 11_380,
          newLines: 2_310,
          newCoverage: 61.8,
          newDuplicatedLinesDensity: 4.7,
          newBugs: 0,
          newCodeSmells: 28,
          newDebtMinutes: 310,
        }),
      },
      {
        name: 'release/1.39',
        isMain: false,
        type: 'LONG',
        version: '1.39.1',
        analysedAgo: 26 * HOUR_MS,
        facts: clean({
          ncloc: 61_300,
          coverage: 71.6,
          duplicatedLinesDensity: 4.1,
          bugs: 12,
          codeSmells: 899,
          hotspotsToReview: 4,
          hotspotsReviewed: 9,
          debtMinutes: 11_300,
          newLines: 140,
          newCoverage: 92.5,
          newDuplicatedLinesDensity: 0,
          newCodeSmells: 1,
          newDebtMinutes: 10,
        }),
      },
    ],
  },
  {
    key: 'acme_mobile-app',
    name: 'Mobile App',
    language: 'ts',
    visibility: 'private',
    tags: ['typescript', 'react-native'],
    branches: [
      {
        name: 'main',
        isMain: true,
        type: 'LONG',
        version: '4.9.0',
        analysedAgo: 8 * HOUR_MS,
        facts: clean({
          ncloc: 37_880,
          coverage: 78.4,
          duplicatedLinesDensity: 2.8,
          bugs: 6,
          vulnerabilities: 0,
          codeSmells: 530,
          hotspotsToReview: 0,
          hotspotsReviewed: 11,
          debtMinutes: 7_020,
          newLines: 870,
          newCoverage: 81.0,
          newDuplicatedLinesDensity: 1.5,
          newCodeSmells: 9,
          newDebtMinutes: 120,
        }),
      },
      {
        name: 'feature/new-checkout',
        isMain: false,
        type: 'SHORT',
        version: '4.10.0-SNAPSHOT',
        analysedAgo: 90 * 60_000,
        facts: clean({
          ncloc: 38_400,
          coverage: 77.9,
          duplicatedLinesDensity: 2.9,
          bugs: 6,
          vulnerabilities: 1,
          codeSmells: 541,
          hotspotsToReview: 2,
          hotspotsReviewed: 11,
          debtMinutes: 7_210,
          newLines: 1_020,
          newCoverage: 82.3,
          newDuplicatedLinesDensity: 1.1,
          newVulnerabilities: 1,
          newCodeSmells: 11,
          newHotspotsToReview: 2,
          newHotspotsReviewed: 2,
          newDebtMinutes: 190,
        }),
      },
    ],
  },
  {
    key: 'acme_payments',
    name: 'Payments Service',
    language: 'go',
    visibility: 'private',
    tags: ['go', 'pci'],
    branches: [
      {
        name: 'main',
        isMain: true,
        type: 'LONG',
        version: 'v1.17.0',
        analysedAgo: 50 * 60_000,
        facts: clean({
          ncloc: 22_640,
          coverage: 88.2,
          duplicatedLinesDensity: 0.9,
          bugs: 1,
          vulnerabilities: 2,
          codeSmells: 140,
          hotspotsToReview: 3,
          hotspotsReviewed: 6,
          debtMinutes: 1_890,
          newLines: 410,
          newCoverage: 91.4,
          newDuplicatedLinesDensity: 0,
          newVulnerabilities: 2,
          newCodeSmells: 2,
          newHotspotsToReview: 2,
          newHotspotsReviewed: 0,
          newDebtMinutes: 40,
        }),
      },
      {
        name: 'develop',
        isMain: false,
        type: 'LONG',
        version: 'v1.18.0-rc.1',
        analysedAgo: 4 * HOUR_MS,
        facts: clean({
          ncloc: 22_900,
          coverage: 88.6,
          duplicatedLinesDensity: 0.9,
          bugs: 1,
          vulnerabilities: 0,
          codeSmells: 138,
          hotspotsToReview: 1,
          hotspotsReviewed: 8,
          debtMinutes: 1_850,
          newLines: 260,
          newCoverage: 93.0,
          newDuplicatedLinesDensity: 0,
          newCodeSmells: 1,
          newHotspotsReviewed: 2,
          newDebtMinutes: 15,
        }),
      },
    ],
  },
  {
    key: 'acme_legacy-monolith',
    name: 'Legacy Monolith',
    language: 'java',
    visibility: 'private',
    tags: ['java', 'legacy'],
    branches: [
      {
        name: 'master',
        isMain: true,
        type: 'LONG',
        version: '7.3.12',
        analysedAgo: 20 * HOUR_MS,
        facts: clean({
          ncloc: 412_300,
          coverage: 23.4,
          duplicatedLinesDensity: 14.8,
          bugs: 310,
          vulnerabilities: 45,
          codeSmells: 12_480,
          hotspotsToReview: 88,
          hotspotsReviewed: 12,
          debtMinutes: 1_702_000,
          newLines: 120,
          newCoverage: 84.0,
          newDuplicatedLinesDensity: 0,
          newCodeSmells: 1,
          newHotspotsReviewed: 0,
          newDebtMinutes: 5,
        }),
      },
    ],
  },
];

export function seedDemoSonarCloud(store: SonarStore, now: number): void {
  store.organizations.set('acme', { key: 'acme', name: 'Acme Inc.' });
  store.organizations.set('globex', { key: 'globex', name: 'Globex Corporation' });
  for (const demo of DEMO) {
    store.projects.set(demo.key, {
      organization: 'acme',
      key: demo.key,
      name: demo.name,
      language: demo.language,
      visibility: demo.visibility,
      tags: demo.tags,
      branches: demo.branches.map((b) => ({
        name: b.name,
        isMain: b.isMain,
        type: b.type,
        version: b.version,
        analyses: [{ date: now - b.analysedAgo, facts: b.facts }],
        seed: branchSeed(demo.key, b.name),
      })),
    });
  }
}

/** Adds `count` generated projects `acme_service-001`... to an organization (benchmarks); returns their keys. */
export function generateSonarProjects(
  store: SonarStore,
  now: number,
  count: number,
  organization = 'acme',
  seed = 1,
): string[] {
  const keys: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    const key = `${organization}_service-${String(i).padStart(3, '0')}`;
    const rnd = new SeededRandom(mix(seed, hashString(key)));
    const failing = rnd.next() < 0.3;
    const ncloc = rnd.int(2_000, 120_000);
    store.projects.set(key, {
      organization,
      key,
      name: `Service ${String(i).padStart(3, '0')}`,
      language: rnd.pick(['py', 'ts', 'go', 'java'] as const),
      visibility: 'private',
      tags: [],
      branches: [
        {
          name: 'main',
          isMain: true,
          type: 'LONG',
          version: `1.${rnd.int(0, 40)}.0`,
          seed: branchSeed(key, 'main'),
          analyses: [
            {
              date: now - rnd.int(1, 72) * HOUR_MS,
              facts: clean({
                ncloc,
                coverage: rnd.int(200, 950) / 10,
                duplicatedLinesDensity: rnd.int(0, 120) / 10,
                bugs: rnd.int(0, 40),
                vulnerabilities: rnd.int(0, 8),
                codeSmells: rnd.int(10, 3_000),
                hotspotsToReview: rnd.int(0, 10),
                debtMinutes: Math.round(ncloc * rnd.next() * 0.6),
                newCoverage: failing ? rnd.int(300, 790) / 10 : rnd.int(800, 990) / 10,
                newBugs: failing && rnd.next() < 0.5 ? rnd.int(1, 3) : 0,
              }),
            },
          ],
        },
      ],
    });
    keys.push(key);
  }
  return keys;
}
