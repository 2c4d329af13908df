// The two HTML shells; the scripts are bundled from TypeScript by esbuild when the box starts.
export const STYLE = `
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;padding:12px;background:#f4f6f8;color:#1b2733}
h1{font-size:1.4em}button{font-size:1em;padding:.6em 1em;margin:.25em;border-radius:6px;border:1px solid #8aa}
button.primary{background:#0b5cad;color:#fff;border:none;width:100%;padding:.9em}
input{font-size:1.1em;padding:.6em;margin:.3em 0;width:100%;box-sizing:border-box}
video,canvas{width:100%;background:#000;border-radius:8px}#status{padding:.6em;background:#fff7d6;border-radius:6px}#status:empty{display:none}.warn{color:#b71c1c}
.card{padding:1em;font-size:1.2em;background:#c62828;color:#fff;border-radius:8px;margin:.5em 0}
.card.may_leave{background:#2e7d32}#main{display:flex;flex-wrap:wrap;gap:12px}#main>*{flex:1 1 320px}
`

export function page(title: string, script: string) {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${title}</title><style>${STYLE}</style></head>
<body><div id="status" role="status"></div><div id="main"></div>
<script type="module" src="/assets/${script}.js"></script></body></html>`
}
