// A horizontal bar chart as a standalone SVG, no dependencies.
const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function chart(bars, title = '/auth/login, requests per second (higher is better)') {
  const width = 760;
  const labelWidth = 330;
  const barHeight = 26;
  const top = 40;
  const max = Math.max(...bars.map((b) => b.value));
  const rows = bars
    .map((bar, i) => {
      const y = top + i * (barHeight + 10);
      const w = Math.max(2, ((width - labelWidth - 90) * bar.value) / max);
      return `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escape(bar.label)}</text>
<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${i === 0 ? '#888' : '#2d7ff9'}"/>
<text x="${labelWidth + w + 6}" y="${y + 18}">${Math.round(bar.value).toLocaleString('en')}</text>`;
    })
    .join('\n');
  const height = top + bars.length * (barHeight + 10) + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
<text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>
${rows}
</svg>
`;
}
