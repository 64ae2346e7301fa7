import "server-only";
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef, PDFString, type PDFDocument, type PDFObject } from "pdf-lib";

/** One bookmark of a PDF: its title, depth (0 = top level) and the page (0-based) it opens. */
export interface OutlineEntry {
  title: string;
  level: number;
  pageIndex: number | null;
}

/**
 * The PDF's bookmarks in reading order (PDF 32000-1:2008 §12.3.3: the catalog's /Outlines, items
 * linked by /First and /Next, each with a /Title and a /Dest, or a /GoTo action's /D, whose first
 * element is the page; a named destination is looked up in /Dests or the /Names tree).
 */
export function outlineEntries(doc: PDFDocument): OutlineEntry[] {
  const pageIndex = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i]));
  const entries: OutlineEntry[] = [];
  const root = doc.catalog.lookupMaybe(PDFName.of("Outlines"), PDFDict);
  const seen = new Set<PDFDict>();
  const walk = (first: PDFDict | undefined, level: number) => {
    for (let item = first; item && !seen.has(item); item = item.lookupMaybe(PDFName.of("Next"), PDFDict)) {
      seen.add(item);
      const title = item.lookupMaybe(PDFName.of("Title"), PDFString, PDFHexString)?.decodeText() ?? "";
      entries.push({ title, level, pageIndex: destinationPage(doc, item, pageIndex) });
      walk(item.lookupMaybe(PDFName.of("First"), PDFDict), level + 1);
    }
  };
  walk(root?.lookupMaybe(PDFName.of("First"), PDFDict), 0);
  return entries;
}

function destinationPage(doc: PDFDocument, item: PDFDict, pageIndex: ReadonlyMap<string, number>): number | null {
  let dest: PDFObject | undefined = item.get(PDFName.of("Dest"));
  if (!dest) dest = item.lookupMaybe(PDFName.of("A"), PDFDict)?.get(PDFName.of("D"));
  if (dest instanceof PDFRef) dest = doc.context.lookup(dest);
  if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) dest = namedDestination(doc, dest);
  if (dest instanceof PDFDict) dest = dest.get(PDFName.of("D"));
  if (!(dest instanceof PDFArray)) return null;
  const page = dest.get(0);
  return page instanceof PDFRef ? (pageIndex.get(page.toString()) ?? null) : null;
}

/** A named destination: in the catalog's /Dests dictionary, or its /Names /Dests name tree. */
function namedDestination(doc: PDFDocument, name: PDFName | PDFString | PDFHexString): PDFObject | undefined {
  const key = name instanceof PDFName ? name.decodeText() : name.decodeText();
  const dests = doc.catalog.lookupMaybe(PDFName.of("Dests"), PDFDict);
  if (dests) return dests.lookup(PDFName.of(key));
  const tree = doc.catalog.lookupMaybe(PDFName.of("Names"), PDFDict)?.lookupMaybe(PDFName.of("Dests"), PDFDict);
  const search = (node: PDFDict | undefined): PDFObject | undefined => {
    if (!node) return undefined;
    const names = node.lookupMaybe(PDFName.of("Names"), PDFArray);
    for (let i = 0; names && i + 1 < names.size(); i += 2) {
      const k = names.lookup(i);
      if ((k instanceof PDFString || k instanceof PDFHexString) && k.decodeText() === key) return names.lookup(i + 1);
    }
    const kids = node.lookupMaybe(PDFName.of("Kids"), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) {
      const found = search(kids.lookupMaybe(i, PDFDict));
      if (found) return found;
    }
    return undefined;
  };
  return search(tree);
}
