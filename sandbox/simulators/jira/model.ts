// Jira's vocabulary inside the simulator: status categories, statuses, workflows with
// transitions, projects, users with their permissions, and issues.

export interface StatusCategory {
  id: number;
  key: 'undefined' | 'new' | 'indeterminate' | 'done';
  name: string;
  colorName: string;
  /** The value api/3/statuses/search reports. */
  searchName: 'TODO' | 'IN_PROGRESS' | 'DONE' | 'UNDEFINED';
}

export const STATUS_CATEGORIES: StatusCategory[] = [
  { id: 1, key: 'undefined', name: 'No Category', colorName: 'medium-gray', searchName: 'UNDEFINED' },
  { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray', searchName: 'TODO' },
  { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow', searchName: 'IN_PROGRESS' },
  { id: 3, key: 'done', name: 'Done', colorName: 'green', searchName: 'DONE' },
];

export interface Status {
  id: string;
  name: string;
  description: string;
  categoryKey: StatusCategory['key'];
  /** Resolution set when an issue enters this status (done statuses). */
  resolution?: string;
}

export interface Transition {
  id: string;
  name: string;
  /** Status ids the transition starts from; 'any' for a global transition. */
  from: string[] | 'any';
  to: string;
}

export interface Workflow {
  name: string;
  statuses: string[];
  /** The status new issues start in. */
  initial: string;
  transitions: Transition[];
}

export interface IssueType {
  id: string;
  name: string;
  description: string;
  iconPath: string;
  avatarId: number;
}

export interface Project {
  id: string;
  key: string;
  name: string;
  workflow: string;
  issueTypes: string[];
  leadAccountId: string;
  nextIssueNumber: number;
}

export type ProjectRole = 'administrator' | 'developer' | 'viewer';

export interface User {
  accountId: string;
  displayName: string;
  emailAddress: string;
  timeZone: string;
  /** Global permissions such as ADMINISTER. */
  globalPermissions: string[];
  /** Project key -> role. */
  roles: Record<string, ProjectRole>;
}

export interface Resolution {
  id: string;
  name: string;
  description: string;
}

export const RESOLUTIONS: Resolution[] = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: "This issue won't be actioned." },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
  { id: '10003', name: 'Cancelled', description: 'The work was cancelled before it was completed.' },
];

export const PRIORITIES = [
  { id: '1', name: 'Highest', icon: 'highest' },
  { id: '2', name: 'High', icon: 'high' },
  { id: '3', name: 'Medium', icon: 'medium' },
  { id: '4', name: 'Low', icon: 'low' },
  { id: '5', name: 'Lowest', icon: 'lowest' },
];

export interface PermissionDefinition {
  key: string;
  id: string;
  name: string;
  description: string;
  type: 'PROJECT' | 'GLOBAL';
}

export const PERMISSIONS: PermissionDefinition[] = [
  {
    key: 'ADMINISTER',
    id: '0',
    name: 'Administer Jira',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
    type: 'GLOBAL',
  },
  {
    key: 'ADMINISTER_PROJECTS',
    id: '23',
    name: 'Administer Projects',
    description: 'Ability to administer a project in Jira.',
    type: 'PROJECT',
  },
  {
    key: 'BROWSE_PROJECTS',
    id: '10',
    name: 'Browse Projects',
    description: 'Ability to browse projects and the issues within them.',
    type: 'PROJECT',
  },
  {
    key: 'CREATE_ISSUES',
    id: '11',
    name: 'Create Issues',
    description: 'Ability to create issues.',
    type: 'PROJECT',
  },
  {
    key: 'EDIT_ISSUES',
    id: '12',
    name: 'Edit Issues',
    description: 'Ability to edit issues.',
    type: 'PROJECT',
  },
  {
    key: 'TRANSITION_ISSUES',
    id: '46',
    name: 'Transition Issues',
    description: 'Ability to transition issues.',
    type: 'PROJECT',
  },
  {
    key: 'ADD_COMMENTS',
    id: '15',
    name: 'Add Comments',
    description: 'Ability to comment on issues.',
    type: 'PROJECT',
  },
  {
    key: 'ASSIGN_ISSUES',
    id: '13',
    name: 'Assign Issues',
    description: 'Ability to assign issues to other people.',
    type: 'PROJECT',
  },
  {
    key: 'ASSIGNABLE_USER',
    id: '17',
    name: 'Assignable User',
    description: 'Users with this permission may be assigned to issues.',
    type: 'PROJECT',
  },
  {
    key: 'RESOLVE_ISSUES',
    id: '14',
    name: 'Resolve Issues',
    description: 'Ability to resolve and reopen issues. This includes the ability to set a fix version.',
    type: 'PROJECT',
  },
  {
    key: 'CLOSE_ISSUES',
    id: '18',
    name: 'Close Issues',
    description:
      'Ability to close issues. Often useful where your developers resolve issues, and a QA department closes them.',
    type: 'PROJECT',
  },
  {
    key: 'DELETE_ISSUES',
    id: '16',
    name: 'Delete Issues',
    description: 'Ability to delete issues.',
    type: 'PROJECT',
  },
  {
    key: 'LINK_ISSUES',
    id: '21',
    name: 'Link Issues',
    description:
      'Ability to link issues together and create linked issues. Only useful if issue linking is turned on.',
    type: 'PROJECT',
  },
];

export const ROLE_PERMISSIONS: Record<ProjectRole, string[]> = {
  administrator: PERMISSIONS.filter((p) => p.type === 'PROJECT').map((p) => p.key),
  developer: [
    'BROWSE_PROJECTS',
    'CREATE_ISSUES',
    'EDIT_ISSUES',
    'TRANSITION_ISSUES',
    'ADD_COMMENTS',
    'ASSIGN_ISSUES',
    'ASSIGNABLE_USER',
    'RESOLVE_ISSUES',
    'CLOSE_ISSUES',
    'LINK_ISSUES',
  ],
  viewer: ['BROWSE_PROJECTS'],
};

/** Atlassian Document Format node, as far as the simulator looks at it. */
export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
}

export interface AdfDoc extends AdfNode {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export interface Comment {
  id: string;
  authorAccountId: string;
  body: AdfDoc;
  created: number;
}

export interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangelogEntry {
  id: string;
  authorAccountId: string;
  created: number;
  items: ChangeItem[];
}

export interface Issue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: AdfDoc | null;
  statusId: string;
  priorityId: string;
  labels: string[];
  reporterAccountId: string;
  creatorAccountId: string;
  assigneeAccountId: string | null;
  resolutionId: string | null;
  resolutionDate: number | null;
  created: number;
  updated: number;
  statusCategoryChanged: number;
  properties: Map<string, string>;
  comments: Comment[];
  changelog: ChangelogEntry[];
}

/** Checks the minimal shape of an Atlassian Document; returns a description of the first problem, or null. */
export function adfProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the document is not an object';
  const doc = value as Record<string, unknown>;
  if (doc.type !== 'doc') return 'the top node must have type "doc"';
  if (doc.version !== 1) return 'the document must have version 1';
  if (!Array.isArray(doc.content)) return 'the document needs a content array';
  const check = (node: unknown, path: string): string | null => {
    if (typeof node !== 'object' || node === null || Array.isArray(node))
      return `${path} is not a node object`;
    const n = node as Record<string, unknown>;
    if (typeof n.type !== 'string' || n.type === '') return `${path} has no type`;
    if (n.type === 'text' && (typeof n.text !== 'string' || n.text === ''))
      return `${path} is a text node without text`;
    if (n.content !== undefined) {
      if (!Array.isArray(n.content)) return `${path}.content is not an array`;
      for (let i = 0; i < n.content.length; i += 1) {
        const problem = check(n.content[i], `${path}.content[${i}]`);
        if (problem) return problem;
      }
    }
    return null;
  };
  for (let i = 0; i < doc.content.length; i += 1) {
    const problem = check(doc.content[i], `content[${i}]`);
    if (problem) return problem;
  }
  return null;
}
