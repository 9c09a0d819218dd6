// ESLint flat config. Besides typescript-eslint's recommended rules, it enforces the layering of
// DESIGN.md §2 with no-restricted-imports, so a wrong-way import fails `npm run lint` and CI.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const vscode = { name: 'vscode', message: 'Only src/client may import vscode (DESIGN.md §2).' };

// Regexes, not gitignore globs: globs do not match import specifiers that start with "../".
const languageServer = {
  regex: '^vscode-languageserver(?:[-/].*)?$',
  message: 'Only src/server may import vscode-languageserver* (DESIGN.md §2).',
};
// vscode-languageserver-textdocument is a plain text-buffer library, but only the server needs it.
const languageServerOnly = {
  regex: '^vscode-languageserver(?:/.*)?$',
  message: 'Only src/server may import vscode-languageserver (DESIGN.md §2).',
};
const languageClient = {
  regex: '^vscode-languageclient(?:[-/].*)?$',
  message: 'Only src/client may import vscode-languageclient (DESIGN.md §2).',
};

/** A relative import that climbs into one of the given sibling folders of src/. */
function sibling(folders, message) {
  return { regex: `^(?:\\.\\./)+(?:src/)?(?:${folders.join('|')})(?:/.*)?$`, message };
}

const nodeBuiltins = {
  regex: `^(?:node:.*|(?:${builtinModules.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})(?:/.*)?)$`,
  message: 'The webview runs in a browser: no Node.js builtins (DESIGN.md §2).',
};

const coreRestrictions = {
  paths: [
    vscode,
    { name: 'node:child_process', message: 'src/core is pure: no child processes (DESIGN.md §2).' },
    { name: 'child_process', message: 'src/core is pure: no child processes (DESIGN.md §2).' },
    ...['node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({
      name,
      message: 'src/core reads through ReviewFileSystem; the disk adapter lives in src/node (DESIGN.md §2).',
    })),
  ],
  patterns: [
    languageServer,
    languageClient,
    sibling(
      ['server', 'client', 'cli', 'webview', 'node'],
      'src/core must not depend on its callers (DESIGN.md §2).',
    ),
  ],
};

/**
 * A core sub-folder's own rule. It repeats core's restrictions because a later flat-config object replaces
 * a rule's options rather than merging them. `synthesis` alone means its top-level files, not stats/present.
 */
function coreSubLayer(folder, extraPatterns) {
  const files = folder === 'synthesis' ? ['src/core/synthesis/*.ts'] : [`src/core/${folder}/**/*.ts`];
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: coreRestrictions.paths, patterns: [...coreRestrictions.patterns, ...extraPatterns] },
      ],
    },
  };
}

/** An import that leaves a one-level core folder for any sibling other than `allowed`. */
function climbingOut(message, allowed = []) {
  const exceptions = allowed.length ? `(?!(?:${allowed.join('|')})/)` : '';
  // ../../../schemas/*.json is the bundled schema, outside src/.
  return { regex: `^\\.\\./${exceptions}(?!\\.\\./\\.\\./schemas/)`, message };
}

/** One config object per layer; each `files` glob is disjoint, so none overrides another. */
function layer(folder, { paths = [], patterns = [] }) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  };
}

export default defineConfig([
  globalIgnores([
    'dist/',
    'dist-test/',
    'test-results/',
    'node_modules/',
    '.vscode-test/',
    'out/',
    'examples/',
    'test/fixtures/',
    'bench/.generated/',
  ]),
  {
    files: ['**/*.ts', '**/*.mjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // Type-aware rules, on the shipped code: an assertion the types already guarantee hides the next change.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'error' },
  },
  {
    // Build and maintenance scripts run on Node.js.
    files: ['**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },

  // The domain is pure: no editor, no LSP, no spawning processes.
  layer('core', coreRestrictions),
  // Inside core, each concept folder imports only the folders beneath it (docs/ARCHITECTURE.md).
  coreSubLayer('common', [
    climbingOut('common is the leaf every concept shares: it imports nothing of core.'),
  ]),
  coreSubLayer('yaml', [climbingOut('core/yaml imports nothing of core but common.', ['common'])]),
  coreSubLayer('schema', [
    climbingOut('core/schema reads YAML and schemas only: it imports common and yaml.', ['common', 'yaml']),
  ]),
  coreSubLayer('record', [
    climbingOut('A record is checked by its schema alone: core/record imports common, yaml, schema.', [
      'common',
      'yaml',
      'schema',
    ]),
  ]),
  coreSubLayer('editor', [
    {
      regex: '^\\.\\./(?:dual|workspace|synthesis)(?:/.*)?$',
      message: 'Editor features work on one record: core/editor imports no dual, workspace or synthesis.',
    },
  ]),
  coreSubLayer('synthesis/stats', [
    { regex: '^\\.\\./', message: 'core/synthesis/stats is a leaf: pure statistics import nothing else.' },
  ]),
  ...['review', 'dual', 'synthesis', 'synthesis/present'].map((folder) =>
    coreSubLayer(folder, [
      {
        regex: '^(?:\\.\\./)+workspace(?:/.*)?$',
        message: 'Only the workspace composes the review: nothing else in core imports core/workspace.',
      },
    ]),
  ),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core is pure: callers pass what it needs (DESIGN.md §2).' },
      ],
    },
  },
  layer('node', {
    paths: [vscode],
    patterns: [
      languageServer,
      languageClient,
      sibling(['server', 'client', 'cli', 'webview'], 'src/node adapts the disk for its callers only.'),
    ],
  }),
  layer('server', {
    paths: [vscode],
    patterns: [
      languageClient,
      sibling(['client', 'webview'], 'The server talks to the client only over LSP (DESIGN.md §2).'),
    ],
  }),
  layer('client', {
    patterns: [
      languageServerOnly,
      sibling(['server', 'cli'], 'The client talks to the server only over LSP; share types via src/shared.'),
    ],
  }),
  layer('cli', {
    paths: [vscode],
    patterns: [
      languageServer,
      languageClient,
      sibling(['server', 'client'], 'The CLI calls src/core directly (DESIGN.md §2).'),
    ],
  }),
  layer('webview', {
    paths: [vscode],
    patterns: [
      nodeBuiltins,
      sibling(
        ['server', 'client', 'cli'],
        'The webview talks to the extension only by messages; share types via src/shared.',
      ),
    ],
  }),
  layer('shared', {
    paths: [vscode],
    patterns: [languageServer, languageClient],
  }),
]);
