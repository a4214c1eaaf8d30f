// No import cycle among the services (DESIGN.md, Layout): a cycle means a use case cannot be understood,
// tested or moved without the others in its loop (it was record-snapshot -> on-change -> rules ->
// create-issue -> record-snapshot). Walks the static imports of every file under src/services with the
// TypeScript API and fails naming each cycle it finds.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SERVICES = path.join(__dirname, '..', '..', 'src', 'services');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The service files `file` imports (type-only imports included: they tie the modules together too). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, false);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.resolve(path.dirname(file), name))
    .flatMap((base) => [`${base}.ts`, path.join(base, 'index.ts')])
    .filter((candidate) => known.has(candidate));
}

/** Every elementary cycle's smallest rotation, found by depth-first search (Tarjan's colours). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0] ?? next);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join(' -> '), rotated);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

describe('src/services import graph', () => {
  it('has no import cycle', () => {
    const files = sourceFiles(SERVICES);
    const known = new Set(files);
    const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
    const cycles = findCycles(graph).map((cycle) =>
      [...cycle, cycle[0]].map((file) => path.relative(SERVICES, file ?? '')).join(' -> '),
    );
    expect(cycles).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['record', ['react']],
      ['react', ['rules']],
      ['rules', ['record']],
      ['other', ['record']],
    ]);
    expect(findCycles(graph)).toEqual([['react', 'rules', 'record']]);
  });
});
