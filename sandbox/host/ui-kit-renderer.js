/* global window, document */
// The sandbox's stand-in for what Jira does with a UI Kit (render: native) resource: @forge/react's
// reconciler sends the rendered document over the bridge (`reconcile`, { forgeDoc }), and the host draws
// Atlassian components from it. This draws the few components the app's UI Kit modules use, with design
// tokens (light and dark), and marks each element with data-forge-type for tests. Event handlers are the
// app's own functions (the bundle runs in this page), so a click calls them directly. A component it does
// not know is drawn as a visible warning naming it: add it here when a module starts using it.
(function installUiKitRenderer() {
  'use strict';
  var bridge = window.__bridge;
  if (!bridge) throw new Error('The UI Kit renderer needs the sandbox bridge shim loaded first.');
  var forward = bridge.callBridge;

  var SPACE = {
    'space.0': '0',
    'space.050': '4px',
    'space.075': '6px',
    'space.100': '8px',
    'space.150': '12px',
    'space.200': '16px',
    'space.300': '24px',
  };
  var LOZENGE = {
    default: ['--ds-background-neutral', '#091E420F', '--ds-text-subtle', '#44546F'],
    success: ['--ds-background-success', '#DCFFF1', '--ds-text-success', '#216E4E'],
    removed: ['--ds-background-danger', '#FFECEB', '--ds-text-danger', '#AE2E24'],
    moved: ['--ds-background-warning', '#FFF7D6', '--ds-text-warning', '#A54800'],
    inprogress: ['--ds-background-information', '#E9F2FF', '--ds-text-information', '#0055CC'],
    new: ['--ds-background-discovery', '#F3F0FF', '--ds-text-discovery', '#5E4DB2'],
  };
  var MESSAGE = {
    error: ['--ds-background-danger', '#FFECEB'],
    warning: ['--ds-background-warning', '#FFF7D6'],
    success: ['--ds-background-success', '#DCFFF1'],
    information: ['--ds-background-information', '#E9F2FF'],
  };
  var token = function (name, fallback) {
    return 'var(' + name + ', ' + fallback + ')';
  };

  function el(tag, type, style) {
    var node = document.createElement(tag);
    node.setAttribute('data-forge-type', type);
    if (style) node.setAttribute('style', style);
    return node;
  }

  function draw(doc) {
    var props = doc.props || {};
    var node;
    switch (doc.type) {
      case 'String':
        return document.createTextNode(String(props.text));
      case 'Root':
        node = el(
          'div',
          'Root',
          'font: 14px/20px ui-sans-serif, -apple-system, "Segoe UI", sans-serif; color: ' +
            token('--ds-text', '#172B4D') +
            ';',
        );
        break;
      case 'Stack':
        node = el(
          'div',
          'Stack',
          'display: flex; flex-direction: column; gap: ' + (SPACE[props.space] || '0') + ';',
        );
        break;
      case 'Inline':
        node = el(
          'div',
          'Inline',
          'display: flex; align-items: ' +
            (props.alignBlock === 'center' ? 'center' : 'flex-start') +
            '; gap: ' +
            (SPACE[props.space] || '0') +
            '; flex-wrap: ' +
            (props.shouldWrap ? 'wrap' : 'nowrap') +
            '; min-width: 0;',
        );
        break;
      case 'Text':
        node = el(
          'span',
          'Text',
          'overflow-wrap: anywhere;' + (props.weight === 'bold' ? ' font-weight: 653;' : ''),
        );
        break;
      case 'Lozenge': {
        var colours = LOZENGE[props.appearance] || LOZENGE['default'];
        node = el(
          'span',
          'Lozenge',
          'display: inline-block; padding: 0 4px; border-radius: 3px; font-size: 11px; line-height: 16px; font-weight: 653; text-transform: uppercase; ' +
            'background: ' +
            token(colours[0], colours[1]) +
            '; color: ' +
            token(colours[2], colours[3]) +
            ';',
        );
        break;
      }
      case 'Button':
        node = el(
          'button',
          'Button',
          'font: inherit; font-weight: 500; padding: 4px 12px; border: 0; border-radius: 3px; cursor: pointer; align-self: flex-start; ' +
            'background: ' +
            token('--ds-background-neutral', '#091E420F') +
            '; color: ' +
            token('--ds-text-subtle', '#44546F') +
            ';',
        );
        node.type = 'button';
        if (typeof props.onClick === 'function')
          node.addEventListener('click', function () {
            props.onClick();
          });
        if (props.iconAfter === 'arrow-right') {
          doc = {
            type: doc.type,
            props: props,
            children: doc.children.concat([{ type: 'String', props: { text: ' →' }, children: [] }]),
          };
        }
        break;
      case 'SectionMessage': {
        var background = MESSAGE[props.appearance] || MESSAGE.information;
        node = el(
          'div',
          'SectionMessage',
          'padding: 12px 16px; border-radius: 3px; background: ' + token(background[0], background[1]) + ';',
        );
        node.setAttribute('role', props.appearance === 'error' ? 'alert' : 'status');
        if (props.title) {
          var title = el('strong', 'SectionMessageTitle', 'display: block; margin-bottom: 4px;');
          title.textContent = String(props.title);
          node.appendChild(title);
        }
        break;
      }
      default:
        node = el('div', doc.type, 'border: 2px dashed #DE350B; padding: 4px;');
        node.appendChild(
          document.createTextNode(
            'The sandbox renders no UI Kit <' +
              doc.type +
              '> yet: add it to sandbox/host/ui-kit-renderer.js. ',
          ),
        );
    }
    (doc.children || []).forEach(function (child) {
      node.appendChild(draw(child));
    });
    return node;
  }

  var container = null;
  function reconcile(payload) {
    if (!container) {
      container = document.getElementById('root') || document.createElement('div');
      container.id = 'root';
      // The issue context sits in Jira's right-hand column.
      container.style.maxWidth = '360px';
      if (!container.parentNode) document.body.appendChild(container);
    }
    container.replaceChildren(draw(payload.forgeDoc));
    return Promise.resolve();
  }

  // Jira themes UI Kit modules itself; the shim's enableTheming sets the colour mode the page asked for.
  forward('enableTheming');

  bridge.callBridge = function (name, payload) {
    if (name === 'reconcile') return reconcile(payload);
    if (name === 'onError') {
      console.error('UI Kit reconciler error', payload && payload.error);
      return Promise.resolve();
    }
    return forward(name, payload);
  };
})();
