// The runtime-layer lint rule of STYLE.md §1, after VS Code's `code-import-patterns`.
//
// `no-restricted-imports` matches the raw import string, so `../../node/store/store.js` written from
// `src/core/common/ir/` slips past a pattern like `**/core/node/**`. This rule resolves every relative
// import against the importing file's folder first, then checks the repository path it lands on (and
// every package name) against the allow-list of the importing file's layer. A file that belongs to no
// layer is an error too, so a new folder cannot escape the rule by not being listed.
//
// Options (one object):
//   layers:    [{ name, files, imports, packages, tests? }], the first layer whose `files` matches wins.
//              `files` and `imports` are globs over repository paths ("src/core/common/**");
//              `packages` are globs over package names ("flatbuffers", "node:*", "@tensorflow/*");
//              `tests` ({ imports, packages }) is added to the allow-list for test files.
//   testFiles: globs that make a file a test (or a test helper).
// Globs know `*` (within one path segment), `**` (any number of segments) and `{a,b}`.

import path from 'node:path';

/** Compiles a glob into an anchored regular expression. */
export function globToRegExp(glob) {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const character = glob[index];
    if (character === '*' && glob[index + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `/**` the folder and everything in it.
      if (glob[index + 2] === '/') {
        source += '(?:.*/)?';
        index += 2;
      } else {
        source += '.*';
        index += 1;
      }
      if (source.endsWith('/.*')) source = `${source.slice(0, -3)}(?:/.*)?`;
    } else if (character === '*') {
      source += '[^/]*';
    } else if (character === '{') {
      const end = glob.indexOf('}', index);
      source += `(?:${glob.slice(index + 1, end).split(',').map(escape).join('|')})`;
      index = end;
    } else {
      source += escape(character);
    }
  }
  return new RegExp(`^${source}$`);
}

function escape(text) {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function matcher(globs = []) {
  const expressions = globs.map(globToRegExp);
  return (text) => expressions.some((expression) => expression.test(text));
}

/** `react/jsx-runtime` → `react`, `@tensorflow/tfjs/dist` → `@tensorflow/tfjs`, `node:fs/promises` → `node:fs`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isPath(specifier) {
  return specifier.startsWith('.') || specifier.startsWith('/');
}

const compiledLayers = new WeakMap();

function compile(options) {
  let compiled = compiledLayers.get(options);
  if (!compiled) {
    compiled = {
      isTest: matcher(options.testFiles),
      layers: options.layers.map((layer) => ({
        name: layer.name,
        covers: matcher(layer.files),
        code: { imports: matcher(layer.imports), packages: matcher(layer.packages) },
        tests: {
          imports: matcher([...(layer.imports ?? []), ...(layer.tests?.imports ?? [])]),
          packages: matcher([...(layer.packages ?? []), ...(layer.tests?.packages ?? [])]),
        },
      })),
    };
    compiledLayers.set(options, compiled);
  }
  return compiled;
}

/** The layer a repository path belongs to, for messages ("core/node"), or the path itself. */
function layerOf(layers, repositoryPath) {
  return layers.find((layer) => layer.covers(repositoryPath))?.name;
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each runtime layer imports only what its allow-list names, after resolving relative paths' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                files: { type: 'array', items: { type: 'string' } },
                imports: { type: 'array', items: { type: 'string' } },
                packages: { type: 'array', items: { type: 'string' } },
                tests: {
                  type: 'object',
                  properties: {
                    imports: { type: 'array', items: { type: 'string' } },
                    packages: { type: 'array', items: { type: 'string' } },
                  },
                  additionalProperties: false,
                },
              },
              required: ['name', 'files'],
              additionalProperties: false,
            },
          },
          testFiles: { type: 'array', items: { type: 'string' } },
        },
        required: ['layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      unlayered:
        '{{file}} is in no runtime layer: put it in one of the layer folders or give its folder a layer in eslint.config.js',
      forbiddenPath: '{{layer}}{{kind}} must not import {{target}} ({{targetLayer}}): the layer allows only the paths listed for it in eslint.config.js',
      forbiddenPackage: '{{layer}}{{kind}} must not import the package "{{target}}": the layer allows only the packages listed for it in eslint.config.js',
    },
  },

  create(context) {
    const options = context.options[0];
    const { layers, isTest } = compile(options);
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const layer = layers.find((candidate) => candidate.covers(file));
    if (!layer) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unlayered', data: { file } });
        },
      };
    }
    const test = isTest(file);
    const allowed = test ? layer.tests : layer.code;
    const kind = test ? ' test code' : '';
    const folder = path.dirname(context.filename);

    function check(node, specifier) {
      if (typeof specifier !== 'string') return;
      const bare = specifier.replace(/[?#].*$/, ''); // Vite's `?raw`, `?url` …
      if (isPath(bare)) {
        const target = path.relative(root, path.resolve(folder, bare)).split(path.sep).join('/');
        if (allowed.imports(target)) return;
        const targetLayer = layerOf(layers, target) ?? (target.startsWith('..') ? 'outside the repository' : 'no layer');
        context.report({ node, messageId: 'forbiddenPath', data: { layer: layer.name, kind, target, targetLayer } });
      } else {
        const name = packageName(bare);
        if (allowed.packages(name)) return;
        context.report({ node, messageId: 'forbiddenPackage', data: { layer: layer.name, kind, target: name } });
      }
    }

    /** The text of a string literal or of a template literal without substitutions. */
    function literal(node) {
      if (node?.type === 'Literal') return node.value;
      if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
      return undefined;
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      // `import x = require('…')` and `type T = import('…').T`.
      TSExternalModuleReference: (node) => check(node.expression, literal(node.expression)),
      TSImportType: (node) => {
        const argument = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
        check(node, literal(argument));
      },
      'CallExpression[callee.type="Identifier"][callee.name="require"]': (node) => check(node, literal(node.arguments[0])),
    };
  },
};

/** The plug-in, registered in eslint.config.js as `layers`: the rule is `layers/imports`. */
export default {
  meta: { name: 'tinydeploy-layers' },
  rules: { imports: importsRule },
};
