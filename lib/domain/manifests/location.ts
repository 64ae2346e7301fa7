import { AppError } from "../errors";

/** Where an object was read: file, 1-based document within the file, 1-based item of a List. */
export interface SourceLocation {
  file: string;
  document: number;
  item?: number;
}

/** `shop.yaml, document 3` or `dump.yaml, document 1, item 4`. */
export function describeLocation(at: SourceLocation): string {
  const item = at.item === undefined ? "" : `, item ${at.item}`;
  return `${at.file}, document ${at.document}${item}`;
}

export interface ProblemDetails {
  /** The object, e.g. `Deployment shop/frontend`, when it is known. */
  subject?: string;
  line?: number;
  column?: number;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].name`. */
  field?: string;
}

/**
 * The AppError for input Meshlens cannot read. The message says where (file, document, item,
 * and a line for syntax errors or a field path for schema errors) so a person can find the spot
 * without counting `---` separators. When a field path is given it is the locator the message
 * shows; the line still goes into the details, for tools.
 */
export function invalidManifest(at: SourceLocation, reason: string, extra: ProblemDetails = {}): AppError {
  const subject = extra.subject ? ` (${extra.subject})` : "";
  const position =
    extra.line === undefined || extra.field ? "" : `line ${extra.line}${extra.column === undefined ? "" : `, column ${extra.column}`}: `;
  const field = extra.field ? `${extra.field}: ` : "";
  const details: Record<string, unknown> = { file: at.file, document: at.document };
  if (at.item !== undefined) details.item = at.item;
  if (extra.subject) details.object = extra.subject;
  if (extra.line !== undefined) details.line = extra.line;
  if (extra.column !== undefined) details.column = extra.column;
  if (extra.field) details.field = extra.field;
  return new AppError("invalid_manifest", `${describeLocation(at)}${subject}: ${position}${field}${reason}`, details);
}
