/**
 * The report's one stylesheet, inline (the document loads nothing). Print rules: A4, each main
 * section on a new page, headings kept with what follows, table headers repeated on each page,
 * and long unbroken names wrapped anywhere rather than cut off.
 */
export const REPORT_CSS = `
@page { size: A4; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #111827; line-height: 1.4; }
body { margin: 0; }
h1 { font-size: 18pt; margin: 0 0 10pt; break-before: page; break-after: avoid; }
h2 { font-size: 13pt; margin: 14pt 0 6pt; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; overflow-wrap: anywhere; }
.label { font-weight: bold; margin: 6pt 0 2pt; break-after: avoid; }
p, li, dd, td, th, figcaption { overflow-wrap: anywhere; }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8pt; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f3f4f6; border: 0.5pt solid #d1d5db; padding: 4pt; margin: 2pt 0 5pt; font-size: 7.5pt; line-height: 1.3; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #d1d5db; padding: 2pt 4pt; text-align: left; vertical-align: top; font-size: 8.5pt; }
th { background: #f3f4f6; overflow-wrap: normal; }
td.num, th.num { text-align: right; }
.cover { height: 245mm; display: flex; flex-direction: column; justify-content: center; }
.cover h1 { break-before: auto; font-size: 26pt; }
.cover .subtitle { font-size: 13pt; margin: 0 0 18pt; overflow-wrap: anywhere; }
.cover dl { display: grid; grid-template-columns: 38mm 1fr; gap: 4pt 8pt; margin: 0; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; overflow-wrap: anywhere; }
.toc ol { list-style: none; padding: 0; margin: 0; }
.toc li { display: flex; align-items: baseline; font-size: 11pt; margin: 0 0 6pt; }
.toc .dots { flex: 1; border-bottom: 1pt dotted #9ca3af; margin: 0 4pt; }
.toc .page { min-width: 12mm; text-align: right; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6pt; margin: 0 0 10pt; }
.figure { border: 0.5pt solid #d1d5db; padding: 4pt 6pt; }
.figure .value { font-size: 15pt; font-weight: bold; }
.chart { margin: 6pt 0 12pt; break-inside: avoid; }
.chart figcaption { font-size: 8.5pt; color: #4b5563; }
.chart-label, .chart-value { font-size: 10px; fill: #111827; }
.graph { border: 0.5pt solid #d1d5db; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4pt 14pt; font-size: 8.5pt; }
.finding { border-top: 0.5pt solid #d1d5db; padding-top: 2pt; }
.finding .meta { color: #4b5563; font-size: 8.5pt; margin: 0 0 3pt; }
.severity { font-weight: bold; text-transform: uppercase; }
.hint { color: #4b5563; font-size: 8.5pt; }
.page-break { break-before: page; }
`;
