import type { JiraHandler, JiraRequest } from './types';

/**
 * A deliberately small Jira for runtime tests: permission checks and issue properties. The full
 * simulator lives in sandbox/simulators/jira; plug it in with runtime.setJiraHandler().
 */
const KNOWN_PERMISSIONS: Record<string, { id: string; name: string; type: 'GLOBAL' | 'PROJECT' }> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL' },
  SYSTEM_ADMIN: { id: '44', name: 'Administer Jira system', type: 'GLOBAL' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', type: 'PROJECT' },
  LINK_ISSUES: { id: '21', name: 'Link Issues', type: 'PROJECT' },
};

/** Jira caps an entity property value at 32,768 characters. */
const ISSUE_PROPERTY_MAX_CHARS = 32_768;

export interface MinimalJiraOptions {
  /** Permission keys the app itself holds (provider 'app' / 'none'); default: all known keys. */
  appPermissions?: string[];
  /** Permission keys per user account id (provider 'user'); users not listed hold none. */
  userPermissions?: Record<string, string[]>;
}

export interface MinimalJira {
  handler: JiraHandler;
  grant(accountId: string, ...permissions: string[]): void;
  revoke(accountId: string, ...permissions: string[]): void;
  /** issueIdOrKey -> propertyKey -> value */
  readonly issueProperties: Map<string, Map<string, unknown>>;
  readonly requests: JiraRequest[];
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const errors = (status: number, message: string): Response =>
  json(status, { errorMessages: [message], errors: {} });

export function createMinimalJira(options: MinimalJiraOptions = {}): MinimalJira {
  const appPermissions = new Set(options.appPermissions ?? Object.keys(KNOWN_PERMISSIONS));
  const userPermissions = new Map(
    Object.entries(options.userPermissions ?? {}).map(([id, keys]) => [id, new Set(keys)]),
  );
  const issueProperties = new Map<string, Map<string, unknown>>();
  const requests: JiraRequest[] = [];

  const myPermissions = (req: JiraRequest, url: URL): Response => {
    const keys = (url.searchParams.get('permissions') ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    if (keys.length === 0) return errors(400, 'The permissions query parameter is required.');
    const unknown = keys.find((key) => !KNOWN_PERMISSIONS[key]);
    if (unknown) return errors(400, `Invalid permission key: ${unknown}.`);
    const held =
      req.provider === 'user'
        ? (userPermissions.get(req.accountId ?? '') ?? new Set<string>())
        : appPermissions;
    const permissions: Record<string, unknown> = {};
    for (const key of keys) {
      const known = KNOWN_PERMISSIONS[key];
      if (known) permissions[key] = { ...known, key, description: known.name, havePermission: held.has(key) };
    }
    return json(200, { permissions });
  };

  const issueProperty = (req: JiraRequest, issue: string, propertyKey: string | undefined): Response => {
    const properties = issueProperties.get(issue) ?? new Map<string, unknown>();
    if (propertyKey === undefined) {
      if (req.method !== 'GET') return errors(405, 'Method not allowed.');
      return json(200, {
        keys: [...properties.keys()].map((key) => ({
          key,
          self: `/rest/api/3/issue/${issue}/properties/${key}`,
        })),
      });
    }
    switch (req.method) {
      case 'GET': {
        if (!properties.has(propertyKey)) return errors(404, `The property ${propertyKey} was not found.`);
        return json(200, { key: propertyKey, value: properties.get(propertyKey) });
      }
      case 'PUT': {
        const text = req.body ?? '';
        if (text.length > ISSUE_PROPERTY_MAX_CHARS) {
          return errors(
            400,
            `The property value is ${text.length} characters; Jira allows ${ISSUE_PROPERTY_MAX_CHARS}.`,
          );
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return errors(400, 'The property value must be valid JSON.');
        }
        const existed = properties.has(propertyKey);
        properties.set(propertyKey, value);
        issueProperties.set(issue, properties);
        return new Response(null, { status: existed ? 200 : 201 });
      }
      case 'DELETE': {
        if (!properties.delete(propertyKey)) return errors(404, `The property ${propertyKey} was not found.`);
        return new Response(null, { status: 204 });
      }
      default:
        return errors(405, 'Method not allowed.');
    }
  };

  const handler: JiraHandler = async (req) => {
    requests.push(req);
    const url = new URL(req.path, 'https://local-jira.invalid');
    if (url.pathname === '/rest/api/3/mypermissions' && req.method === 'GET') return myPermissions(req, url);
    if (url.pathname === '/rest/api/3/myself' && req.method === 'GET') {
      if (req.provider !== 'user' || !req.accountId) return errors(401, 'Only a user can ask who they are.');
      return json(200, {
        accountId: req.accountId,
        accountType: 'atlassian',
        active: true,
        displayName: `User ${req.accountId}`,
      });
    }
    const property = /^\/rest\/api\/3\/issue\/([^/]+)\/properties(?:\/([^/]+))?$/.exec(url.pathname);
    if (property?.[1]) {
      return issueProperty(
        req,
        decodeURIComponent(property[1]),
        property[2] === undefined ? undefined : decodeURIComponent(property[2]),
      );
    }
    return errors(
      404,
      `The minimal Jira of the local runtime does not serve ${req.method} ${url.pathname}; plug in sandbox/simulators/jira.`,
    );
  };

  return {
    handler,
    grant(accountId, ...permissions) {
      const set = userPermissions.get(accountId) ?? new Set<string>();
      permissions.forEach((permission) => set.add(permission));
      userPermissions.set(accountId, set);
    },
    revoke(accountId, ...permissions) {
      permissions.forEach((permission) => userPermissions.get(accountId)?.delete(permission));
    },
    issueProperties,
    requests,
  };
}
