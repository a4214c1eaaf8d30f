// Issues and security hotspots of a branch, derived from the analysis counts: the n-th issue
// of a (type, severity, new code) segment always looks the same, so paging is index arithmetic.

import { hexId, mix } from '../shared/random';
import {
  currentAnalysis,
  DAY_MS,
  ISSUE_TYPES,
  type IssueType,
  type Severity,
  SEVERITIES,
  severityCounts,
  type SonarBranch,
  type SonarProject,
} from './store';

export interface IssueSegment {
  type: IssueType;
  severity: Severity;
  isNew: boolean;
  count: number;
}

export interface IssueFilter {
  types: IssueType[] | null;
  severities: Severity[] | null;
  newCodeOnly: boolean;
}

export function issueSegments(branch: SonarBranch, filter: IssueFilter): IssueSegment[] {
  const facts = currentAnalysis(branch).facts;
  const totals: Record<IssueType, [number, number]> = {
    BUG: [facts.bugs, facts.newBugs],
    VULNERABILITY: [facts.vulnerabilities, facts.newVulnerabilities],
    CODE_SMELL: [facts.codeSmells, facts.newCodeSmells],
  };
  const out: IssueSegment[] = [];
  for (const type of ISSUE_TYPES) {
    if (filter.types && !filter.types.includes(type)) continue;
    const [all, fresh] = totals[type];
    const allBySeverity = severityCounts(type, all);
    const newBySeverity = severityCounts(type, Math.min(fresh, all));
    for (const severity of SEVERITIES) {
      if (filter.severities && !filter.severities.includes(severity)) continue;
      const newCount = Math.min(newBySeverity[severity], allBySeverity[severity]);
      out.push({ type, severity, isNew: true, count: newCount });
      if (!filter.newCodeOnly)
        out.push({ type, severity, isNew: false, count: allBySeverity[severity] - newCount });
    }
  }
  return out.filter((s) => s.count > 0);
}

/** The issues at positions [from, to) of the concatenated segments. */
export function sliceSegments(
  segments: IssueSegment[],
  from: number,
  to: number,
): Array<{ segment: IssueSegment; index: number }> {
  const out: Array<{ segment: IssueSegment; index: number }> = [];
  let offset = 0;
  for (const segment of segments) {
    const segStart = offset;
    const segEnd = offset + segment.count;
    offset = segEnd;
    if (segEnd <= from) continue;
    if (segStart >= to) break;
    for (let i = Math.max(from, segStart); i < Math.min(to, segEnd); i += 1)
      out.push({ segment, index: i - segStart });
  }
  return out;
}

const RULES: Record<SonarProject['language'], Record<IssueType, Array<[string, string]>>> = {
  py: {
    BUG: [
      ['python:S930', "Remove 1 unexpected arguments; 'send_invoice' expects 2 positional arguments."],
      ['python:S5644', 'Fix this code; "__getitem__" is not defined on "None".'],
    ],
    VULNERABILITY: [
      [
        'pythonsecurity:S3649',
        'Change this code to not construct SQL queries directly from user-controlled data.',
      ],
      ['pythonsecurity:S5146', 'Change this code to not perform redirects based on user-controlled data.'],
    ],
    CODE_SMELL: [
      ['python:S1192', 'Define a constant instead of duplicating this literal "customer_id" 4 times.'],
      [
        'python:S3776',
        'Refactor this function to reduce its Cognitive Complexity from 23 to the 15 allowed.',
      ],
      ['python:S1172', 'Remove the unused function parameter "request".'],
    ],
  },
  ts: {
    BUG: [
      ['typescript:S2871', 'Provide a compare function to avoid sorting elements alphabetically.'],
      ['typescript:S3403', 'Remove this "===" check; it will always be false. Did you mean to use "=="?'],
    ],
    VULNERABILITY: [
      ['jssecurity:S5131', 'Change this code to not reflect user-controlled data.'],
      ['typescript:S5247', 'Make sure disabling auto-escaping feature is safe here.'],
    ],
    CODE_SMELL: [
      ['typescript:S1854', 'Remove this useless assignment to variable "total".'],
      [
        'typescript:S3776',
        'Refactor this function to reduce its Cognitive Complexity from 19 to the 15 allowed.',
      ],
      ['typescript:S6759', 'Mark the props of the component as read-only.'],
    ],
  },
  go: {
    BUG: [['go:S1862', 'This condition is the same as the one on line 42.']],
    VULNERABILITY: [
      [
        'gosecurity:S3649',
        'Change this code to not construct SQL queries directly from user-controlled data.',
      ],
    ],
    CODE_SMELL: [
      ['go:S1192', 'Define a constant instead of duplicating this literal "merchant_id" 3 times.'],
      ['go:S3776', 'Refactor this method to reduce its Cognitive Complexity from 21 to the 15 allowed.'],
    ],
  },
  java: {
    BUG: [
      ['java:S2259', 'A "NullPointerException" could be thrown; "customer" is nullable here.'],
      ['java:S2095', 'Use try-with-resources or close this "Connection" in a "finally" clause.'],
    ],
    VULNERABILITY: [
      [
        'javasecurity:S3649',
        'Change this code to not construct SQL queries directly from user-controlled data.',
      ],
      ['java:S5547', 'Use a strong cipher algorithm.'],
    ],
    CODE_SMELL: [
      ['java:S1192', 'Define a constant instead of duplicating this literal "ORDER_ID" 7 times.'],
      ['java:S1135', 'Complete the task associated to this TODO comment.'],
      ['java:S3776', 'Refactor this method to reduce its Cognitive Complexity from 41 to the 15 allowed.'],
    ],
  },
};

const FILES: Record<SonarProject['language'], string[]> = {
  py: [
    'billing/tasks.py',
    'api/views/orders.py',
    'accounts/services/signup.py',
    'catalog/cache.py',
    'reports/exporters/csv.py',
  ],
  ts: [
    'src/components/orders/OrderList.tsx',
    'src/api/client.ts',
    'src/checkout/Cart.tsx',
    'src/hooks/useFlag.ts',
    'src/layout/Dashboard.tsx',
  ],
  go: [
    'internal/ledger/ledger.go',
    'internal/stripe/client.go',
    'internal/store/payments.go',
    'internal/api/middleware.go',
  ],
  java: [
    'src/main/java/com/acme/legacy/OrderService.java',
    'src/main/java/com/acme/legacy/CustomerDao.java',
    'src/main/java/com/acme/legacy/InvoicePrinter.java',
    'src/main/java/com/acme/legacy/web/LegacyServlet.java',
    'src/main/java/com/acme/legacy/jobs/ReportJob.java',
  ],
};

const AUTHORS = [
  'dana.kim@acme.example',
  'marco.rossi@acme.example',
  'li.wei@acme.example',
  'sam.okafor@acme.example',
];

const IMPACT: Record<IssueType, string> = {
  BUG: 'RELIABILITY',
  VULNERABILITY: 'SECURITY',
  CODE_SMELL: 'MAINTAINABILITY',
};
const IMPACT_SEVERITY: Record<Severity, string> = {
  BLOCKER: 'HIGH',
  CRITICAL: 'HIGH',
  MAJOR: 'MEDIUM',
  MINOR: 'LOW',
  INFO: 'LOW',
};

/** SonarCloud's date-time format: 2024-05-01T10:15:00+0000. */
export function sonarDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export function fileComponent(project: SonarProject, path: string): Record<string, unknown> {
  return {
    key: `${project.key}:${path}`,
    enabled: true,
    qualifier: 'FIL',
    name: path.split('/').pop() ?? path,
    longName: path,
    path,
  };
}

export function projectComponent(project: SonarProject): Record<string, unknown> {
  return { key: project.key, enabled: true, qualifier: 'TRK', name: project.name, longName: project.name };
}

export function serializeIssue(
  project: SonarProject,
  branch: SonarBranch,
  segment: IssueSegment,
  index: number,
): { issue: Record<string, unknown>; file: string } {
  const typeIdx = ISSUE_TYPES.indexOf(segment.type);
  const sevIdx = SEVERITIES.indexOf(segment.severity);
  const seed = mix(branch.seed, typeIdx, sevIdx, segment.isNew ? 1 : 0, index);
  const rules = RULES[project.language][segment.type];
  const [rule, message] = rules[seed % rules.length] ?? ['common:S0000', 'Issue'];
  const files = FILES[project.language];
  const file = files[(seed >>> 3) % files.length] ?? 'README.md';
  const line = 1 + ((seed >>> 7) % 480);
  const analysis = currentAnalysis(branch);
  const created = segment.isNew
    ? analysis.date - ((seed >>> 11) % 14) * DAY_MS - ((seed >>> 4) % 86_400) * 1000
    : analysis.date - (15 + ((seed >>> 11) % 700)) * DAY_MS;
  const effortMinutes =
    segment.type === 'CODE_SMELL' ? 5 * (1 + ((seed >>> 5) % 6)) : 10 + 5 * ((seed >>> 5) % 4);
  return {
    file,
    issue: {
      key: `AZ${hexId(18, seed)}`,
      rule,
      severity: segment.severity,
      component: `${project.key}:${file}`,
      project: project.key,
      line,
      hash: hexId(32, seed, 0x4a),
      textRange: { startLine: line, endLine: line, startOffset: 4, endOffset: 4 + ((seed >>> 9) % 40) },
      flows: [],
      status: 'OPEN',
      message,
      effort: `${effortMinutes}min`,
      author: AUTHORS[(seed >>> 13) % AUTHORS.length] ?? '',
      tags:
        segment.type === 'VULNERABILITY' ? ['cwe', 'owasp-a3'] : segment.type === 'BUG' ? [] : ['convention'],
      creationDate: sonarDate(created),
      updateDate: sonarDate(Math.max(created, analysis.date - DAY_MS)),
      type: segment.type,
      cleanCodeAttribute: segment.type === 'CODE_SMELL' ? 'CONVENTIONAL' : 'LOGICAL',
      cleanCodeAttributeCategory: segment.type === 'CODE_SMELL' ? 'CONSISTENT' : 'INTENTIONAL',
      impacts: [{ softwareQuality: IMPACT[segment.type], severity: IMPACT_SEVERITY[segment.severity] }],
      messageFormattings: [],
      quickFixAvailable: false,
    },
  };
}

const HOTSPOTS: Array<[string, 'HIGH' | 'MEDIUM' | 'LOW', string]> = [
  ['weak-cryptography', 'MEDIUM', 'Make sure that hashing data is safe here.'],
  ['insecure-conf', 'LOW', 'Make sure this permissive CORS policy is safe here.'],
  ['weak-cryptography', 'MEDIUM', 'Make sure that using this pseudorandom number generator is safe here.'],
  [
    'dos',
    'MEDIUM',
    'Make sure the regex used here, which is vulnerable to polynomial runtime due to backtracking, cannot lead to denial of service.',
  ],
  [
    'insecure-conf',
    'LOW',
    'Make sure this debug feature is deactivated before delivering the code in production.',
  ],
  ['auth', 'HIGH', '"password" detected here, make sure this is not a hard-coded credential.'],
  ['sql-injection', 'HIGH', 'Make sure using a dynamically formatted SQL query is safe here.'],
];

export function serializeHotspot(
  project: SonarProject,
  branch: SonarBranch,
  reviewed: boolean,
  index: number,
): { hotspot: Record<string, unknown>; file: string } {
  const seed = mix(branch.seed, 0x407, reviewed ? 1 : 0, index);
  const [category, probability, message] = HOTSPOTS[seed % HOTSPOTS.length] ?? [
    'others',
    'LOW',
    'Review this code.',
  ];
  const files = FILES[project.language];
  const file = files[(seed >>> 3) % files.length] ?? 'README.md';
  const analysis = currentAnalysis(branch);
  const created = analysis.date - ((seed >>> 11) % 200) * DAY_MS;
  return {
    file,
    hotspot: {
      key: `AZ${hexId(18, seed, 0x9)}`,
      component: `${project.key}:${file}`,
      project: project.key,
      securityCategory: category,
      vulnerabilityProbability: probability,
      status: reviewed ? 'REVIEWED' : 'TO_REVIEW',
      ...(reviewed ? { resolution: 'SAFE' } : {}),
      line: 1 + ((seed >>> 7) % 300),
      message,
      author: AUTHORS[(seed >>> 13) % AUTHORS.length] ?? '',
      creationDate: sonarDate(created),
      updateDate: sonarDate(reviewed ? created + DAY_MS : created),
    },
  };
}
