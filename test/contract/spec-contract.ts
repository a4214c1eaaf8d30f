// Checks recorded requests against the official API descriptions kept in reference/: OpenAPI
// (Sentry, Jira) and SonarCloud's web-service list. Used by the contract tests of each client.
import * as fs from 'node:fs';
import * as path from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const REFERENCE_DIR = path.join(__dirname, '..', '..', 'reference');

export function readReference<T = unknown>(relativePath: string): T {
  return JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, relativePath), 'utf8')) as T;
}

/** One request as a client sent it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/api/0/organizations/acme/issues/?project=1". */
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
}

type JsonSchema = Record<string, unknown>;

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema?: JsonSchema; example?: unknown; examples?: Record<string, { value: unknown }> }
      >;
    }
  >;
  security?: Array<Record<string, string[]>>;
}

interface OpenApiSpec {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

export interface MatchedOperation {
  method: string;
  template: string;
  operation: OpenApiOperation;
  operationId: string;
  pathParams: Record<string, string>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // OpenAPI integer formats ajv-formats does not define.
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  return ajv;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Coerces a query-string value to what a parameter schema expects (ints, booleans, arrays). */
function coerceQuery(values: string[], schema: JsonSchema | undefined): unknown {
  const coerceOne = (value: string, item: JsonSchema | undefined): unknown => {
    const type = item?.type;
    if (type === 'integer' || type === 'number')
      return value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
    return value;
  };
  if (schema?.type === 'array')
    return values.map((v) => coerceOne(v, schema.items as JsonSchema | undefined));
  return coerceOne(values[values.length - 1] ?? '', schema);
}

/**
 * Known mistakes in the published descriptions, each checked to be exactly as described before
 * it is relaxed, so an updated spec that fixes them makes the relaxation visible.
 */
export interface SpecErratum {
  method: string;
  template: string;
  /** Why the published schema cannot be taken literally. */
  reason: string;
  /** Relaxes the request body schema. */
  relaxBody(schema: JsonSchema): JsonSchema;
}

export class OpenApiContract {
  private readonly ajv = newAjv();
  private readonly operations: Array<{
    method: string;
    template: string;
    regex: RegExp;
    names: string[];
    operation: OpenApiOperation;
  }> = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    readonly name: string,
    readonly spec: OpenApiSpec,
    private readonly errata: readonly SpecErratum[] = [],
  ) {
    this.ajv.addSchema(spec as unknown as JsonSchema, name);
    for (const [template, item] of Object.entries(spec.paths)) {
      const names: string[] = [];
      const pattern = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const match = /^\{([^}]+)\}$/.exec(part);
          if (match) {
            names.push(match[1] ?? '');
            return '([^/]+)';
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      const pathLevel = (item.parameters as OpenApiParameter[] | undefined) ?? [];
      for (const method of HTTP_METHODS) {
        const operation = item[method] as OpenApiOperation | undefined;
        if (!operation) continue;
        this.operations.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${pattern}$`),
          names,
          operation: { ...operation, parameters: [...pathLevel, ...(operation.parameters ?? [])] },
        });
      }
    }
    // Literal templates win over parameterised ones (…/events/latest/ is an event_id value, but
    // …/issues/ must not be read as …/{issue_id}/).
    this.operations.sort((a, b) => a.names.length - b.names.length);
  }

  match(method: string, pathname: string): MatchedOperation | null {
    for (const candidate of this.operations) {
      if (candidate.method !== method.toUpperCase()) continue;
      const found = candidate.regex.exec(pathname);
      if (!found) continue;
      const pathParams = Object.fromEntries(
        candidate.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
      );
      return {
        method: candidate.method,
        template: candidate.template,
        operation: candidate.operation,
        operationId: candidate.operation.operationId ?? `${candidate.method} ${candidate.template}`,
        pathParams,
      };
    }
    return null;
  }

  private validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      // Local refs (#/components/...) must resolve against the spec document, not this fragment.
      const rebased = JSON.parse(
        JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${this.name}#/`),
      ) as JsonSchema;
      validate = this.ajv.compile(rebased);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private describe(validate: ValidateFunction): string {
    return (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      )
      .join('; ');
  }

  /** Every way the request departs from the spec; empty when it conforms. */
  check(request: RecordedRequest): { operationId: string | null; problems: string[] } {
    const url = new URL(request.target, 'https://contract.invalid');
    const matched = this.match(request.method, url.pathname);
    if (!matched) {
      return {
        operationId: null,
        problems: [`${request.method} ${url.pathname} is not an operation of the ${this.name} spec`],
      };
    }
    const problems: string[] = [];
    const params = matched.operation.parameters ?? [];
    for (const param of params.filter((p) => p.in === 'path')) {
      const value = matched.pathParams[param.name];
      if (value === undefined || value === '') {
        problems.push(`path parameter ${param.name} is empty`);
        continue;
      }
      if (param.schema) {
        const validate = this.validator(`${matched.operationId}:path:${param.name}`, param.schema);
        if (!validate(value))
          problems.push(`path parameter ${param.name}=${value}: ${this.describe(validate)}`);
      }
    }
    const queryParams = params.filter((p) => p.in === 'query');
    const declared = new Set(queryParams.map((p) => p.name));
    for (const name of new Set(url.searchParams.keys())) {
      if (!declared.has(name))
        problems.push(`query parameter "${name}" is not declared by ${matched.operationId}`);
    }
    for (const param of queryParams) {
      const values = url.searchParams.getAll(param.name);
      if (values.length === 0) {
        if (param.required) problems.push(`required query parameter "${param.name}" is missing`);
        continue;
      }
      if (values.length > 1 && param.schema?.type !== 'array') {
        problems.push(`query parameter "${param.name}" is repeated but is not an array`);
      }
      if (param.schema) {
        const validate = this.validator(`${matched.operationId}:query:${param.name}`, param.schema);
        const value = coerceQuery(values, param.schema);
        if (!validate(value))
          problems.push(`query parameter ${param.name}=${values.join(',')}: ${this.describe(validate)}`);
      }
    }
    const bodySpec = matched.operation.requestBody;
    const jsonSchema = bodySpec?.content?.['application/json']?.schema;
    if (request.body === undefined || request.body === '') {
      if (bodySpec?.required) problems.push(`${matched.operationId} requires a JSON body`);
    } else if (!bodySpec) {
      problems.push(`${matched.operationId} takes no body, but one was sent`);
    } else {
      if (!/application\/json/.test(request.headers['content-type'] ?? '')) {
        problems.push('the JSON body was sent without Content-Type: application/json');
      }
      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        problems.push('the body is not JSON');
      }
      if (body !== undefined && jsonSchema) {
        const erratum = this.errata.find(
          (e) => e.method === matched.method && e.template === matched.template,
        );
        const schema = erratum ? erratum.relaxBody(jsonSchema) : jsonSchema;
        const validate = this.validator(`${matched.operationId}:body${erratum ? ':relaxed' : ''}`, schema);
        if (!validate(body)) problems.push(`body: ${this.describe(validate)}`);
      }
    }
    return { operationId: matched.operationId, problems };
  }

  /** The spec's example response for an operation (first example of the first 2xx JSON answer). */
  exampleResponse(method: string, template: string): { status: number; body: unknown } | null {
    const operation = this.spec.paths[template]?.[method.toLowerCase()] as OpenApiOperation | undefined;
    if (!operation) return null;
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!status.startsWith('2')) continue;
      const content = response.content?.['application/json'];
      if (!content) continue;
      if (content.examples) {
        const first = Object.values(content.examples)[0];
        if (first) return { status: Number(status), body: first.value };
      }
      if (content.example !== undefined) {
        // Jira's spec stores examples as JSON text.
        const value =
          typeof content.example === 'string' ? (JSON.parse(content.example) as unknown) : content.example;
        return { status: Number(status), body: value };
      }
    }
    return null;
  }

  /** Validates a response body against the operation's documented response schema. */
  checkResponse(method: string, template: string, status: number, body: unknown): string[] {
    const operation = this.spec.paths[template]?.[method.toLowerCase()] as OpenApiOperation | undefined;
    const schema = operation?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return [`${method} ${template} documents no JSON schema for ${status}`];
    const pointer = `${this.name}#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    const validate = this.ajv.getSchema(pointer);
    if (!validate) return [`cannot compile ${pointer}`];
    return validate(body) ? [] : [this.describe(validate)];
  }

  security(method: string, template: string): string[] {
    const operation = this.spec.paths[template]?.[method.toLowerCase()] as OpenApiOperation | undefined;
    return (operation?.security ?? []).flatMap((entry) => Object.values(entry).flat());
  }
}

// ---------------------------------------------------------------------------------------------------
// SonarCloud web-service list

interface SonarParam {
  key: string;
  required?: boolean;
  possibleValues?: string[];
  maximumValue?: number;
  deprecatedSince?: string;
  description?: string;
}

interface SonarAction {
  key: string;
  post: boolean;
  params?: SonarParam[];
}

interface SonarService {
  path: string;
  actions: SonarAction[];
}

export class SonarWebServiceContract {
  private readonly actions = new Map<string, SonarAction>();

  constructor(services: readonly SonarService[]) {
    for (const service of services) {
      for (const action of service.actions) this.actions.set(`/${service.path}/${action.key}`, action);
    }
  }

  static fromReference(): SonarWebServiceContract {
    const list = readReference<{ webServices: SonarService[] }>('sonarcloud/webservices.trimmed.json');
    const hotspots = readReference<SonarService>('sonarcloud/hotspots-search.supplement.json');
    return new SonarWebServiceContract([...list.webServices, hotspots]);
  }

  check(request: RecordedRequest): { operationId: string | null; problems: string[] } {
    const url = new URL(request.target, 'https://contract.invalid');
    const action = this.actions.get(url.pathname);
    if (!action) return { operationId: null, problems: [`${url.pathname} is not a documented web service`] };
    const operationId = url.pathname.slice(1);
    const problems: string[] = [];
    const expectedMethod = action.post ? 'POST' : 'GET';
    if (request.method !== expectedMethod)
      problems.push(`${operationId} is called with ${expectedMethod}, not ${request.method}`);
    const params = new Map((action.params ?? []).map((p) => [p.key, p]));
    for (const name of new Set(url.searchParams.keys())) {
      const param = params.get(name);
      if (!param) {
        problems.push(`parameter "${name}" is not declared by ${operationId}`);
        continue;
      }
      if (param.deprecatedSince)
        problems.push(`parameter "${name}" is deprecated since ${param.deprecatedSince}`);
      const values = url.searchParams.getAll(name);
      if (values.length > 1) problems.push(`parameter "${name}" is repeated`);
      const value = values[0] ?? '';
      if (param.possibleValues) {
        const items = /comma-separated/i.test(param.description ?? '') ? value.split(',') : [value];
        for (const item of items) {
          if (!param.possibleValues.includes(item)) {
            problems.push(`parameter ${name}=${item} is not one of ${param.possibleValues.join(', ')}`);
          }
        }
      }
      if (param.maximumValue !== undefined && Number(value) > param.maximumValue) {
        problems.push(`parameter ${name}=${value} exceeds the maximum ${param.maximumValue}`);
      }
    }
    for (const param of params.values()) {
      if (param.required && !url.searchParams.has(param.key))
        problems.push(`required parameter "${param.key}" is missing`);
    }
    if (request.body)
      problems.push(`${operationId} takes its parameters in the query string; a body was sent`);
    return { operationId, problems };
  }
}

// ---------------------------------------------------------------------------------------------------

export function lowerCaseHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
  } else {
    for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  }
  return out;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined || status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
