// feedparser's suite: every test file carries `Expect: <python expression>` over feedparser's
// result (`feed`, `entries`, `bozo`, `encoding` …). The expression is split on its top-level
// `and`s; each conjunct that touches only fields Inkzee's model has becomes one check, evaluated
// against what the CLI stored. Conjuncts about anything else (bozo, encoding, namespaces,
// *_detail languages, links lists …) are not checks and are counted as unmappable.
import { conjuncts, parse } from './pyexpr.mjs';
import { norm, same, show } from './compare.mjs';
import { Missing, Node, Unmappable, Val } from './feedparser-view.mjs';

function cmpValues(op, a, b, fields) {
  const kind = a instanceof Val ? a.kind : b instanceof Val ? b.kind : null;
  for (const x of [a, b]) if (x instanceof Val) fields.add(x.field);
  if (a instanceof Node || b instanceof Node) throw new Unmappable('comparison of a whole dict');
  // one side read from Inkzee, the other the suite's literal: compare as the field's kind says
  if (['==', '!=', 'is', 'is not'].includes(op) && a instanceof Val !== b instanceof Val && kind) {
    const ours = a instanceof Val ? a : b;
    const eq = same(kind, a instanceof Val ? b : a, ours.v);
    return op === '==' || op === 'is' ? eq : !eq;
  }
  const na = a instanceof Val ? norm(a.kind, a.v) : kind ? norm(kind, a) : a;
  const nb = b instanceof Val ? norm(b.kind, b.v) : kind ? norm(kind, b) : b;
  switch (op) {
    case '==':
    case 'is':
      return JSON.stringify(na) === JSON.stringify(nb);
    case '!=':
    case 'is not':
      return JSON.stringify(na) !== JSON.stringify(nb);
    case '<':
      return na < nb;
    case '>':
      return na > nb;
    case '<=':
      return na <= nb;
    case '>=':
      return na >= nb;
    default:
      throw new Unmappable(op);
  }
}

function evaluate(n, env, fields) {
  const ev = (x) => evaluate(x, env, fields);
  switch (n.k) {
    case 'lit':
      return typeof n.v === 'string' ? env.rewrite(n.v) : n.v;
    case 'name':
      if (n.n === 'feed') return env.feed;
      if (n.n === 'entries') {
        fields.add('entries');
        return env.entries;
      }
      throw new Unmappable(n.n);
    case 'tuple':
      return n.items.map(ev);
    case 'dict':
      throw new Unmappable('dict literal');
    case 'neg':
      return -ev(n.e);
    case 'arith':
      throw new Unmappable('arithmetic');
    case 'not':
      return !truthy(ev(n.e));
    case 'and':
      return truthy(ev(n.l)) && truthy(ev(n.r));
    case 'or':
      return truthy(ev(n.l)) || truthy(ev(n.r));
    case 'sub':
    case 'attr': {
      const base = ev(n.e);
      if (!(base instanceof Node)) throw new Unmappable('subscript of a value');
      return base.get(n.k === 'attr' ? n.n : ev(n.i));
    }
    case 'call': {
      if (n.f.k === 'name' && n.f.n === 'len' && n.args.length === 1) {
        const v = ev(n.args[0]);
        if (v instanceof Node) return v.len();
        throw new Unmappable('len of a value');
      }
      if (n.f.k === 'attr' && (n.f.n === 'get' || n.f.n === 'has_key')) {
        const base = ev(n.f.e);
        const key = ev(n.args[0]);
        if (!(base instanceof Node)) throw new Unmappable(n.f.n);
        if (n.f.n === 'has_key') return base.present(key);
        return base.present(key) ? base.get(key) : n.args.length > 1 ? ev(n.args[1]) : null;
      }
      throw new Unmappable('call');
    }
    case 'cmp': {
      if (n.op === 'in' || n.op === 'not in') {
        const hay = ev(n.r);
        const key = ev(n.l);
        if (!(hay instanceof Node) || typeof key !== 'string') throw new Unmappable('in');
        const r = hay.present(key);
        return n.op === 'in' ? r : !r;
      }
      return cmpValues(n.op, ev(n.l), ev(n.r), fields);
    }
    case 'chain': {
      const vals = n.operands.map(ev);
      return n.ops.every((op, i) => cmpValues(op, vals[i], vals[i + 1], fields));
    }
    default:
      throw new Unmappable(n.k);
  }
}

function truthy(v) {
  if (v instanceof Val) return v.v != null && v.v !== '' && !(Array.isArray(v.v) && !v.v.length);
  if (v instanceof Node) return v.kind === 'list' || v.kind === 'entries' ? v.data.length > 0 : true;
  return Array.isArray(v) ? v.length > 0 : !!v;
}

/** expectOf finds the Expect: line in a feedparser test document (any encoding with an ASCII comment). */
export function expectOf(bytes) {
  const s = bytes.toString('latin1').replace(/\0/g, '');
  const m = /Expect:[ \t]*(.*?)[ \t]*(?:-->|\r?$)/m.exec(s);
  return m ? m[1] : null;
}

/**
 * feedparserChecks evaluates one test's Expect line against a crawled document. Returns the
 * checks (one per mappable conjunct) and the number of conjuncts that could not be mapped.
 */
export function feedparserChecks(rel, expr, doc, origin) {
  const envFor = (fields) => ({
    rewrite: (s) => s.replaceAll('http://127.0.0.1:8097', origin),
    feed: new Node('feed', doc.feed ?? {}, undefined, fields),
    entries: new Node('entries', doc.items, undefined, fields),
  });
  let tree;
  try {
    tree = parse(expr);
  } catch {
    return { checks: [], unmappable: 1, reasons: ['unparsable'] };
  }
  const checks = [];
  let unmappable = 0;
  const reasons = [];
  conjuncts(tree).forEach((c, k) => {
    const fields = new Set();
    const env = envFor(fields);
    let pass, got;
    try {
      pass = truthy(evaluate(c, env, fields));
      got = pass ? undefined : describe(c, envFor(new Set()));
    } catch (e) {
      if (e instanceof Unmappable) {
        unmappable++;
        reasons.push(e.message.replace(/\[-?\d+\]/g, '[n]'));
        return;
      }
      if (!(e instanceof Missing)) throw e;
      pass = false;
      got = e.message;
    }
    fields.delete('entries');
    const field = fields.size ? [...fields].sort().join('+') : 'entries';
    if (doc.refused && !pass) got = `refused: ${doc.refused}`;
    checks.push({ id: `${rel}#${k}`, suite: 'feedparser', file: rel, field, pass, expected: exprText(expr, c, k), got });
  });
  return { checks, unmappable, reasons };
}

function exprText(expr, c, k) {
  const parts = expr.split(/\s+and\s+/);
  return parts.length === conjuncts(parse(expr)).length ? parts[k] : expr;
}

// For a failure report: the value(s) Inkzee had for the fields a failing conjunct read.
function describe(c, env) {
  const vals = [];
  const walk = (n) => {
    if (!n || typeof n !== 'object') return;
    if (n.k === 'sub' || n.k === 'attr') {
      try {
        const v = evaluate(n, env, new Set());
        if (v instanceof Val) {
          vals.push(show(v.v));
          return;
        }
      } catch {
        /* reported elsewhere */
      }
    }
    for (const x of Object.values(n))
      if (Array.isArray(x)) x.forEach(walk);
      else walk(x);
  };
  walk(c);
  return vals.join(' | ') || 'false';
}
