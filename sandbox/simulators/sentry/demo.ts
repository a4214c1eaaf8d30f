// The demo world of the Sentry simulator: organization `acme` (US region) with a Python backend,
// a React web frontend, a React Native app and a Go payments service, and `acme-eu` (DE region).
// Times are relative to the moment the simulator is built, so "last seen 4 minutes ago" stays true.

import { DAY_MS, HOUR_MS, type NewIssueInput, type SentryAssignee, type SentryStore } from './store';

const MIN_MS = 60_000;

/** Tokens the demo simulator accepts. Org tokens (`sntrys_`) as Sentry issues them for internal integrations. */
export const SENTRY_DEMO_TOKENS = {
  /** org:read project:read event:read event:write event:admin for acme and acme-eu (event:admin deletes external issues). */
  full: 'sntrys_demo_acme_full_0f9d2c7b41e84a6b',
  /** org:read project:read event:read: can read, cannot change issue status (403 on PUT). */
  readOnly: 'sntrys_demo_acme_readonly_6a1e03d9',
  /** org:read only: can list projects, gets 403 on issues. */
  orgOnly: 'sntrys_demo_acme_orgonly_c4b8e2f1',
} as const;

export interface SentryTokenGrant {
  organizations: string[];
  scopes: string[];
}

export const DEMO_TOKEN_GRANTS: Record<string, SentryTokenGrant> = {
  [SENTRY_DEMO_TOKENS.full]: {
    organizations: ['acme', 'acme-eu'],
    scopes: ['org:read', 'project:read', 'event:read', 'event:write', 'event:admin'],
  },
  [SENTRY_DEMO_TOKENS.readOnly]: {
    organizations: ['acme'],
    scopes: ['org:read', 'project:read', 'event:read'],
  },
  [SENTRY_DEMO_TOKENS.orgOnly]: { organizations: ['acme'], scopes: ['org:read'] },
};

const DANA: SentryAssignee = {
  type: 'user',
  id: '2811001',
  name: 'Dana Kim',
  email: 'dana.kim@acme.example',
};
const MARCO: SentryAssignee = {
  type: 'user',
  id: '2811002',
  name: 'Marco Rossi',
  email: 'marco.rossi@acme.example',
};

interface DemoIssue extends Omit<NewIssueInput, 'firstSeen' | 'lastSeen'> {
  firstSeenAgo: number;
  lastSeenAgo: number;
}

interface DemoProject {
  id: string;
  org: string;
  slug: string;
  name: string;
  platform: string;
  team: { id: string; slug: string; name: string };
  releasePrefix: (k: number) => string;
  firstShortIdNumber: number;
  issues: DemoIssue[];
}

const DEMO_PROJECTS: DemoProject[] = [
  {
    id: '5501201',
    org: 'acme',
    slug: 'backend',
    name: 'Backend API',
    platform: 'python',
    team: { id: '88101', slug: 'platform', name: 'Platform' },
    releasePrefix: (k) => `backend@2.${k + 5}.0`,
    firstShortIdNumber: 104,
    issues: [
      {
        template: 0,
        variant: 17,
        status: 'unresolved',
        substatus: 'escalating',
        priority: 'high',
        assignee: DANA,
        firstSeenAgo: 3 * DAY_MS,
        lastSeenAgo: 4 * MIN_MS,
        count: 1843,
        userCount: 312,
        numComments: 3,
      },
      {
        template: 1,
        status: 'unresolved',
        substatus: 'new',
        firstSeenAgo: 5 * HOUR_MS,
        lastSeenAgo: 22 * MIN_MS,
        count: 57,
        userCount: 12,
      },
      {
        template: 2,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 20 * DAY_MS,
        lastSeenAgo: 2 * HOUR_MS,
        count: 310,
        userCount: 3,
      },
      {
        template: 3,
        status: 'resolved',
        statusDetails: { inRelease: 'backend@2.13.0' },
        firstSeenAgo: 40 * DAY_MS,
        lastSeenAgo: 9 * DAY_MS,
        count: 4211,
        userCount: 980,
      },
      {
        template: 4,
        variant: 3214,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 60 * DAY_MS,
        lastSeenAgo: HOUR_MS,
        count: 15230,
        userCount: 0,
      },
      {
        template: 5,
        status: 'ignored',
        substatus: 'archived_forever',
        firstSeenAgo: 75 * DAY_MS,
        lastSeenAgo: 2 * DAY_MS,
        count: 96,
        userCount: 41,
      },
      {
        template: 6,
        variant: 512,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 30 * DAY_MS,
        lastSeenAgo: 6 * HOUR_MS,
        count: 88,
        userCount: 0,
      },
      // The eighth backend issue is BACKEND-3F (short id number 111).
      {
        template: 7,
        variant: 48213,
        status: 'ignored',
        substatus: 'archived_until_condition_met',
        statusDetails: { ignoreCount: 1000 },
        firstSeenAgo: 14 * DAY_MS,
        lastSeenAgo: 35 * MIN_MS,
        count: 640,
        userCount: 0,
      },
    ],
  },
  {
    id: '5501202',
    org: 'acme',
    slug: 'web-frontend',
    name: 'Web Frontend',
    platform: 'javascript-react',
    team: { id: '88102', slug: 'web', name: 'Web' },
    releasePrefix: (k) => `web-frontend@1.${k + 30}.0`,
    firstShortIdNumber: 230,
    issues: [
      {
        template: 0,
        status: 'unresolved',
        substatus: 'regressed',
        priority: 'high',
        assignee: { type: 'team', id: '88102', name: 'web' },
        firstSeenAgo: 25 * DAY_MS,
        lastSeenAgo: 8 * MIN_MS,
        count: 7421,
        userCount: 2210,
        numComments: 5,
      },
      {
        template: 1,
        variant: 342,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 10 * DAY_MS,
        lastSeenAgo: 3 * HOUR_MS,
        count: 512,
        userCount: 430,
      },
      {
        template: 2,
        status: 'resolved',
        firstSeenAgo: 18 * DAY_MS,
        lastSeenAgo: 4 * DAY_MS,
        count: 129,
        userCount: 77,
      },
      {
        template: 3,
        status: 'ignored',
        substatus: 'archived_forever',
        firstSeenAgo: 80 * DAY_MS,
        lastSeenAgo: 15 * MIN_MS,
        count: 48210,
        userCount: 9100,
      },
      {
        template: 4,
        status: 'unresolved',
        substatus: 'new',
        priority: 'high',
        firstSeenAgo: 50 * MIN_MS,
        lastSeenAgo: 12 * MIN_MS,
        count: 38,
        userCount: 35,
      },
      {
        template: 5,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 7 * DAY_MS,
        lastSeenAgo: 5 * HOUR_MS,
        count: 2204,
        userCount: 0,
      },
      {
        template: 6,
        variant: 1187,
        status: 'resolved',
        firstSeenAgo: 3 * DAY_MS,
        lastSeenAgo: 2 * DAY_MS,
        count: 14,
        userCount: 9,
      },
    ],
  },
  {
    id: '5501203',
    org: 'acme',
    slug: 'mobile-app',
    name: 'Mobile App',
    platform: 'react-native',
    team: { id: '88103', slug: 'mobile', name: 'Mobile' },
    releasePrefix: (k) => `com.acme.shop@4.${k}.0+${400 + k}`,
    firstShortIdNumber: 57,
    issues: [
      {
        template: 0,
        status: 'unresolved',
        substatus: 'ongoing',
        assignee: MARCO,
        firstSeenAgo: 45 * DAY_MS,
        lastSeenAgo: 2 * MIN_MS,
        count: 3904,
        userCount: 1402,
      },
      {
        template: 1,
        variant: 10,
        status: 'unresolved',
        substatus: 'escalating',
        priority: 'high',
        firstSeenAgo: 6 * DAY_MS,
        lastSeenAgo: 40 * MIN_MS,
        count: 210,
        userCount: 190,
      },
      {
        template: 2,
        status: 'resolved',
        statusDetails: { inNextRelease: true },
        firstSeenAgo: 12 * DAY_MS,
        lastSeenAgo: 3 * DAY_MS,
        count: 77,
        userCount: 60,
      },
      {
        template: 3,
        status: 'unresolved',
        substatus: 'new',
        firstSeenAgo: 9 * HOUR_MS,
        lastSeenAgo: HOUR_MS,
        count: 19,
        userCount: 17,
      },
      {
        template: 4,
        variant: 16_777_232,
        status: 'ignored',
        substatus: 'archived_until_escalating',
        firstSeenAgo: 33 * DAY_MS,
        lastSeenAgo: 5 * DAY_MS,
        count: 41,
        userCount: 40,
      },
      {
        template: 5,
        variant: 2480,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 21 * DAY_MS,
        lastSeenAgo: 30 * MIN_MS,
        count: 880,
        userCount: 611,
      },
      {
        template: 6,
        variant: 3600,
        status: 'resolved',
        firstSeenAgo: 16 * DAY_MS,
        lastSeenAgo: 6 * DAY_MS,
        count: 35,
        userCount: 30,
      },
    ],
  },
  {
    id: '5501204',
    org: 'acme',
    slug: 'payments',
    name: 'Payments Service',
    platform: 'go',
    team: { id: '88104', slug: 'payments', name: 'Payments' },
    releasePrefix: (k) => `payments@v1.${k + 8}.0`,
    firstShortIdNumber: 12,
    issues: [
      {
        template: 0,
        status: 'unresolved',
        substatus: 'regressed',
        priority: 'high',
        assignee: DANA,
        firstSeenAgo: 33 * DAY_MS,
        lastSeenAgo: 18 * MIN_MS,
        count: 64,
        userCount: 5,
      },
      {
        template: 1,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 26 * DAY_MS,
        lastSeenAgo: 90 * MIN_MS,
        count: 1290,
        userCount: 38,
      },
      {
        template: 2,
        status: 'resolved',
        firstSeenAgo: 15 * DAY_MS,
        lastSeenAgo: 8 * DAY_MS,
        count: 23,
        userCount: 4,
      },
      {
        template: 3,
        variant: 7781,
        status: 'ignored',
        substatus: 'archived_until_condition_met',
        statusDetails: { ignoreUserCount: 50, ignoreUserWindow: 60 },
        firstSeenAgo: 50 * DAY_MS,
        lastSeenAgo: 11 * HOUR_MS,
        count: 402,
        userCount: 12,
      },
      {
        template: 4,
        variant: 20431,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 9 * DAY_MS,
        lastSeenAgo: 7 * HOUR_MS,
        count: 9,
        userCount: 0,
      },
      {
        template: 5,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 4 * DAY_MS,
        lastSeenAgo: 3 * HOUR_MS,
        count: 61,
        userCount: 0,
      },
    ],
  },
  {
    id: '5601301',
    org: 'acme-eu',
    slug: 'eu-api',
    name: 'EU API',
    platform: 'python-fastapi',
    team: { id: '88201', slug: 'eu-platform', name: 'EU Platform' },
    releasePrefix: (k) => `eu-api@0.${k + 3}.0`,
    firstShortIdNumber: 5,
    issues: [
      {
        template: 0,
        variant: 42,
        status: 'unresolved',
        substatus: 'ongoing',
        firstSeenAgo: 8 * DAY_MS,
        lastSeenAgo: 25 * MIN_MS,
        count: 318,
        userCount: 64,
      },
      {
        template: 3,
        status: 'resolved',
        firstSeenAgo: 20 * DAY_MS,
        lastSeenAgo: 6 * DAY_MS,
        count: 51,
        userCount: 20,
      },
      {
        template: 4,
        variant: 1800,
        status: 'ignored',
        substatus: 'archived_forever',
        firstSeenAgo: 40 * DAY_MS,
        lastSeenAgo: 2 * HOUR_MS,
        count: 770,
        userCount: 0,
      },
    ],
  },
];

/** Fills an empty store with the demo organizations, projects, releases and issues. */
export function seedDemoSentry(store: SentryStore, now: number): void {
  store.addOrganization({
    id: '1234567',
    slug: 'acme',
    name: 'Acme Inc.',
    region: 'us',
    dateCreated: now - 700 * DAY_MS,
  });
  store.addOrganization({
    id: '2345678',
    slug: 'acme-eu',
    name: 'Acme Europe GmbH',
    region: 'de',
    dateCreated: now - 400 * DAY_MS,
  });
  for (const demo of DEMO_PROJECTS) {
    const releases = Array.from({ length: 10 }, (_, k) => ({
      version: demo.releasePrefix(k),
      dateCreated: now - (1 + (9 - k) * 4) * DAY_MS,
    }));
    const project = store.addProject({
      id: demo.id,
      organizationSlug: demo.org,
      slug: demo.slug,
      name: demo.name,
      platform: demo.platform,
      team: demo.team,
      dateCreated: now - 500 * DAY_MS,
      environments: ['production', 'staging'],
      releases,
    });
    project.nextShortIdNumber = demo.firstShortIdNumber;
    for (const { firstSeenAgo, lastSeenAgo, ...input } of demo.issues) {
      store.addIssue(project, { ...input, firstSeen: now - firstSeenAgo, lastSeen: now - lastSeenAgo });
    }
  }
}
