// Searchable selects over the remote lists: Jira projects (as the user sees them), and the Sentry and
// SonarCloud projects of a connection. Each search asks the server for one page; the server asks the
// remote API, so long lists are never loaded whole.
import { useCallback, useEffect, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import Select, { AsyncSelect } from '@atlaskit/select';
import type { Connection } from '../../../../../src/domain/model';
import type {
  JiraProjectPageView,
  SentryProjectPageView,
  SonarBranchOption,
  SonarProjectPageView,
  MappingTarget,
} from '../../../../../src/domain/product-views';
import { callResolver } from '../../../shared/bridge';

export interface Option<T> {
  label: string;
  value: T;
  isDisabled?: boolean;
}

/** An option that says the list goes on: the select searches, it does not load everything. */
function moreOption<T>(shown: number, total: number | null, empty: T): Option<T> {
  const rest = total === null ? 'more' : `${(total - shown).toLocaleString('en-US')} more`;
  return { label: `… ${rest}: type to narrow the list`, value: empty, isDisabled: true };
}

/** loadOptions that waits for a pause in typing and drops answers to older searches. */
function useDebouncedLoader<T>(load: (query: string) => Promise<Array<Option<T>>>) {
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  return useCallback((query: string): Promise<Array<Option<T>>> => {
    const ticket = ++latest.current;
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        if (ticket !== latest.current) return resolve([]);
        loadRef.current(query).then(resolve, reject);
      }, 250);
    });
  }, []);
}

function connectionName(connection: Connection): string {
  const organization =
    connection.kind === 'sentry' ? connection.organizationSlug : connection.organizationKey;
  return connection.label && connection.label !== organization
    ? `${connection.label} (${organization})`
    : organization;
}

function ConnectionSelect({
  connections,
  value,
  onChange,
  label,
}: {
  connections: Connection[];
  value: string | null;
  onChange: (connectionId: string) => void;
  label: string;
}) {
  if (connections.length <= 1) return null;
  const options = connections.map((connection) => ({
    label: connectionName(connection),
    value: connection.id,
  }));
  return (
    <Select<Option<string>>
      aria-label={label}
      options={options}
      value={options.find((option) => option.value === value) ?? null}
      onChange={(option) => option && onChange(option.value)}
      menuPosition="fixed"
    />
  );
}

export function JiraProjectPicker({
  onAdd,
  busy,
}: {
  onAdd: (target: MappingTarget) => void;
  busy: boolean;
}) {
  const [picked, setPicked] = useState<Option<string> | null>(null);
  const load = useDebouncedLoader(async (query: string) => {
    const page = await callResolver<JiraProjectPageView>('searchJiraProjects', { query });
    const options = page.items.map((project) => ({
      label: `${project.name} (${project.key})`,
      value: project.id,
    }));
    return page.nextStartAt === null ? options : [...options, moreOption(options.length, page.total, '')];
  });
  return (
    <div className="ph-picker" data-testid="jira-picker">
      <AsyncSelect<Option<string>>
        aria-label="Jira project to add"
        placeholder="Search Jira projects"
        loadOptions={load}
        defaultOptions
        value={picked}
        onChange={setPicked}
        menuPosition="fixed"
        inputId="jira-picker-input"
      />
      <Button
        isDisabled={!picked || busy}
        onClick={() => {
          if (picked) onAdd({ kind: 'jira', jiraProjectId: picked.value });
          setPicked(null);
        }}
      >
        Add Jira project
      </Button>
    </div>
  );
}

export function SentryProjectPicker({
  connections,
  onAdd,
  busy,
}: {
  connections: Connection[];
  onAdd: (target: MappingTarget) => void;
  busy: boolean;
}) {
  const [connectionId, setConnectionId] = useState<string | null>(connections[0]?.id ?? null);
  const [picked, setPicked] = useState<Option<{ id: string; slug: string }> | null>(null);
  useEffect(() => setPicked(null), [connectionId]);
  const load = useDebouncedLoader(async (query: string) => {
    if (!connectionId) return [];
    const page = await callResolver<SentryProjectPageView>('listSentryProjects', { connectionId, query });
    const options = page.items.map((project) => ({
      label: project.platform ? `${project.slug} · ${project.platform}` : project.slug,
      value: { id: project.id, slug: project.slug },
    }));
    return page.nextCursor === null
      ? options
      : [...options, moreOption(options.length, null, { id: '', slug: '' })];
  });
  if (connections.length === 0) return <p className="ph-subtle">Add a Sentry connection first.</p>;
  return (
    <div className="ph-picker" data-testid="sentry-picker">
      <ConnectionSelect
        connections={connections}
        value={connectionId}
        onChange={setConnectionId}
        label="Sentry organization"
      />
      <AsyncSelect<Option<{ id: string; slug: string }>>
        key={connectionId}
        aria-label="Sentry project to add"
        placeholder="Search Sentry projects"
        loadOptions={load}
        defaultOptions
        value={picked}
        onChange={setPicked}
        menuPosition="fixed"
        inputId="sentry-picker-input"
      />
      <Button
        isDisabled={!picked || !connectionId || busy}
        onClick={() => {
          if (picked && connectionId) {
            onAdd({
              kind: 'sentry',
              connectionId,
              projectId: picked.value.id,
              projectSlug: picked.value.slug,
            });
          }
          setPicked(null);
        }}
      >
        Add Sentry project
      </Button>
    </div>
  );
}

export function SonarProjectPicker({
  connections,
  onAdd,
  busy,
}: {
  connections: Connection[];
  onAdd: (target: MappingTarget) => void;
  busy: boolean;
}) {
  const [connectionId, setConnectionId] = useState<string | null>(connections[0]?.id ?? null);
  const [project, setProject] = useState<Option<string> | null>(null);
  const [branches, setBranches] = useState<SonarBranchOption[] | null>(null);
  const [branch, setBranch] = useState<Option<string> | null>(null);
  const [branchError, setBranchError] = useState<string | null>(null);
  useEffect(() => setProject(null), [connectionId]);
  useEffect(() => {
    setBranches(null);
    setBranch(null);
    setBranchError(null);
    if (!project || !connectionId) return;
    let current = true;
    callResolver<SonarBranchOption[]>('listSonarBranches', { connectionId, projectKey: project.value }).then(
      (list) => {
        if (!current) return;
        setBranches(list);
        const main = list.find((item) => item.isMain) ?? list[0];
        if (main) setBranch({ label: main.isMain ? `${main.name} (main)` : main.name, value: main.name });
      },
      (error: unknown) => current && setBranchError(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [project, connectionId]);
  const load = useDebouncedLoader(async (query: string) => {
    if (!connectionId) return [];
    const page = await callResolver<SonarProjectPageView>('listSonarProjects', {
      connectionId,
      query,
      pageSize: 50,
    });
    const options = page.items.map((item) => ({ label: `${item.name} (${item.key})`, value: item.key }));
    return page.nextPage === null ? options : [...options, moreOption(options.length, page.total, '')];
  });
  if (connections.length === 0) return <p className="ph-subtle">Add a SonarCloud connection first.</p>;
  const branchOptions = (branches ?? []).map((item) => ({
    label: item.isMain ? `${item.name} (main)` : item.name,
    value: item.name,
  }));
  return (
    <div className="ph-picker" data-testid="sonar-picker">
      <ConnectionSelect
        connections={connections}
        value={connectionId}
        onChange={setConnectionId}
        label="SonarCloud organization"
      />
      <AsyncSelect<Option<string>>
        key={connectionId}
        aria-label="SonarCloud project to add"
        placeholder="Search SonarCloud projects"
        loadOptions={load}
        defaultOptions
        value={project}
        onChange={setProject}
        menuPosition="fixed"
        inputId="sonar-picker-input"
      />
      <Select<Option<string>>
        aria-label="Branch"
        placeholder={project ? 'Loading branches…' : 'Branch'}
        options={branchOptions}
        value={branch}
        onChange={setBranch}
        isDisabled={!branches}
        menuPosition="fixed"
        inputId="sonar-branch-input"
      />
      {branchError ? <p className="ph-error-text ph-wrap">{branchError}</p> : null}
      <Button
        isDisabled={!project || !branch || !connectionId || busy}
        onClick={() => {
          if (project && branch && connectionId) {
            onAdd({ kind: 'sonarcloud', connectionId, projectKey: project.value, branch: branch.value });
          }
          setProject(null);
        }}
      >
        Add SonarCloud project
      </Button>
    </div>
  );
}
