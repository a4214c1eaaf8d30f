import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import type { EntityDefinition } from './kvs/kvs-emulator';

/** The parts of manifest.yml the local runtime needs; everything else is ignored. */
const functionSchema = z.object({
  key: z.string(),
  handler: z.string(),
  timeoutSeconds: z.number().optional(),
});
/** `resolver` is read only to refuse it: see AppManifest.consumerFrom. */
const consumerSchema = z.object({
  key: z.string(),
  queue: z.string(),
  resolver: z.unknown().optional(),
  function: z.string().optional(),
});
const webtriggerSchema = z.object({
  key: z.string(),
  function: z.string(),
  response: z.object({ type: z.string() }).optional(),
});
const moduleWithFunctionSchema = z.object({
  key: z.string(),
  function: z.string().optional(),
  resolver: z.object({ function: z.string().optional() }).optional(),
});
/** A product event trigger (developer.atlassian.com/platform/forge/manifest-reference/modules/trigger). */
const productTriggerSchema = z.object({
  key: z.string(),
  function: z.string(),
  events: z.array(z.string()),
  filter: z.object({ ignoreSelf: z.boolean().optional() }).loose().optional(),
});
const egressEntrySchema = z.union([
  z.string(),
  z.object({ address: z.string() }),
  z.object({ remote: z.string() }),
]);
const entitySchema = z.object({
  name: z.string(),
  attributes: z.record(z.string(), z.object({ type: z.string() })),
  indexes: z
    .array(
      z.union([
        z.string(),
        z.object({
          name: z.string(),
          range: z.array(z.string()).optional(),
          partition: z.array(z.string()).optional(),
        }),
      ]),
    )
    .optional(),
});

const manifestSchema = z.object({
  modules: z
    .object({
      function: z.array(functionSchema).default([]),
      consumer: z.array(consumerSchema).default([]),
      webtrigger: z.array(webtriggerSchema).default([]),
    })
    .catchall(z.unknown()),
  app: z.object({
    id: z.string(),
    storage: z.object({ entities: z.array(entitySchema).default([]) }).optional(),
  }),
  permissions: z
    .object({
      scopes: z.array(z.string()).default([]),
      external: z
        .object({ fetch: z.object({ backend: z.array(egressEntrySchema).default([]) }).optional() })
        .optional(),
    })
    .optional(),
});

export type ManifestFunction = z.infer<typeof functionSchema>;
export interface ManifestConsumer {
  key: string;
  queue: string;
  /** The function invoked with an AsyncEvent (@forge/events 2.x and later). */
  function: string;
}
export type ManifestWebtrigger = z.infer<typeof webtriggerSchema>;
export type ManifestProductTrigger = z.infer<typeof productTriggerSchema>;

/**
 * Forge's time budgets (developer.atlassian.com/platform/forge/limits-invocation): 25 s for UI resolvers
 * and product-event triggers (the general "Runtime seconds" row), 55 s for web triggers, and 55 s by
 * default for consumers and scheduled triggers, which alone may declare timeoutSeconds (up to 900).
 */
const SHORT_TIMEOUT_SECONDS = 25;
const DEFAULT_TIMEOUT_SECONDS = 55;

export class AppManifest {
  readonly appId: string;
  readonly functions: ManifestFunction[];
  readonly consumers: ManifestConsumer[];
  readonly webtriggers: ManifestWebtrigger[];
  /** `trigger` modules with a function and events (product and lifecycle events). */
  readonly productTriggers: ManifestProductTrigger[] = [];
  readonly backendEgress: string[];
  readonly scopes: string[];
  readonly entities: EntityDefinition[];
  private readonly uiResolverFunctions = new Set<string>();
  /** Functions of `trigger` modules (product events such as avi:jira:updated:issue, app lifecycle events). */
  private readonly productEventFunctions = new Set<string>();

  constructor(raw: unknown, source: string) {
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${source} is not a Forge manifest the local runtime can read: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
      );
    }
    const manifest = parsed.data;
    this.appId = manifest.app.id.replace(/^ari:cloud:ecosystem::app\//, '');
    this.functions = manifest.modules.function;
    this.consumers = manifest.modules.consumer.map((consumer) => this.consumerFrom(consumer, source));
    this.webtriggers = manifest.modules.webtrigger;
    this.scopes = manifest.permissions?.scopes ?? [];
    this.entities = manifest.app.storage?.entities ?? [];
    this.backendEgress = (manifest.permissions?.external?.fetch?.backend ?? []).map((entry) =>
      typeof entry === 'string' ? entry : 'address' in entry ? entry.address : entry.remote,
    );
    for (const [kind, modules] of Object.entries(manifest.modules)) {
      if (kind === 'function' || kind === 'consumer' || kind === 'webtrigger' || !Array.isArray(modules))
        continue;
      for (const module of modules) {
        const parsedModule = moduleWithFunctionSchema.safeParse(module);
        const resolverFunction = parsedModule.success ? parsedModule.data.resolver?.function : undefined;
        if (resolverFunction) this.uiResolverFunctions.add(resolverFunction);
        const triggerFunction = parsedModule.success ? parsedModule.data.function : undefined;
        if (kind === 'trigger' && triggerFunction) this.productEventFunctions.add(triggerFunction);
        const productTrigger = kind === 'trigger' ? productTriggerSchema.safeParse(module) : null;
        if (productTrigger?.success) this.productTriggers.push(productTrigger.data);
      }
    }
  }

  /**
   * Since @forge/events 2.0 a consumer names the `function` that receives an AsyncEvent; the 1.x form
   * `resolver: {function, method}` is refused, as are consumers of functions the manifest lacks
   * (developer.atlassian.com/platform/forge/runtime-reference/async-events-api-version-2-upgrade,
   * developer.atlassian.com/platform/forge/manifest-reference/modules/consumer).
   */
  private consumerFrom(consumer: z.infer<typeof consumerSchema>, source: string): ManifestConsumer {
    if (consumer.resolver !== undefined) {
      throw new Error(
        `${source}: consumer "${consumer.key}" uses \`resolver: {function, method}\`, the @forge/events 1.x form. ` +
          'Since @forge/events 2.0 a consumer names a function instead (`function: <function key>`), and that ' +
          "function's handler is called with an AsyncEvent (event.body, event.retryContext on retries): " +
          'replace `resolver:` with `function:` and export a plain handler instead of Resolver().getDefinitions().',
      );
    }
    if (consumer.function === undefined) {
      throw new Error(
        `${source}: consumer "${consumer.key}" names no function; add \`function: <function key>\`.`,
      );
    }
    if (!this.functions.some((fn) => fn.key === consumer.function)) {
      throw new Error(
        `${source}: consumer "${consumer.key}" names function "${consumer.function}", which the manifest does not declare under modules.function.`,
      );
    }
    return { key: consumer.key, queue: consumer.queue, function: consumer.function };
  }

  static fromFile(manifestPath: string): AppManifest {
    if (!fs.existsSync(manifestPath))
      throw new Error(`No manifest at ${manifestPath}: pass manifestPath to the runtime.`);
    return new AppManifest(load(fs.readFileSync(manifestPath, 'utf8')), path.basename(manifestPath));
  }

  functionByKey(functionKey: string): ManifestFunction {
    const fn = this.functions.find((candidate) => candidate.key === functionKey);
    if (!fn) {
      throw new Error(
        `manifest.yml declares no function "${functionKey}"; known: ${this.functions.map((f) => f.key).join(', ')}.`,
      );
    }
    return fn;
  }

  /** `index.runScheduledSync` -> `runScheduledSync`: the export of the app module that serves the function. */
  exportNameOf(functionKey: string): string {
    const { handler } = this.functionByKey(functionKey);
    const dot = handler.lastIndexOf('.');
    return dot < 0 ? handler : handler.slice(dot + 1);
  }

  timeoutSecondsOf(functionKey: string): number {
    const fn = this.functionByKey(functionKey);
    // timeoutSeconds counts only for functions that consumers or scheduled triggers alone reference.
    if (this.uiResolverFunctions.has(functionKey) || this.productEventFunctions.has(functionKey))
      return SHORT_TIMEOUT_SECONDS;
    if (this.webtriggers.some((trigger) => trigger.function === functionKey)) return DEFAULT_TIMEOUT_SECONDS;
    return fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  }

  consumerForQueue(queue: string): ManifestConsumer | undefined {
    return this.consumers.find((consumer) => consumer.queue === queue);
  }

  webtriggerByKey(moduleKey: string): ManifestWebtrigger {
    const trigger = this.webtriggers.find((candidate) => candidate.key === moduleKey);
    if (!trigger) {
      throw new Error(
        `manifest.yml declares no webtrigger "${moduleKey}"; known: ${this.webtriggers.map((w) => w.key).join(', ')}.`,
      );
    }
    return trigger;
  }
}
