import { parseDocument } from 'htmlparser2';
import render from 'dom-serializer';
import { Element, ProcessingInstruction, type ChildNode, type Document } from 'domhandler';

const ENTRY = new Set(['item', 'entry']);
const ROOT_END = /<\/(rss|feed|rdf:rdf|channel)\s*>\s*$/i;

/** hoistNestedEntries moves <item>/<entry> elements that an unclosed sibling swallowed back up. */
function hoistNestedEntries(parent: Document | Element): void {
  const out: ChildNode[] = [];
  const visit = (node: ChildNode, into: ChildNode[]) => {
    into.push(node);
    if (!(node instanceof Element)) return;
    if (ENTRY.has(node.name.toLowerCase())) {
      const kept: ChildNode[] = [];
      for (const child of node.children) {
        if (child instanceof Element && ENTRY.has(child.name.toLowerCase())) visit(child, into);
        else kept.push(child);
      }
      node.children = kept;
      for (const c of kept) c.parent = node;
    } else {
      hoistNestedEntries(node);
    }
  };
  for (const child of parent.children) visit(child, out);
  parent.children = out;
  for (const c of out) c.parent = parent;
}

function lastEntry(node: Document | Element): Element | null {
  for (let k = node.children.length - 1; k >= 0; k--) {
    const c = node.children[k];
    if (!(c instanceof Element)) continue;
    if (ENTRY.has(c.name.toLowerCase())) return c;
    const inner = lastEntry(c);
    if (inner) return inner;
  }
  return null;
}

/**
 * repairXml rewrites a feed that strict XML parsing refused into well-formed XML: the lenient
 * tokenizer escapes bare "&" and closes what was left open, entries swallowed by an unclosed
 * sibling are moved back, and when the document was cut off, its last (partial) entry is dropped.
 */
export function repairXml(text: string): string {
  const doc = parseDocument(text, { xmlMode: true, recognizeCDATA: true, decodeEntities: true });
  // The XML declaration is dropped: the text is already decoded, and the serializer would mangle it.
  doc.children = doc.children.filter((c) => !(c instanceof ProcessingInstruction));
  hoistNestedEntries(doc);
  if (!ROOT_END.test(text.trimEnd())) {
    const partial = lastEntry(doc);
    if (partial?.parent) partial.parent.children = partial.parent.children.filter((c) => c !== partial);
  }
  return render(doc, { xmlMode: true, encodeEntities: 'utf8' });
}
