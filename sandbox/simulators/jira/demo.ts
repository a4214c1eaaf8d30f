// The Jira demo site: projects SHOP and PAY on a software workflow with three done statuses
// (Done, Won't Do, Duplicate) plus In Review and Reopened; OPS on an ops workflow whose done
// statuses are Done and Cancelled. Users range from a Jira admin to a read-only viewer.

import type { AdfDoc, IssueType, Project, Status, User, Workflow } from './model';

export const STATUSES: Status[] = [
  { id: '10000', name: 'To Do', description: 'Work that has not been started.', categoryKey: 'new' },
  {
    id: '3',
    name: 'In Progress',
    description: 'This issue is being actively worked on at the moment by the assignee.',
    categoryKey: 'indeterminate',
  },
  {
    id: '10001',
    name: 'In Review',
    description: 'The change is waiting for a code review.',
    categoryKey: 'indeterminate',
  },
  {
    id: '10002',
    name: 'Done',
    description: 'Work has been completed.',
    categoryKey: 'done',
    resolution: 'Done',
  },
  {
    id: '10003',
    name: "Won't Do",
    description: 'The issue will not be worked on.',
    categoryKey: 'done',
    resolution: "Won't Do",
  },
  {
    id: '10004',
    name: 'Duplicate',
    description: 'The issue duplicates another one.',
    categoryKey: 'done',
    resolution: 'Duplicate',
  },
  {
    id: '10005',
    name: 'Cancelled',
    description: 'The work was cancelled.',
    categoryKey: 'done',
    resolution: 'Cancelled',
  },
  {
    id: '4',
    name: 'Reopened',
    description: 'This issue was once resolved, but the resolution was deemed incorrect.',
    categoryKey: 'new',
  },
];

export const WORKFLOWS: Workflow[] = [
  {
    name: 'Software workflow',
    statuses: ['10000', '3', '10001', '10002', '10003', '10004', '4'],
    initial: '10000',
    transitions: [
      { id: '11', name: 'Start progress', from: ['10000', '4'], to: '3' },
      { id: '21', name: 'Submit for review', from: ['3'], to: '10001' },
      { id: '31', name: 'Done', from: ['3', '10001'], to: '10002' },
      { id: '41', name: "Won't do", from: 'any', to: '10003' },
      { id: '51', name: 'Mark as duplicate', from: ['10000', '3', '10001', '4'], to: '10004' },
      { id: '61', name: 'Reopen', from: ['10002', '10003', '10004'], to: '4' },
      { id: '71', name: 'Stop progress', from: ['3', '10001'], to: '10000' },
    ],
  },
  {
    name: 'Ops workflow',
    statuses: ['10000', '3', '10002', '10005', '4'],
    initial: '10000',
    transitions: [
      { id: '11', name: 'Start progress', from: ['10000', '4'], to: '3' },
      { id: '31', name: 'Resolve', from: ['3'], to: '10002' },
      { id: '81', name: 'Cancel', from: ['10000', '3', '4'], to: '10005' },
      { id: '61', name: 'Reopen', from: ['10002', '10005'], to: '4' },
    ],
  },
];

export const ISSUE_TYPES: IssueType[] = [
  {
    id: '10001',
    name: 'Task',
    description: 'A small, distinct piece of work.',
    iconPath: 'issuetypes/task.svg',
    avatarId: 10318,
  },
  {
    id: '10004',
    name: 'Bug',
    description: 'A problem or error.',
    iconPath: 'issuetypes/bug.svg',
    avatarId: 10303,
  },
];

/** Account id of the Forge app itself (what provider 'app' acts as). */
export const APP_ACCOUNT_ID = '630f1c2be8a4b95d7c1e3a92';

export const JIRA_DEMO_USERS: Readonly<
  Record<'admin' | 'shopLead' | 'developer' | 'viewer' | 'opsLead', string>
> = {
  admin: '712020:0c6f3b7e-9a1d-4e2b-8f5c-1d2e3f4a5b61',
  shopLead: '712020:1d7a4c8f-0b2e-4f3c-9a6d-2e3f4a5b6c72',
  developer: '712020:2e8b5d9a-1c3f-4a4d-8b7e-3f4a5b6c7d83',
  viewer: '712020:3f9c6eab-2d4a-4b5e-9c8f-4a5b6c7d8e94',
  opsLead: '712020:4a0d7fbc-3e5b-4c6f-8d9a-5b6c7d8e9fa5',
};

export const USERS: User[] = [
  {
    accountId: JIRA_DEMO_USERS.admin,
    displayName: 'Alice Admin',
    emailAddress: 'alice.admin@acme.example',
    timeZone: 'Europe/Berlin',
    globalPermissions: ['ADMINISTER'],
    roles: { SHOP: 'administrator', PAY: 'administrator', OPS: 'administrator' },
  },
  {
    accountId: JIRA_DEMO_USERS.shopLead,
    displayName: 'Priya Patel',
    emailAddress: 'priya.patel@acme.example',
    timeZone: 'Europe/London',
    globalPermissions: [],
    roles: { SHOP: 'administrator', PAY: 'developer' },
  },
  {
    accountId: JIRA_DEMO_USERS.developer,
    displayName: 'Devon Diaz',
    emailAddress: 'devon.diaz@acme.example',
    timeZone: 'America/New_York',
    globalPermissions: [],
    roles: { SHOP: 'developer', PAY: 'developer' },
  },
  {
    accountId: JIRA_DEMO_USERS.viewer,
    displayName: 'Victor Viewer',
    emailAddress: 'victor.viewer@acme.example',
    timeZone: 'Europe/Paris',
    globalPermissions: [],
    roles: { SHOP: 'viewer' },
  },
  {
    accountId: JIRA_DEMO_USERS.opsLead,
    displayName: 'Olga Ops',
    emailAddress: 'olga.ops@acme.example',
    timeZone: 'Europe/Warsaw',
    globalPermissions: [],
    roles: { OPS: 'administrator' },
  },
];

export const PROJECTS: Array<Omit<Project, 'nextIssueNumber'>> = [
  {
    id: '10000',
    key: 'SHOP',
    name: 'Shop',
    workflow: 'Software workflow',
    issueTypes: ['10001', '10004'],
    leadAccountId: JIRA_DEMO_USERS.shopLead,
  },
  {
    id: '10001',
    key: 'PAY',
    name: 'Payments',
    workflow: 'Software workflow',
    issueTypes: ['10001', '10004'],
    leadAccountId: JIRA_DEMO_USERS.admin,
  },
  {
    id: '10002',
    key: 'OPS',
    name: 'Operations',
    workflow: 'Ops workflow',
    issueTypes: ['10001', '10004'],
    leadAccountId: JIRA_DEMO_USERS.opsLead,
  },
];

export function adfParagraph(text: string): AdfDoc {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export interface DemoIssue {
  project: string;
  type: 'Bug' | 'Task';
  summary: string;
  description?: string;
  status: string;
  priority: string;
  labels?: string[];
  reporter: string;
  assignee?: string;
  createdDaysAgo: number;
  /** Value of the app's `productHealthSentry` issue property, as the app writes it. */
  sentry?: {
    linkedCount: number;
    events14d: number;
    users14d: number;
    worstLevel: string;
    status: string;
    lastSeenMinutesAgo: number;
  };
}

export const DEMO_ISSUES: DemoIssue[] = [
  {
    project: 'SHOP',
    type: 'Bug',
    summary: "Order list crashes: Cannot read properties of undefined (reading 'map')",
    description: 'The order list page goes blank for customers whose last order has no items.',
    status: 'In Progress',
    priority: 'High',
    labels: ['sentry', 'frontend'],
    reporter: JIRA_DEMO_USERS.shopLead,
    assignee: JIRA_DEMO_USERS.developer,
    createdDaysAgo: 20,
    sentry: {
      linkedCount: 1,
      events14d: 7421,
      users14d: 2210,
      worstLevel: 'error',
      status: 'unresolved',
      lastSeenMinutesAgo: 8,
    },
  },
  {
    project: 'SHOP',
    type: 'Bug',
    summary: 'App fails to start: Unexpected token < in config.json',
    description: 'A CDN misconfiguration serves the HTML error page instead of config.json.',
    status: 'To Do',
    priority: 'Highest',
    labels: ['sentry'],
    reporter: JIRA_DEMO_USERS.developer,
    createdDaysAgo: 0,
    sentry: {
      linkedCount: 1,
      events14d: 38,
      users14d: 35,
      worstLevel: 'fatal',
      status: 'unresolved',
      lastSeenMinutesAgo: 12,
    },
  },
  {
    project: 'SHOP',
    type: 'Bug',
    summary: 'Checkout shows 502 when the payment provider is slow',
    status: 'In Review',
    priority: 'High',
    labels: ['checkout'],
    reporter: JIRA_DEMO_USERS.shopLead,
    assignee: JIRA_DEMO_USERS.shopLead,
    createdDaysAgo: 12,
    sentry: {
      linkedCount: 2,
      events14d: 129,
      users14d: 77,
      worstLevel: 'error',
      status: 'resolved',
      lastSeenMinutesAgo: 5760,
    },
  },
  {
    project: 'SHOP',
    type: 'Task',
    summary: 'Add retry with backoff to the order export job',
    status: 'Done',
    priority: 'Medium',
    reporter: JIRA_DEMO_USERS.developer,
    assignee: JIRA_DEMO_USERS.developer,
    createdDaysAgo: 30,
  },
  {
    project: 'SHOP',
    type: 'Bug',
    summary: 'ResizeObserver loop warning floods the console on the dashboard',
    status: "Won't Do",
    priority: 'Low',
    labels: ['sentry', 'noise'],
    reporter: JIRA_DEMO_USERS.developer,
    createdDaysAgo: 40,
    sentry: {
      linkedCount: 1,
      events14d: 48210,
      users14d: 9100,
      worstLevel: 'warning',
      status: 'ignored',
      lastSeenMinutesAgo: 15,
    },
  },
  {
    project: 'SHOP',
    type: 'Bug',
    summary: 'Chunk 342 fails to load after deploy',
    status: 'Duplicate',
    priority: 'Medium',
    reporter: JIRA_DEMO_USERS.shopLead,
    createdDaysAgo: 9,
  },
  {
    project: 'SHOP',
    type: 'Task',
    summary: 'Evaluate feature flags without a user context',
    status: 'Reopened',
    priority: 'Low',
    reporter: JIRA_DEMO_USERS.shopLead,
    createdDaysAgo: 25,
  },
  {
    project: 'PAY',
    type: 'Bug',
    summary: 'Nil pointer dereference in ledger posting',
    description: 'runtime error: invalid memory address or nil pointer dereference in (*Ledger).Post',
    status: 'To Do',
    priority: 'Highest',
    labels: ['sentry', 'ledger'],
    reporter: JIRA_DEMO_USERS.admin,
    createdDaysAgo: 2,
    sentry: {
      linkedCount: 1,
      events14d: 64,
      users14d: 5,
      worstLevel: 'fatal',
      status: 'unresolved',
      lastSeenMinutesAgo: 18,
    },
  },
  {
    project: 'PAY',
    type: 'Bug',
    summary: 'Stripe charges time out under load (context deadline exceeded)',
    status: 'In Progress',
    priority: 'High',
    labels: ['sentry'],
    reporter: JIRA_DEMO_USERS.developer,
    assignee: JIRA_DEMO_USERS.developer,
    createdDaysAgo: 6,
    sentry: {
      linkedCount: 1,
      events14d: 1290,
      users14d: 38,
      worstLevel: 'error',
      status: 'unresolved',
      lastSeenMinutesAgo: 90,
    },
  },
  {
    project: 'PAY',
    type: 'Task',
    summary: 'Serialise concurrent captures of the same payment',
    status: 'Done',
    priority: 'Medium',
    reporter: JIRA_DEMO_USERS.admin,
    assignee: JIRA_DEMO_USERS.shopLead,
    createdDaysAgo: 15,
    sentry: {
      linkedCount: 1,
      events14d: 23,
      users14d: 4,
      worstLevel: 'error',
      status: 'resolved',
      lastSeenMinutesAgo: 11520,
    },
  },
  {
    project: 'OPS',
    type: 'Task',
    summary: 'Rotate the primary database credentials',
    status: 'To Do',
    priority: 'High',
    reporter: JIRA_DEMO_USERS.opsLead,
    createdDaysAgo: 3,
  },
  {
    project: 'OPS',
    type: 'Task',
    summary: 'Migrate logging to the new cluster',
    status: 'Cancelled',
    priority: 'Low',
    reporter: JIRA_DEMO_USERS.opsLead,
    createdDaysAgo: 60,
  },
  {
    project: 'OPS',
    type: 'Bug',
    summary: 'Database connection refused on db-primary during failover',
    status: 'Done',
    priority: 'Highest',
    labels: ['sentry', 'incident'],
    reporter: JIRA_DEMO_USERS.opsLead,
    assignee: JIRA_DEMO_USERS.opsLead,
    createdDaysAgo: 4,
    sentry: {
      linkedCount: 1,
      events14d: 1843,
      users14d: 312,
      worstLevel: 'error',
      status: 'unresolved',
      lastSeenMinutesAgo: 4,
    },
  },
];
