import { createHash } from 'node:crypto';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = string | number | Html | readonly Html[] | null | undefined | false;

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  parts.forEach((part, i) => {
    out += renderPart(part) + strings[i + 1];
  });
  return new Html(out);
}

function renderPart(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map((p: Html) => p.value).join('');
  return escapeHtml(String(part));
}

const STYLE = `
  body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f7f7f8}
  main{max-width:44rem;margin:0 auto}
  .card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
  .banner{background:#fff3cd;border:1px solid #e0c36b;border-radius:8px;padding:.5rem 1rem}
  .error{border-color:#d9534f}
  a.button,button{display:inline-block;background:#2d7ff9;color:#fff;border:0;border-radius:6px;
    padding:.6rem 1rem;font-size:1rem;text-decoration:none;cursor:pointer}
  button.secondary{background:#666}
  code{background:#eee;padding:0 .25rem;border-radius:3px;word-break:break-all}
  ul{padding-left:1.25rem}
  .scroll{overflow-x:auto}
  table{border-collapse:collapse;font-size:.9rem}
  th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
`;

/** The Content-Security-Policy source that allows exactly the pages' one inline style block. */
export const PAGE_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The pages' Content-Security-Policy (app.setup.ts sends it on every response): their own inline style, nothing else. */
export const PAGE_POLICY: Readonly<Record<string, readonly string[]>> = {
  defaultSrc: ["'none'"],
  styleSrc: [PAGE_STYLE_SOURCE],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * The same policy with more places a form may lead to: browsers check every redirect that follows a
 * form's submission against form-action, so a form whose answer redirects to another site needs that
 * site's origin here.
 */
export function pagePolicy(formTargets: readonly string[] = []): string {
  const directives = { ...PAGE_POLICY, formAction: [...PAGE_POLICY.formAction, ...formTargets] };
  return Object.entries(directives)
    .map(([name, sources]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${sources.join(' ')}`)
    .join(';');
}

/** The one page layout: inline styles only, no scripts, nothing loaded from elsewhere. */
export function page(title: string, body: Html, banner?: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body><main>${banner}${body}</main></body>
</html>`.value;
}
