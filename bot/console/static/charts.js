// Plain SVG charts (no library, no CDN): bars and lines over days, with labelled axes.
const SVGNS = "http://www.w3.org/2000/svg";
function el(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function chart(title, labels, series, opts) {
  opts = opts || {};
  const W = 420, H = 200, L = 40, B = 28, T = 10, R = 10;
  const values = series.flatMap(s => s.values.filter(v => v !== null && v !== undefined));
  const max = opts.max || Math.max(1, ...values);
  const box = document.createElement("div"); box.className = "chart";
  const h = document.createElement("h3"); h.textContent = title; box.appendChild(h);
  const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title});
  // Categories sit in the middle of equal slots; days run edge to edge.
  const x = opts.categories
    ? i => L + (i + 0.5) * (W - L - R) / Math.max(labels.length, 1)
    : i => L + (labels.length <= 1 ? (W - L - R) / 2 : i * (W - L - R) / (labels.length - 1));
  const y = v => H - B - (v / max) * (H - B - T);
  for (let g = 0; g <= 4; g++) {
    const v = max * g / 4;
    svg.appendChild(el("line", {x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e1e6ec"}));
    svg.appendChild(el("text", {x: L - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#5a6575"},
      opts.percent ? Math.round(v * 100) + "%" : (Math.round(v * 10) / 10)));
  }
  const step = Math.max(1, Math.ceil(labels.length / 7));
  labels.forEach((lab, i) => {
    if (opts.categories || i % step === 0) svg.appendChild(el("text", {x: x(i), y: H - 10, "text-anchor": "middle", "font-size": 10, fill: "#5a6575"}, opts.categories ? lab : lab.slice(5)));
  });
  series.forEach((s, si) => {
    if (s.kind === "bar") {
      const bw = Math.max(3, (W - L - R) / Math.max(labels.length, 1) * 0.6 / series.length);
      s.values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        svg.appendChild(el("rect", {x: x(i) - bw * series.length / 2 + si * bw, y: y(v), width: bw, height: H - B - y(v), fill: s.color}));
      });
    } else {
      let d = "";
      s.values.forEach((v, i) => { if (v !== null && v !== undefined) d += (d ? " L" : "M") + x(i) + " " + y(v); });
      if (d) svg.appendChild(el("path", {d, fill: "none", stroke: s.color, "stroke-width": 2}));
      s.values.forEach((v, i) => { if (v !== null && v !== undefined) svg.appendChild(el("circle", {cx: x(i), cy: y(v), r: 2.5, fill: s.color})); });
    }
  });
  box.appendChild(svg);
  const legend = document.createElement("div"); legend.className = "muted";
  series.forEach(s => {
    const key = document.createElement("span"); key.textContent = "■ "; key.style.color = s.color;
    legend.append(key, s.name + "   ");
  });
  box.appendChild(legend);
  return box;
}
window.minwonChart = chart;
