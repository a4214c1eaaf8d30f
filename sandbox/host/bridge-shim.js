/* global window, document, fetch, URL, URLSearchParams, setTimeout, CustomEvent */
// The sandbox's stand-in for the Jira host around a Custom UI page. @forge/bridge reaches the host
// through globalThis.__bridge.callBridge(name, payload); in Jira that is a postMessage channel to the
// parent frame, here it is this script: resolver calls go to the sandbox server, which runs them in
// the local Forge runtime. window.__SANDBOX__ (written by the server before this script) holds the
// page's module, context and subpage routes.
(function installSandboxBridge() {
  'use strict';
  var config = window.__SANDBOX__;
  if (!config)
    throw new Error('The sandbox bridge needs window.__SANDBOX__; load pages through the sandbox server.');

  // ---- history: Forge hands pages a history whose paths are the module's routes ('/overview') ----
  var listeners = [];
  function currentLocation() {
    var path = window.location.pathname;
    var inner = path.indexOf(config.basePath) === 0 ? path.slice(config.basePath.length) : path;
    return {
      pathname: inner || '/',
      search: window.location.search,
      hash: window.location.hash,
      state: null,
      key: 'sbx',
    };
  }
  function notify(action) {
    var location = currentLocation();
    history.location = location;
    history.action = action;
    listeners.slice().forEach(function (listener) {
      listener(location, action);
    });
    document.dispatchEvent(new CustomEvent('sandbox:route', { detail: location }));
  }
  function toBrowserPath(to) {
    var path = typeof to === 'string' ? to : (to.pathname || '/') + (to.search || '') + (to.hash || '');
    if (path.charAt(0) !== '/') path = '/' + path;
    var url = new URL(config.basePath + path, window.location.origin);
    // Keep the sandbox's own query (which project or issue) unless the page sets a query itself.
    if (!url.search) url.search = window.location.search;
    return url.pathname + url.search + url.hash;
  }
  var history = {
    length: 1,
    action: 'POP',
    location: currentLocation(),
    push: function (to) {
      window.history.pushState(null, '', toBrowserPath(to));
      notify('PUSH');
    },
    replace: function (to) {
      window.history.replaceState(null, '', toBrowserPath(to));
      notify('REPLACE');
    },
    go: function (n) {
      window.history.go(n);
    },
    back: function () {
      window.history.back();
    },
    forward: function () {
      window.history.forward();
    },
    listen: function (listener) {
      listeners.push(listener);
      return function unlisten() {
        listeners = listeners.filter(function (other) {
          return other !== listener;
        });
      };
    },
    block: function () {
      return function unblock() {};
    },
    createHref: function (to) {
      return toBrowserPath(to);
    },
  };
  window.addEventListener('popstate', function () {
    notify('POP');
  });
  window.__sandboxHistory = history;

  // ---- flags: a toast in the corner, as Jira shows them ----
  function showFlag(options) {
    var flag = document.createElement('div');
    flag.className = 'sbx-flag sbx-flag--' + (options.type || 'info');
    flag.setAttribute('role', 'status');
    flag.textContent = (options.title || '') + (options.description ? ' — ' + options.description : '');
    document.body.appendChild(flag);
    var close = function () {
      if (flag.parentNode) flag.parentNode.removeChild(flag);
      return Promise.resolve(true);
    };
    setTimeout(close, 8000);
    return { close: close };
  }

  // ---- theme: Jira sets data-color-mode and loads the token stylesheet ----
  function enableTheming() {
    var root = document.documentElement;
    root.setAttribute('data-color-mode', config.colorMode);
    root.setAttribute('data-theme', 'dark:dark light:light spacing:spacing typography:typography');
    if (config.colorMode === 'dark' && !document.getElementById('sbx-dark-tokens')) {
      var style = document.createElement('style');
      style.id = 'sbx-dark-tokens';
      style.textContent = config.darkTokensCss;
      document.head.appendChild(style);
    }
    return Promise.resolve();
  }

  function invoke(payload) {
    return fetch(config.invokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        moduleKey: config.moduleKey,
        project: config.query.project,
        issue: config.query.issue,
        resolverKey: payload.functionKey,
        payload: payload.payload || {},
      }),
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.message);
        return answer.result;
      });
  }

  var handlers = {
    invoke: invoke,
    getContext: function () {
      return Promise.resolve(JSON.parse(JSON.stringify(config.context)));
    },
    enableTheming: enableTheming,
    createHistory: function () {
      return Promise.resolve(history);
    },
    navigate: function (target) {
      var url = target && target.url;
      // NavigationLocation { target: 'module', moduleKey, projectKey?, path? }: the sandbox serves each
      // module at /modules/<moduleKey>, keeping the page's theme.
      if (!url && target && target.target === 'module' && target.moduleKey) {
        var params = new URLSearchParams();
        if (target.projectKey) params.set('project', target.projectKey);
        // An issue module (the issue context's button to the panel) opens on the issue it was on.
        else if (config.query.issue) params.set('issue', config.query.issue);
        if (config.colorMode === 'dark') params.set('theme', 'dark');
        var search = params.toString();
        url =
          '/modules/' +
          encodeURIComponent(target.moduleKey) +
          (target.path ? '/' + String(target.path).replace(/^\/+/, '') : '') +
          (search ? '?' + search : '');
      }
      if (!url)
        return Promise.reject(
          new Error(
            'The sandbox navigates to URLs and module targets, not to other NavigationLocation targets.',
          ),
        );
      if (target.type === 'new-tab') window.open(url, '_blank', 'noopener');
      else window.location.assign(url);
      return Promise.resolve();
    },
    reload: function () {
      window.location.reload();
      return Promise.resolve();
    },
    refresh: function () {
      window.location.reload();
      return Promise.resolve();
    },
    showFlag: function (options) {
      return Promise.resolve(showFlag(options || {}));
    },
    changeWindowTitle: function (title) {
      document.title = typeof title === 'string' ? title : (title && title.title) || document.title;
      return Promise.resolve();
    },
    emitReadyEvent: function () {
      return Promise.resolve();
    },
  };

  window.__bridge = {
    callBridge: function (name, payload) {
      var handler = handlers[name];
      if (!handler) {
        var error = new Error(
          'The sandbox does not implement the bridge call "' +
            name +
            '" yet; add it to sandbox/host/bridge-shim.js.',
        );
        console.error(error.message);
        return Promise.reject(error);
      }
      return handler(payload);
    },
  };
})();
