// Hand-written SVG: `can` latency (p50, with p99 as a thin whisker) against N, log–log, one line per system.
const COLORS = { permeval: '#d9480f', CASL: '#1971c2', Cedar: '#2f9e44', casbin: '#862e9c' };

export function renderLatencySvg(results) {
  const W = 760, H = 460, L = 80, R = 170, T = 50, B = 60;
  const sizes = Object.values(results.sizes).map((s) => s.n).sort((a, b) => a - b);
  const series = {};
  const cut = {};
  for (const s of Object.values(results.sizes)) {
    for (const [name, sys] of Object.entries(s.systems)) {
      series[name] ??= [];
      if (sys.metrics?.can) series[name].push({ n: s.n, p50: sys.metrics.can.p50, p99: sys.metrics.can.p99 });
      else if (sys.cutOff) (cut[name] ??= []).push(s.n);
    }
  }
  const all = Object.values(series).flat();
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...all.map((p) => p.p50)) * 0.8));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...all.map((p) => p.p99)) * 1.2));
  const xMin = Math.min(...sizes) / 2, xMax = Math.max(...sizes) * 2;
  const x = (n) => L + ((Math.log10(n) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - L - R);
  const y = (ns) => T + (1 - (Math.log10(ns) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - T - B);
  const fmtNs = (ns) => (ns >= 1e6 ? `${ns / 1e6} ms` : ns >= 1e3 ? `${ns / 1e3} µs` : `${ns} ns`);
  const fmtN = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${L}" y="24" font-size="15" font-weight="bold">can(principal, permission, type, id): latency vs ACL rows (log–log)</text>`);
  out.push(`<text x="${L}" y="40" fill="#555">p50 per check (dot), p99 of batch means (whisker); Node ${results.machine.node}, ${results.machine.nproc} cores, ${results.date.slice(0, 10)}; noisy machine</text>`);
  for (let d = yMin; d <= yMax * 1.0001; d *= 10) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(d).toFixed(1)}" y2="${y(d).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${L - 8}" y="${(y(d) + 4).toFixed(1)}" text-anchor="end" fill="#333">${fmtNs(d)}</text>`);
  }
  for (const n of sizes) {
    out.push(`<line x1="${x(n).toFixed(1)}" x2="${x(n).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x(n).toFixed(1)}" y="${H - B + 18}" text-anchor="middle" fill="#333">${fmtN(n)}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">ACL rows (N)</text>`);
  out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">latency per check</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`);
  let ly = T + 10;
  for (const [name, pts] of Object.entries(series)) {
    const c = COLORS[name] ?? '#000';
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${x(p.n).toFixed(1)},${y(p.p50).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(`<line x1="${x(p.n).toFixed(1)}" x2="${x(p.n).toFixed(1)}" y1="${y(p.p50).toFixed(1)}" y2="${y(p.p99).toFixed(1)}" stroke="${c}" stroke-width="1"/>`);
      out.push(`<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.p50).toFixed(1)}" r="4" fill="${c}"><title>${name} N=${fmtN(p.n)}: p50 ${(p.p50 / 1000).toFixed(3)} µs, p99 ${(p.p99 / 1000).toFixed(3)} µs</title></circle>`);
    }
    for (const n of cut[name] ?? []) {
      out.push(`<text x="${x(n).toFixed(1)}" y="${T + 14}" text-anchor="middle" fill="${c}" font-weight="bold">✕</text>`);
    }
    out.push(`<rect x="${W - R + 14}" y="${ly - 9}" width="12" height="12" fill="${c}"/>`);
    out.push(`<text x="${W - R + 32}" y="${ly + 1}">${name}${cut[name] ? ` (✕ = cut off)` : ''}</text>`);
    ly += 20;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
