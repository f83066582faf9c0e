// A parser for the small subset of Python expressions that feedparser's `Expect:` lines use:
// and/or/not, comparisons (== != < > <= >= is, is not, in, not in), string literals with
// Python escapes, numbers, None/True/False, tuple/list/dict literals, subscripts, attribute
// access and calls. It only builds a tree; evaluation lives in feedparser.mjs, where names are
// mapped onto Inkzee's fields.

/** tokenize splits a Python expression into tokens. */
export function tokenize(src) {
  const out = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const str = /^([uUbBrR]{0,2})('''|"""|'|")/.exec(src.slice(i));
    if (str && (str[1] === '' || /^[uUbBrR]+$/.test(str[1]))) {
      const prefix = str[1].toLowerCase();
      const q = str[2];
      let j = i + str[0].length;
      let raw = '';
      while (j < src.length && !src.startsWith(q, j)) {
        if (src[j] === '\\' && j + 1 < src.length) {
          raw += src[j] + src[j + 1];
          j += 2;
        } else raw += src[j++];
      }
      if (j >= src.length) throw new SyntaxError(`unterminated string in ${src}`);
      out.push({ t: 'str', v: prefix.includes('r') ? raw : unescape(raw) });
      i = j + q.length;
      continue;
    }
    const num = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?[lL]?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[0].replace(/[lL]$/, '')) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|[<>()[\]{},:.\-+])/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new SyntaxError(`unexpected ${c} in ${src}`);
  }
  return out;
}

const SIMPLE = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', 0: '\0' };

/** unescape decodes Python string escapes (\xNN, \uNNNN, \UNNNNNNNN, octal, \n …). */
function unescape(s) {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\n|.)/g, (m, e) => {
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
    if (e === '\n') return '';
    return SIMPLE[e] ?? m;
  });
}

/** parse builds an expression tree from a Python expression. */
export function parse(src) {
  const toks = tokenize(src);
  let p = 0;
  const peek = (v) => (toks[p] && (v === undefined || toks[p].v === v) && toks[p].t !== 'str' ? toks[p] : null);
  const eat = (v) => {
    if (!peek(v)) throw new SyntaxError(`expected ${v} at ${p} in ${src}`);
    return toks[p++];
  };

  function or() {
    let l = and();
    while (peek('or')) {
      p++;
      l = { k: 'or', l, r: and() };
    }
    return l;
  }
  function and() {
    let l = not();
    while (peek('and')) {
      p++;
      l = { k: 'and', l, r: not() };
    }
    return l;
  }
  function not() {
    if (peek('not')) {
      p++;
      return { k: 'not', e: not() };
    }
    return cmp();
  }
  function cmpOp() {
    const t = toks[p];
    if (!t || t.t === 'str') return null;
    if (['==', '!=', '<', '>', '<=', '>='].includes(t.v) && t.t === 'op') {
      p++;
      return t.v;
    }
    if (t.v === 'is' && t.t === 'name') {
      p++;
      return peek('not') ? (p++, 'is not') : 'is';
    }
    if (t.v === 'in' && t.t === 'name') {
      p++;
      return 'in';
    }
    if (t.v === 'not' && t.t === 'name' && toks[p + 1]?.v === 'in') {
      p += 2;
      return 'not in';
    }
    return null;
  }
  // a == b == c is Python's chained comparison: (a == b) and (b == c).
  function cmp() {
    const operands = [arith()];
    const ops = [];
    for (let op = cmpOp(); op; op = cmpOp()) {
      ops.push(op);
      operands.push(arith());
    }
    if (!ops.length) return operands[0];
    if (ops.length === 1) return { k: 'cmp', op: ops[0], l: operands[0], r: operands[1] };
    return { k: 'chain', ops, operands };
  }
  function arith() {
    let l = unary();
    while (peek('+') || peek('-')) {
      const op = toks[p++].v;
      l = { k: 'arith', op, l, r: unary() };
    }
    return l;
  }
  function unary() {
    if (peek('-')) {
      p++;
      return { k: 'neg', e: unary() };
    }
    return postfix();
  }
  function postfix() {
    let e = atom();
    for (;;) {
      if (peek('[')) {
        p++;
        const i = or();
        eat(']');
        e = { k: 'sub', e, i };
      } else if (peek('.')) {
        p++;
        const n = toks[p++];
        e = { k: 'attr', e, n: n.v };
      } else if (peek('(')) {
        p++;
        const args = seq(')');
        e = { k: 'call', f: e, args };
      } else return e;
    }
  }
  function seq(close) {
    const items = [];
    while (!peek(close)) {
      items.push(or());
      if (!peek(close)) eat(',');
    }
    eat(close);
    return items;
  }
  function atom() {
    const t = toks[p++];
    if (!t) throw new SyntaxError(`unexpected end of ${src}`);
    if (t.t === 'str') {
      let v = t.v;
      while (toks[p]?.t === 'str') v += toks[p++].v; // adjacent literals concatenate
      return { k: 'lit', v };
    }
    if (t.t === 'num') return { k: 'lit', v: t.v };
    if (t.t === 'name') {
      if (t.v === 'None') return { k: 'lit', v: null };
      if (t.v === 'True') return { k: 'lit', v: true };
      if (t.v === 'False') return { k: 'lit', v: false };
      return { k: 'name', n: t.v };
    }
    if (t.v === '(') {
      const items = [];
      let tuple = false;
      while (!peek(')')) {
        items.push(or());
        if (!peek(')')) {
          eat(',');
          tuple = true;
        }
      }
      eat(')');
      return tuple || items.length !== 1 ? { k: 'tuple', items } : items[0];
    }
    if (t.v === '[') return { k: 'tuple', items: seq(']') };
    if (t.v === '{') {
      const entries = [];
      while (!peek('}')) {
        const key = or();
        eat(':');
        entries.push([key, or()]);
        if (!peek('}')) eat(',');
      }
      eat('}');
      return { k: 'dict', entries };
    }
    throw new SyntaxError(`unexpected ${t.v} in ${src}`);
  }
  const tree = or();
  if (p !== toks.length) throw new SyntaxError(`trailing tokens in ${src}`);
  return tree;
}

/** conjuncts splits a tree on its top-level `and`s, left to right. */
export function conjuncts(tree) {
  return tree.k === 'and' ? [...conjuncts(tree.l), ...conjuncts(tree.r)] : [tree];
}
