// Checks answers against the reference API descriptions copied into the repo (reference/):
// OpenAPI response schemas for Sentry and Jira (Ajv, $refs resolved inside the document), and
// SonarSource's response examples for SonarCloud, which publishes no schema.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const REFERENCE_DIR = path.join(__dirname, '..', '..', '..', 'reference');

export function loadReference<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(REFERENCE_DIR, relativePath), 'utf8')) as T;
}

type OpenApiSpec = 'sentry/openapi.trimmed.json' | 'jira/openapi.trimmed.json';

interface SpecEntry {
  ajv: Ajv;
  doc: {
    paths: Record<
      string,
      Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
    >;
  };
  cache: Map<string, ValidateFunction>;
}

const specs = new Map<OpenApiSpec, SpecEntry>();

function specEntry(file: OpenApiSpec): SpecEntry {
  const existing = specs.get(file);
  if (existing) return existing;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const doc = loadReference<SpecEntry['doc']>(file);
  ajv.addSchema(doc as object, file);
  const entry: SpecEntry = { ajv, doc, cache: new Map() };
  specs.set(file, entry);
  return entry;
}

/** Points local `#/...` references at the spec document registered under `file`. */
function anchorRefs(schema: unknown, file: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => anchorRefs(s, file));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${file}${value}`
        : anchorRefs(value, file);
  }
  return out;
}

/**
 * Validates a body against the response schema of `method pathTemplate` for `status` in the spec.
 * Returns readable error lines; an empty list means the body conforms.
 */
export function validateResponse(
  file: OpenApiSpec,
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): string[] {
  const entry = specEntry(file);
  const key = `${method.toLowerCase()} ${pathTemplate} ${status}`;
  let validate = entry.cache.get(key);
  if (!validate) {
    const operation = entry.doc.paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${file} has no operation ${method.toUpperCase()} ${pathTemplate}`);
    const schema = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
    if (schema === undefined)
      throw new Error(
        `${file}: ${method.toUpperCase()} ${pathTemplate} documents no JSON body for ${status}`,
      );
    validate = entry.ajv.compile(anchorRefs(schema, file) as object);
    entry.cache.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** Validates a body against a named component schema (e.g. Jira's IssueBean). */
export function validateComponent(file: OpenApiSpec, schemaName: string, body: unknown): string[] {
  const entry = specEntry(file);
  const key = `component ${schemaName}`;
  let validate = entry.cache.get(key);
  if (!validate) {
    validate = entry.ajv.compile({ $ref: `${file}#/components/schemas/${schemaName}` });
    entry.cache.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** All elements of an example array merged into one prototype (union of their keys). */
function prototypeOf(items: unknown[]): unknown {
  const objects = items.filter((i): i is Record<string, unknown> => jsonType(i) === 'object');
  if (objects.length === 0) return items[0];
  const merged: Record<string, unknown> = {};
  for (const o of objects) for (const [k, v] of Object.entries(o)) if (!(k in merged)) merged[k] = v;
  return merged;
}

export interface ExampleConformanceOptions {
  /** Dotted paths (array indexes written as []) that may hold keys the example lacks, e.g. `issues[].branch`. */
  allowExtra?: string[];
  /** Keys that must be present, as dotted paths, e.g. `paging.total`, `issues[].key`. */
  required?: string[];
}

/**
 * Checks an answer against a response example: every key it sends exists in the example with the
 * same JSON type (recursively; arrays against the union of the example's elements), and the
 * `required` paths are present. Returns readable problems; empty means it conforms.
 */
export function conformsToExample(
  actual: unknown,
  example: unknown,
  options: ExampleConformanceOptions = {},
): string[] {
  const problems: string[] = [];
  const allowExtra = new Set(options.allowExtra ?? []);
  const walk = (a: unknown, e: unknown, at: string): void => {
    const ta = jsonType(a);
    const te = jsonType(e);
    if (te === 'null' || ta === 'null') return;
    if (ta !== te) {
      problems.push(`${at || '(root)'}: ${ta} where the example has ${te}`);
      return;
    }
    if (ta === 'array') {
      const proto = prototypeOf(e as unknown[]);
      if (proto === undefined) return;
      for (const item of a as unknown[]) walk(item, proto, `${at}[]`);
      return;
    }
    if (ta === 'object') {
      const eo = e as Record<string, unknown>;
      // An empty object in the example (e.g. `properties: {}`) is a free-form map.
      if (Object.keys(eo).length === 0) return;
      for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
        const p = at ? `${at}.${k}` : k;
        if (!(k in eo)) {
          if (!allowExtra.has(p)) problems.push(`${p}: not in the example`);
          continue;
        }
        walk(v, eo[k], p);
      }
    }
  };
  walk(actual, example, '');
  for (const required of options.required ?? []) {
    for (const missing of missingPaths(actual, required.split('.'), ''))
      problems.push(`${missing}: required but missing`);
  }
  return problems;
}

function missingPaths(value: unknown, parts: string[], at: string): string[] {
  if (parts.length === 0) return value === undefined ? [at] : [];
  const [head, ...rest] = parts as [string, ...string[]];
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  const next =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  const p = at ? `${at}.${key}` : key;
  if (next === undefined) return [p];
  if (isArray) {
    if (!Array.isArray(next)) return [`${p} (not an array)`];
    return next.flatMap((item, i) => missingPaths(item, rest, `${p}[${i}]`));
  }
  return missingPaths(next, rest, p);
}

/** Parses a Sentry Link header into its previous / next parts. */
export function parseSentryLink(
  header: string | null,
): Record<'previous' | 'next', { url: string; results: boolean; cursor: string }> {
  if (!header) throw new Error('No Link header');
  const out: Partial<Record<'previous' | 'next', { url: string; results: boolean; cursor: string }>> = {};
  const pattern = /<([^>]*)>; rel="(previous|next)"; results="(true|false)"; cursor="([^"]*)"/g;
  for (const m of header.matchAll(pattern)) {
    out[m[2] as 'previous' | 'next'] = { url: m[1] ?? '', results: m[3] === 'true', cursor: m[4] ?? '' };
  }
  if (!out.previous || !out.next) throw new Error(`Link header lacks previous or next: ${header}`);
  return out as Record<'previous' | 'next', { url: string; results: boolean; cursor: string }>;
}
