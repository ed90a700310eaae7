// The console page: login, lists, the handoff packet, replies, live updates over the WebSocket.
"use strict";
const $ = s => document.querySelector(s);
const state = {me: null, view: "queue", selected: null, packet: null, agents: [], canned: []};

function node(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = text; if (cls) e.className = cls; return e; }
function fmtTime(iso) { if (!iso) return ""; const d = typeof iso === "number" ? new Date(iso * 1000) : new Date(iso); return d.toLocaleString("ko-KR", {hour12: false}); }
function fmtWait(s) { if (s === null || s === undefined) return "–"; return s < 60 ? Math.round(s) + "s" : Math.round(s / 60) + "m"; }

async function api(method, path, body) {
  const headers = {"Accept": "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (state.me && method !== "GET") headers["X-CSRF-Token"] = state.me.csrf;
  const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin"});
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== "/api/login") { showLogin(); }
  if (!res.ok) { const err = new Error(data.message || res.statusText); err.code = data.code; err.status = res.status; throw err; }
  return data;
}

function showLogin() { state.me = null; state.selected = null; $("#detail-pane").hidden = true; $("#login-view").hidden = false; $("#work").hidden = true; $("#nav").hidden = true; $("#who").hidden = true; }

async function login(ev) {
  ev.preventDefault();
  const form = ev.target;
  $("#login-error").textContent = "";
  try {
    const t = await (await fetch("/api/login-token", {credentials: "same-origin"})).json();
    const res = await fetch("/api/login", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": t.csrf},
      body: JSON.stringify({username: form.username.value, password: form.password.value})});
    const data = await res.json();
    if (!res.ok) throw new Error(data.message);
    start(data);
  } catch (e) { $("#login-error").textContent = "로그인 실패 · " + e.message; }
}

async function start(me) {
  state.me = me;
  $("#login-view").hidden = true; $("#work").hidden = false; $("#nav").hidden = false; $("#who").hidden = false;
  $("#who-name").textContent = `${me.display_name} (${me.role})`;
  document.querySelectorAll("nav .sup").forEach(b => b.hidden = me.role !== "supervisor");
  state.agents = (await api("GET", "/api/agents")).agents;
  state.canned = (await api("GET", "/api/canned")).replies;
  const sel = $("#canned"); sel.length = 1;
  state.canned.forEach(c => { for (const lang of ["ko", "en"]) { const o = node("option", `[${lang}] ${c[lang]}`); o.value = c[lang]; sel.appendChild(o); } });
  connect();
  const initial = location.pathname === "/dashboard" && me.role === "supervisor" ? "dashboard" : "queue";
  show(initial);
}

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  ws.onopen = () => $("#live").classList.add("on");
  ws.onclose = () => { $("#live").classList.remove("on"); if (state.me) setTimeout(connect, 2000); };
  let pending = null;
  ws.onmessage = ev => {
    const event = JSON.parse(ev.data);
    clearTimeout(pending);
    pending = setTimeout(() => refresh(event), 150);  // a burst of events -> one refresh
  };
}

async function refresh(event) {
  await Promise.all([loadCounts(), state.view === "dashboard" ? loadDashboard() : (state.view === "audit" ? loadAudit() : loadList())]);
  const wide = state.view === "dashboard" || state.view === "audit";
  if (!wide && state.selected && (!event || !event.handoff_id || event.handoff_id === state.selected)) await openHandoff(state.selected, true);
}

async function loadCounts() {
  const [q, m] = await Promise.all([api("GET", "/api/queue"), api("GET", "/api/mine")]);
  $("#queue-count").textContent = q.waiting.length; $("#mine-count").textContent = m.handoffs.length;
  return [q, m];
}

function show(view) {
  state.view = view;
  document.querySelectorAll("nav button").forEach(b => b.classList.toggle("active", b.dataset.view === view));
  const wide = view === "dashboard" || view === "audit";
  $("#work").classList.toggle("wide", wide);
  $("#list-pane").hidden = wide; $("#dashboard-pane").hidden = !wide;
  if (wide) $("#detail-pane").hidden = true; else if (state.selected) $("#detail-pane").hidden = false;
  history.replaceState(null, "", view === "dashboard" ? "/dashboard" : "/");
  refresh();
}

function table(headers, rows, onPick) {
  const thead = $("#list thead"), tbody = $("#list tbody");
  thead.replaceChildren(); tbody.replaceChildren();
  const tr = node("tr"); headers.forEach(h => tr.appendChild(node("th", h))); thead.appendChild(tr);
  rows.forEach(r => {
    const row = node("tr"); r.cells.forEach(c => row.appendChild(node("td", c)));
    if (r.id === state.selected) row.classList.add("sel");
    row.dataset.id = r.id;
    if (onPick) row.onclick = () => onPick(r.id);
    tbody.appendChild(row);
  });
  $("#list-empty").hidden = rows.length > 0;
}

async function loadList() {
  const view = state.view, tools = $("#list-tools");
  const stale = () => state.view !== view;  // the agent switched views while this answer was on its way
  if (view === "queue") {
    const q = await api("GET", "/api/queue");
    if (stale()) return;
    tools.replaceChildren();
    tools.appendChild(node("p", `상담원 접속 ${q.agents_online}명 · agents on line · ` + Object.entries(q.lengths).map(([k, v]) => `${k}: ${v}`).join(", "), "muted"));
    table(["#", "대화 Conversation", "언어 Lang", "분야 Skill", "사유 Reason", "대기 Waiting"],
      q.waiting.map(w => ({id: w.id, cells: [w.position, w.conversation_id, w.language, w.skill, w.reason, fmtWait((Date.now() - Date.parse(w.waiting_since)) / 1000)]})), openHandoff);
    const form = node("form"); form.className = "row";
    const input = node("input"); input.placeholder = "tg:123 / sms:+8210… / web:… 직접 인계 · take over"; input.id = "takeover-id";
    input.setAttribute("aria-label", "인계할 대화 · conversation to take over");
    // Agents must say why they take a conversation the citizen did not hand over (audited); supervisors may leave it empty.
    const reason = node("input"); reason.placeholder = "사유 · reason"; reason.id = "takeover-reason";
    reason.setAttribute("aria-label", "인계 사유 · reason for taking over");
    const btn = node("button", "인계 · Take over"); form.append(input, reason, btn);
    form.onsubmit = async ev => { ev.preventDefault(); try { const a = await api("POST", "/api/takeover", {conversation_id: input.value.trim(), reason: reason.value.trim()}); state.selected = a.handoff_id; show("mine"); } catch (e) { alert(e.message); } };
    tools.appendChild(form);
  } else if (view === "mine") {
    const m = await api("GET", "/api/mine");
    if (stale()) return;
    tools.replaceChildren();
    table(["대화 Conversation", "채널 Channel", "언어 Lang", "분야 Skill", "시작 Since"],
      m.handoffs.map(h => ({id: h.id, cells: [h.conversation_id, h.channel, h.language, h.skill, fmtTime(h.created_at)]})), openHandoff);
  } else if (view === "history") {
    const h = await api("GET", "/api/history");
    if (stale()) return;
    tools.replaceChildren();
    table(["대화 Conversation", "상담원 Agent", "상태 State", "만족도 Score", "종료 Closed"],
      h.handoffs.map(x => ({id: x.id, cells: [x.conversation_id, x.agent || "–", x.state, x.satisfaction || "–", fmtTime(x.closed_at)]})), openHandoff);
  } else if (view === "callbacks") {
    const c = await api("GET", "/api/callbacks");
    if (stale()) return;
    tools.replaceChildren();
    table(["티켓 Ticket", "대화 Conversation", "언어 Lang", "분야 Skill", "사유 Why", "예정 Due"],
      c.callbacks.map(x => ({id: x.handoff_id, cells: [x.id, x.conversation_id, x.language, x.skill, x.why, fmtTime(x.due_at)]})), openHandoff);
    c.callbacks.forEach(x => {
      const b = node("button", `${x.id} 완료 · done`); b.onclick = async () => { await api("POST", `/api/callbacks/${x.id}/done`); refresh(); };
      tools.appendChild(b);
    });
  }
}

function bubble(who, text, meta, cls) {
  const m = node("div", null, "msg " + (cls || who)); m.appendChild(node("small", meta)); m.appendChild(document.createTextNode(text)); return m;
}

async function openHandoff(id, quiet) {
  state.selected = id;
  document.querySelectorAll("#list tbody tr").forEach(r => r.classList.toggle("sel", r.dataset.id === id));
  let p;
  try { p = await api("GET", `/api/handoffs/${id}`); } catch (e) { if (!quiet) alert(e.message); return; }
  state.packet = p;
  const h = p.handoff;
  if (state.view === "dashboard" || state.view === "audit") return;  // the answer came after the view changed
  $("#detail-pane").hidden = false;
  const head = $("#detail-head"); head.replaceChildren();
  head.appendChild(node("h2", `${h.conversation_id}`));
  head.appendChild(node("span", h.verified ? "본인인증 완료 · verified" : "미인증 · not verified", "tag " + (h.verified ? "ok" : "warn")));
  head.appendChild(node("span", ` ${h.state}${h.agent ? " · " + h.agent : ""}${h.position ? " · #" + h.position : ""}`, "tag"));
  const ctx = $("#context"); ctx.replaceChildren();
  const add = (k, v) => { ctx.appendChild(node("dt", k)); ctx.appendChild(node("dd", v === null || v === undefined || v === "" ? "–" : String(v))); };
  add("채널 Channel", h.channel); add("언어 Language", h.language); add("전화 Phone", h.masked_phone);
  add("사유 Reason", h.reason); add("분야 Skill", h.skill); add("의도 Intent", p.intent);
  add("양식 Form", p.form.name); Object.entries(p.form.slots || {}).forEach(([k, v]) => add("· " + k, typeof v === "object" ? JSON.stringify(v) : v));
  add("최근 오류 Errors", (p.last_errors || []).join("; "));
  add("만족도 Satisfaction", h.satisfaction);
  const rec = $("#records"); rec.replaceChildren();
  if (!p.records.available) rec.appendChild(node("p", "없음 · " + (p.records.why || "not available"), "muted"));
  else {
    if (p.records.name) rec.appendChild(node("p", "성명 Name: " + p.records.name));
    if ((p.records.missing || []).length) rec.appendChild(node("p", "govapi에서 못 읽음 · not available from govapi: " + p.records.missing.join(", "), "muted"));
    const t = node("table");
    (p.records.applications || []).forEach(a => { const r = node("tr"); r.append(node("td", a.number), node("td", (a.kind_label || {})[h.language] || a.kind), node("td", (a.status_label || {})[h.language] || a.status)); t.appendChild(r); });
    (p.records.fines || []).forEach(f => { const r = node("tr"); r.append(node("td", f.notice_number), node("td", (f.kind_label || {})[h.language] || f.kind), node("td", `₩${(f.amount_due || 0).toLocaleString()} ${f.status}`)); t.appendChild(r); });
    rec.appendChild(t);
  }
  const tr = $("#transcript"); tr.replaceChildren();
  if (p.tracker_error) tr.appendChild(node("p", "챗봇 기록을 불러오지 못함 · transcript unavailable: " + p.tracker_error, "error"));
  p.transcript_before.forEach(t => tr.appendChild(bubble(t.who, t.text, `${t.who === "citizen" ? "시민 citizen" : (t.author || "bot")} ${fmtTime(t.at)}${t.intent ? " · " + t.intent : ""}`)));
  tr.appendChild(node("div", `상담원 연결 · handoff ${fmtTime(h.created_at)}`, "divider"));
  p.messages.forEach(m => {
    let meta = `${m.who === "citizen" ? "시민 citizen" : m.author} ${fmtTime(m.at)}`;
    if (m.status === "refused") meta += ` · 전송 거부 refused: ${m.refusal}`;
    if (m.status === "failed") meta += " · 전송 실패 failed";
    tr.appendChild(bubble(m.who, m.text, meta, m.status === "refused" || m.status === "failed" ? m.who + " " + m.status : m.who));
  });
  tr.scrollTop = tr.scrollHeight;
  const notes = $("#notes"); notes.replaceChildren();
  p.notes.forEach(n => notes.appendChild(node("li", `${n.author}: ${n.text}`)));
  const mineNow = h.state === "claimed" && (h.agent === state.me.username || state.me.role === "supervisor");
  $("#reply-form").hidden = !mineNow; $("#owner-actions").hidden = !mineNow;
  $("#actions").hidden = h.state !== "queued";
  const target = $("#transfer-target"); target.replaceChildren();
  state.agents.filter(a => a.username !== h.agent).forEach(a => { const o = node("option", `→ ${a.display_name}`); o.value = "agent:" + a.username; target.appendChild(o); });
  for (const lang of ["ko", "en"]) for (const skill of ["general", "payments", "address", "complaints"]) {
    const o = node("option", `→ 대기열 queue ${lang}:${skill}`); o.value = `queue:${lang}:${skill}`; target.appendChild(o);
  }
}

async function act(fn) { try { await fn(); } catch (e) { alert((e.code ? e.code + ": " : "") + e.message); } await refresh(); }

document.addEventListener("DOMContentLoaded", async () => {
  $("#login-form").onsubmit = login;
  $("#logout").onclick = async () => { await api("POST", "/api/logout").catch(() => {}); showLogin(); };
  document.querySelectorAll("nav button").forEach(b => b.onclick = () => show(b.dataset.view));
  $("#canned").onchange = ev => { if (ev.target.value) $("#reply-text").value = ev.target.value; ev.target.value = ""; };
  $("#claim").onclick = () => act(async () => { await api("POST", `/api/handoffs/${state.selected}/claim`); show("mine"); });
  $("#reply-form").onsubmit = async ev => {
    ev.preventDefault();
    const text = $("#reply-text").value.trim(); if (!text) return;
    $("#reply-status").textContent = "…";
    try { await api("POST", `/api/handoffs/${state.selected}/reply`, {text}); $("#reply-text").value = ""; $("#reply-status").textContent = "보냄 · sent"; }
    catch (e) { $("#reply-status").textContent = "보내지 못함 · not sent: " + e.message; }
    await openHandoff(state.selected, true);
  };
  $("#note-form").onsubmit = ev => { ev.preventDefault(); const text = $("#note-text").value.trim(); if (!text) return;
    act(async () => { await api("POST", `/api/handoffs/${state.selected}/notes`, {text}); $("#note-text").value = ""; }); };
  $("#transfer").onclick = () => act(async () => {
    const [kind, a, b] = $("#transfer-target").value.split(":");
    await api("POST", `/api/handoffs/${state.selected}/transfer`, kind === "agent" ? {agent: a} : {language: a, skill: b});
  });
  $("#close").onclick = () => act(async () => { await api("POST", `/api/handoffs/${state.selected}/close`, {survey: $("#survey").checked}); });
  try { start(await api("GET", "/api/me")); } catch (e) { showLogin(); }
});

async function loadDashboard() {
  const d = await api("GET", "/api/dashboard?days=14");
  const pane = $("#dashboard-pane"); pane.replaceChildren();
  pane.appendChild(node("h2", "대시보드 · Supervisor dashboard"));
  const kpis = node("div", null, "kpis");
  const total = Object.values(d.now.queue_lengths).reduce((a, b) => a + b, 0);
  const last = d.days[d.days.length - 1] || {};
  [["대기 중 Waiting now", total], ["최장 대기 Longest wait", fmtWait(d.now.longest_wait_seconds)], ["상담원 Agents on line", d.now.agents_online],
   ["오늘 연결 Handoffs today", last.handoffs], ["오늘 자동처리율 Containment today", last.containment_rate === null || last.containment_rate === undefined ? "–" : Math.round(last.containment_rate * 100) + "%"],
   ["오늘 만족도 Satisfaction today", last.satisfaction || "–"]].forEach(([k, v]) => { const b = node("div", null, "kpi"); b.append(node("b", v), node("span", k)); kpis.appendChild(b); });
  pane.appendChild(kpis);
  const labels = d.days.map(x => x.day);
  const charts = node("div", null, "charts");
  charts.appendChild(minwonChart("대기열 길이 · Queue length now (per queue)", Object.keys(d.now.queue_lengths),
    [{name: "waiting", kind: "bar", color: "#0b3d6e", values: Object.values(d.now.queue_lengths)}], {categories: true}));
  charts.appendChild(minwonChart("상담 연결·콜백 · Handoffs and callbacks per day", labels,
    [{name: "handoffs", kind: "bar", color: "#0b3d6e", values: d.days.map(x => x.handoffs)}, {name: "callbacks", kind: "bar", color: "#e4572e", values: d.days.map(x => x.callbacks)}]));
  charts.appendChild(minwonChart("평균 대기(초) · Mean wait before an agent (s)", labels, [{name: "mean wait", kind: "line", color: "#e4572e", values: d.days.map(x => x.mean_wait_seconds)}]));
  charts.appendChild(minwonChart("연결률·자동처리율 · Handoff rate and containment rate", labels,
    [{name: "handoff rate", kind: "line", color: "#e4572e", values: d.days.map(x => x.handoff_rate)}, {name: "containment rate", kind: "line", color: "#0b6e4f", values: d.days.map(x => x.containment_rate)}], {max: 1, percent: true}));
  charts.appendChild(minwonChart("만족도(1-5) · Satisfaction", labels, [{name: "mean score", kind: "line", color: "#0b6e4f", values: d.days.map(x => x.satisfaction)}], {max: 5}));
  const svc = Object.entries(d.per_service);
  charts.appendChild(minwonChart("분야별 연결 · Handoffs per service", svc.map(([k]) => k),
    [{name: "handoffs", kind: "bar", color: "#0b3d6e", values: svc.map(([, v]) => v.handoffs)}], {categories: true}));
  charts.appendChild(minwonChart("분야별 만족도 · Satisfaction per service (1-5)", svc.map(([k]) => k),
    [{name: "mean score", kind: "bar", color: "#0b6e4f", values: svc.map(([, v]) => v.satisfaction)}], {categories: true, max: 5}));
  charts.appendChild(minwonChart("분야별 평균 대기(초) · Mean wait per service (s)", svc.map(([k]) => k),
    [{name: "mean wait", kind: "bar", color: "#e4572e", values: svc.map(([, v]) => v.mean_wait_seconds)}], {categories: true}));
  pane.appendChild(charts);
  if (d.days.every(x => x.conversations === null)) pane.appendChild(node("p", "전체 대화 수가 아직 집계되지 않아 자동처리율을 계산할 수 없습니다 · Containment needs the connectors' conversation counts (minwon:stats:conversations:<day>).", "muted"));
}

async function loadAudit() {
  const a = await api("GET", "/api/audit");
  const pane = $("#dashboard-pane"); pane.replaceChildren(node("h2", "감사 로그 · Audit log"));
  const t = node("table"); const head = node("tr"); ["시각 At", "누가 Actor", "무엇 Action", "대상 Target", "세부 Detail"].forEach(h => head.appendChild(node("th", h))); t.appendChild(head);
  a.entries.forEach(e => { const r = node("tr"); r.append(node("td", fmtTime(e.at)), node("td", e.actor), node("td", e.action), node("td", e.target || ""), node("td", e.detail ? JSON.stringify(e.detail) : "")); t.appendChild(r); });
  pane.appendChild(t);
}
