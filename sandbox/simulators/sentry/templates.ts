// Believable Sentry issues per platform: titles, culprits and stack frames as Sentry shows them.
// `{n}` in a value or culprit is replaced by a per-issue number so generated issues differ.

export type SentryLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug';

export interface FrameTemplate {
  filename: string;
  function: string;
  module?: string;
  lineNo: number;
  contextLine: string;
  inApp: boolean;
}

export interface IssueTemplate {
  level: SentryLevel;
  /** `error` issues carry an exception; `message` issues come from captureMessage / logging. */
  kind: 'error' | 'message';
  exceptionType?: string;
  value: string;
  culprit: string;
  logger: string | null;
  handled: boolean;
  /** Oldest call first, the frame that raised last (Sentry's order). */
  frames: FrameTemplate[];
}

const pythonFrames = (module: string, fn: string, line: number, code: string): FrameTemplate[] => [
  {
    filename: 'django/core/handlers/base.py',
    module: 'django.core.handlers.base',
    function: '_get_response',
    lineNo: 197,
    contextLine: '                response = wrapped_callback(request, *callback_args, **callback_kwargs)',
    inApp: false,
  },
  {
    filename: `${module.replace(/\./g, '/')}.py`,
    module,
    function: fn,
    lineNo: line,
    contextLine: code,
    inApp: true,
  },
];

const jsFrames = (file: string, fn: string, line: number, code: string): FrameTemplate[] => [
  {
    filename: 'node_modules/react-dom/cjs/react-dom.production.min.js',
    function: 'renderWithHooks',
    lineNo: 1,
    contextLine: '',
    inApp: false,
  },
  { filename: file, function: fn, lineNo: line, contextLine: code, inApp: true },
];

const goFrames = (pkg: string, fn: string, file: string, line: number, code: string): FrameTemplate[] => [
  {
    filename: 'net/http/server.go',
    module: 'net/http',
    function: 'HandlerFunc.ServeHTTP',
    lineNo: 2166,
    contextLine: '\tf(w, r)',
    inApp: false,
  },
  { filename: file, module: pkg, function: fn, lineNo: line, contextLine: code, inApp: true },
];

export const TEMPLATES_BY_PLATFORM: Record<string, IssueTemplate[]> = {
  python: [
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'OperationalError',
      value:
        'could not connect to server: Connection refused\n\tIs the server running on host "db-primary" (10.0.3.{n})?',
      culprit: 'django.db.backends.postgresql.base in get_new_connection',
      logger: null,
      handled: false,
      frames: pythonFrames(
        'django.db.backends.postgresql.base',
        'get_new_connection',
        215,
        '        connection = Database.connect(**conn_params)',
      ),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'KeyError',
      value: "'customer_id'",
      culprit: 'billing.tasks in sync_invoices',
      logger: 'celery.app.trace',
      handled: false,
      frames: pythonFrames('billing.tasks', 'sync_invoices', 88, '    customer = payload["customer_id"]'),
    },
    {
      level: 'fatal',
      kind: 'error',
      exceptionType: 'MemoryError',
      value: '',
      culprit: 'reports.exporters.csv in export_orders',
      logger: null,
      handled: false,
      frames: pythonFrames(
        'reports.exporters.csv',
        'export_orders',
        142,
        '    rows = list(queryset.values_list(*columns))',
      ),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'ValueError',
      value: "invalid literal for int() with base 10: 'undefined'",
      culprit: 'api.views.orders in list_orders',
      logger: null,
      handled: false,
      frames: pythonFrames(
        'api.views.orders',
        'list_orders',
        57,
        '    page = int(request.GET.get("page", 1))',
      ),
    },
    {
      level: 'warning',
      kind: 'message',
      value: 'Slow query on /api/orders/ took {n}ms (threshold 1000ms)',
      culprit: 'api.middleware.timing in __call__',
      logger: 'api.performance',
      handled: true,
      frames: pythonFrames(
        'api.middleware.timing',
        '__call__',
        31,
        '        logger.warning("Slow query on %s took %dms", path, ms)',
      ),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'IntegrityError',
      value: 'duplicate key value violates unique constraint "accounts_user_email_key"',
      culprit: 'accounts.services.signup in create_user',
      logger: null,
      handled: false,
      frames: pythonFrames('accounts.services.signup', 'create_user', 64, '    user.save()'),
    },
    {
      level: 'info',
      kind: 'message',
      value: 'Celery worker restarted after reaching max-memory-per-child ({n} MB)',
      culprit: 'celery.worker.control in shutdown',
      logger: 'celery.worker',
      handled: true,
      frames: [],
    },
    {
      level: 'debug',
      kind: 'message',
      value: 'Cache warm-up finished: {n} keys loaded',
      culprit: 'catalog.cache in warm_up',
      logger: 'catalog.cache',
      handled: true,
      frames: [],
    },
  ],
  'javascript-react': [
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'TypeError',
      value: "Cannot read properties of undefined (reading 'map')",
      culprit: 'OrderList(app/components/orders/OrderList)',
      logger: null,
      handled: false,
      frames: jsFrames(
        'app/components/orders/OrderList.tsx',
        'OrderList',
        42,
        '  return orders.items.map((o) => <OrderRow key={o.id} order={o} />);',
      ),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'ChunkLoadError',
      value: 'Loading chunk {n} failed.\n(error: https://app.acme.dev/static/js/{n}.a1b2c3.chunk.js)',
      culprit: 'requireEnsure(webpack/runtime/jsonp chunk loading)',
      logger: null,
      handled: false,
      frames: jsFrames('webpack/runtime/jsonp chunk loading', 'requireEnsure', 27, ''),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'Error',
      value: 'Request failed with status code 502',
      culprit: 'createError(app/api/client)',
      logger: null,
      handled: true,
      frames: jsFrames(
        'app/api/client.ts',
        'request',
        118,
        '    throw new ApiError(response.status, await response.text());',
      ),
    },
    {
      level: 'warning',
      kind: 'error',
      exceptionType: 'Error',
      value: 'ResizeObserver loop completed with undelivered notifications.',
      culprit: '?(app/layout/Dashboard)',
      logger: null,
      handled: true,
      frames: [],
    },
    {
      level: 'fatal',
      kind: 'error',
      exceptionType: 'SyntaxError',
      value: 'Unexpected token \'<\', "<!DOCTYPE "... is not valid JSON',
      culprit: 'loadConfig(app/bootstrap)',
      logger: null,
      handled: false,
      frames: jsFrames(
        'app/bootstrap.ts',
        'loadConfig',
        19,
        '  const config = await (await fetch("/config.json")).json();',
      ),
    },
    {
      level: 'info',
      kind: 'message',
      value: 'Feature flag "checkout-v2" evaluated without a user context',
      culprit: 'useFlag(app/flags/useFlag)',
      logger: 'flags',
      handled: true,
      frames: [],
    },
    {
      level: 'debug',
      kind: 'message',
      value: 'Service worker updated to build {n}',
      culprit: 'onUpdate(app/serviceWorker)',
      logger: 'sw',
      handled: true,
      frames: [],
    },
  ],
  'react-native': [
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'TypeError',
      value: 'Network request failed',
      culprit: 'fetchWithRetry(src/api/client)',
      logger: null,
      handled: true,
      frames: jsFrames(
        'src/api/client.ts',
        'fetchWithRetry',
        64,
        '      const res = await fetch(url, init);',
      ),
    },
    {
      level: 'fatal',
      kind: 'error',
      exceptionType: 'EXC_BAD_ACCESS',
      value: 'Attempted to dereference garbage pointer 0x{n}.',
      culprit: 'RCTImageLoader loadImageWithURLRequest',
      logger: null,
      handled: false,
      frames: [
        {
          filename: 'RCTImageLoader.mm',
          function: 'loadImageWithURLRequest',
          lineNo: 512,
          contextLine: '',
          inApp: false,
        },
      ],
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'Invariant Violation',
      value: 'Text strings must be rendered within a <Text> component.',
      culprit: 'OrderSummary(src/screens/checkout/OrderSummary)',
      logger: null,
      handled: false,
      frames: jsFrames('src/screens/checkout/OrderSummary.tsx', 'OrderSummary', 88, '        {total} EUR'),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: 'TypeError',
      value: "undefined is not an object (evaluating 'route.params.orderId')",
      culprit: 'OrderDetailScreen(src/screens/orders/OrderDetail)',
      logger: null,
      handled: false,
      frames: jsFrames(
        'src/screens/orders/OrderDetail.tsx',
        'OrderDetailScreen',
        23,
        '  const { orderId } = route.params;',
      ),
    },
    {
      level: 'fatal',
      kind: 'error',
      exceptionType: 'OutOfMemoryError',
      value: 'Failed to allocate a {n} byte allocation with 4194304 free bytes',
      culprit: 'com.facebook.react.bridge.ReadableNativeMap in getLocalMap',
      logger: null,
      handled: false,
      frames: [
        {
          filename: 'ReadableNativeMap.java',
          module: 'com.facebook.react.bridge.ReadableNativeMap',
          function: 'getLocalMap',
          lineNo: 97,
          contextLine: '',
          inApp: false,
        },
      ],
    },
    {
      level: 'warning',
      kind: 'message',
      value: 'Push token registration took {n}ms',
      culprit: 'registerPushToken(src/notifications/register)',
      logger: 'notifications',
      handled: true,
      frames: [],
    },
    {
      level: 'info',
      kind: 'message',
      value: 'App resumed from background after {n}s with stale session',
      culprit: 'onAppStateChange(src/session/lifecycle)',
      logger: 'session',
      handled: true,
      frames: [],
    },
  ],
  go: [
    {
      level: 'fatal',
      kind: 'error',
      exceptionType: '*runtime.Error',
      value: 'runtime error: invalid memory address or nil pointer dereference',
      culprit: 'github.com/acme/payments/internal/ledger in (*Ledger).Post',
      logger: null,
      handled: false,
      frames: goFrames(
        'github.com/acme/payments/internal/ledger',
        '(*Ledger).Post',
        'internal/ledger/ledger.go',
        131,
        '\tbalance := l.accounts[entry.AccountID].Balance',
      ),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: '*url.Error',
      value: 'Post "https://api.stripe.com/v1/charges": context deadline exceeded',
      culprit: 'github.com/acme/payments/internal/stripe in (*Client).CreateCharge',
      logger: null,
      handled: true,
      frames: goFrames(
        'github.com/acme/payments/internal/stripe',
        '(*Client).CreateCharge',
        'internal/stripe/client.go',
        77,
        '\tresp, err := c.http.Do(req)',
      ),
    },
    {
      level: 'error',
      kind: 'error',
      exceptionType: '*pq.Error',
      value: 'pq: could not serialize access due to concurrent update',
      culprit: 'github.com/acme/payments/internal/store in (*Store).CapturePayment',
      logger: null,
      handled: true,
      frames: goFrames(
        'github.com/acme/payments/internal/store',
        '(*Store).CapturePayment',
        'internal/store/payments.go',
        203,
        '\tif _, err := tx.ExecContext(ctx, capturePayment, id); err != nil {',
      ),
    },
    {
      level: 'warning',
      kind: 'message',
      value: 'idempotency key reused with a different payload (merchant {n})',
      culprit: 'github.com/acme/payments/internal/api in idempotencyMiddleware',
      logger: 'payments.api',
      handled: true,
      frames: [],
    },
    {
      level: 'info',
      kind: 'message',
      value: 'Settlement batch {n} closed with 0 transactions',
      culprit: 'github.com/acme/payments/internal/settlement in (*Runner).Close',
      logger: 'payments.settlement',
      handled: true,
      frames: [],
    },
    {
      level: 'debug',
      kind: 'message',
      value: 'Webhook signature verified with the previous signing secret',
      culprit: 'github.com/acme/payments/internal/webhooks in verify',
      logger: 'payments.webhooks',
      handled: true,
      frames: [],
    },
  ],
};

TEMPLATES_BY_PLATFORM['python-fastapi'] = TEMPLATES_BY_PLATFORM.python ?? [];

export function templatesFor(platform: string): IssueTemplate[] {
  const list = TEMPLATES_BY_PLATFORM[platform];
  if (!list || list.length === 0) throw new Error(`No Sentry issue templates for platform "${platform}"`);
  return list;
}

export function fillTemplate(text: string, variant: number): string {
  return text.replace(/\{n\}/g, String(variant));
}

/** Sentry's issue title: "Type: value" for errors (first line of the value), the message otherwise. */
export function titleOf(template: IssueTemplate, variant: number): string {
  const value = fillTemplate(template.value, variant).split('\n')[0] ?? '';
  if (template.kind === 'message') return value;
  return value ? `${template.exceptionType ?? 'Error'}: ${value}` : (template.exceptionType ?? 'Error');
}
