// ODK Web Forms' engine (@getodk/xforms-engine) as an oracle: reads one JSON request per line
// on stdin, writes one JSON answer per line on stdout.
//
// Request: {"xform": "<h:html ...>", "steps": [[["/data/a", "3"], ...], ...]}: each step is a
// list of (reference, value) answers applied in order; a reference into a repeat entry that
// does not exist yet (/data/r[2]/x) adds entries first. A select_multiple value is its names
// separated by spaces, as ODK stores it. After each step every leaf node is reported:
// {"/data/a": {"relevant": true, "value": "3", "constraint": true, "required_unmet": false,
//  "choices": ["n", "s"] (selects only)}}. An error is {"error": "..."} (one line, no stack).
import { JSDOM } from 'jsdom';

// The engine parses XForms with the browser's DOMParser and its bundled tree-sitter looks for
// CommonJS globals; jsdom stands in for the browser as in the engine's own node tests.
const { window } = new JSDOM('');
for (const name of ['DOMParser', 'XMLSerializer', 'Node', 'Document', 'XMLDocument', 'Element',
  'Attr', 'Text', 'NodeFilter', 'DocumentFragment', 'CharacterData', 'Comment',
  'ProcessingInstruction']) {
  if (window[name]) globalThis[name] = window[name];
}
globalThis.document = window.document;
globalThis.__dirname = new URL('.', import.meta.url).pathname;
globalThis.module = { exports: {} };
const { createInstance } = await import('@getodk/xforms-engine');
const { createInterface } = await import('node:readline');

const LEAVES = new Set(['input', 'select', 'model-value', 'note', 'range', 'rank', 'trigger',
  'upload']);

function* nodes(node) {
  yield node;
  for (const child of node.currentState.children ?? []) yield* nodes(child);
}

function find(root, reference) {
  for (const node of nodes(root)) if (node.currentState.reference === reference) return node;
  return null;
}

function text(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(text).join(' ');
  if (typeof value === 'object' && 'toString' in value) return value.toString();
  return String(value);
}

// Adds entries to the repeat holding `reference` until its entry exists (/data/r[3]/x: 3).
function ensureEntries(root, reference) {
  const parts = reference.split('/');
  for (let end = 2; end <= parts.length; end += 1) {
    const match = /^(.*)\[(\d+)\]$/.exec(parts[end - 1]);
    if (!match) continue;
    const rangeRef = [...parts.slice(0, end - 1), match[1]].join('/');
    const range = find(root, rangeRef);
    if (!range || typeof range.addInstances !== 'function') continue;
    const missing = Number(match[2]) - range.currentState.children.length;
    if (missing > 0) range.addInstances(undefined, missing);
  }
}

function answer(root, reference, value) {
  ensureEntries(root, reference);
  const node = find(root, reference);
  if (node === null) throw new Error(`no node ${reference}`);
  if (node.nodeType === 'trigger') {
    node.setValue(value !== '');  // an acknowledge: "OK" ticks it
  } else if (node.nodeType === 'select') {
    node.selectValues(value === '' ? [] : value.split(' '));
  } else if (typeof node.setValue === 'function') {
    node.setValue(value);
  } else {
    throw new Error(`${reference} (${node.nodeType}) takes no answer`);
  }
}

function report(root) {
  const states = {};
  for (const node of nodes(root)) {
    if (!LEAVES.has(node.nodeType)) continue;
    const state = node.currentState;
    const validity = node.validationState;
    const entry = {
      relevant: state.relevant,
      value: text(state.value),
      constraint: validity?.constraint?.valid ?? true,
      required_unmet: validity?.required ? !validity.required.valid : false,
    };
    if (node.nodeType === 'select') entry.choices = state.valueOptions.map((item) => item.value);
    states[state.reference] = entry;
  }
  return states;
}

async function serve(request) {
  const instance = await createInstance(request.xform);
  const out = [report(instance.root)];
  for (const step of request.steps ?? []) {
    for (const [reference, value] of step) answer(instance.root, reference, value);
    out.push(report(instance.root));
  }
  return { steps: out };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    reply = await serve(JSON.parse(line));
  } catch (error) {
    reply = { error: String(error?.message ?? error).split('\n')[0] };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}
