// The sandbox stands in for another company's server, so it renders its pages with its own escaping: a bug
// shared with the service's pages would hide itself in the tests.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Markup that is already safe: interpolated as is. */
export class Html {
  constructor(readonly value: string) {}
}

type Part = string | Html | readonly Html[];

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  parts.forEach((part, i) => {
    out += render(part) + strings[i + 1];
  });
  return new Html(out);
}

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (typeof part === 'string') return part.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
  return part.map((p) => p.value).join('');
}

const STYLE = `
  body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f7f7f8}
  main{max-width:44rem;margin:0 auto}
  .card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
  .error{border-color:#d9534f}
  button{display:inline-block;background:#2d7ff9;color:#fff;border:0;border-radius:6px;
    padding:.6rem 1rem;font-size:1rem;cursor:pointer}
  button.secondary{background:#666}
  code{background:#eee;padding:0 .25rem;border-radius:3px;word-break:break-all}
  ul{padding-left:1.25rem}
`;

export function sandboxPage(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`.value;
}
