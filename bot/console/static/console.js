// The console page: login, lists, the handoff packet, replies, live updates over the WebSocket.
"use strict";
const $ = s => document.querySelector(s);
const t = (k, v) => i18n.t(k, v);
// `shown` is the case whose per-conversation controls (reply status, survey box, drafts) are on screen now.
const state = {me: null, view: "queue", selected: null, shown: null, packet: null, agents: [], canned: [], auditKind: "all"};

function node(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = text; if (cls) e.className = cls; return e; }
function locale() { return i18n.lang === "en" ? "en-GB" : "ko-KR"; }
function fmtTime(iso) { if (!iso) return ""; const d = typeof iso === "number" ? new Date(iso * 1000) : new Date(iso); return d.toLocaleString(locale(), {hour12: false, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"}); }
function fmtWait(s) { if (s === null || s === undefined) return "–"; return s < 60 ? Math.round(s) + (i18n.lang === "ko" ? "초" : "s") : Math.round(s / 60) + (i18n.lang === "ko" ? "분" : " min"); }
function flash(message, ok, code) { const f = $("#flash"); f.className = ok ? "ok" : "error"; f.textContent = message || ""; f.dataset.code = code || ""; }
// A refusal in the agent's words when the console knows the code; the server's own message otherwise.
function failed(e) { flash(e.code && i18n.has("e_" + e.code) ? t("e_" + e.code) : e.message, false, e.code); }

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

function showLogin() { state.me = null; state.selected = null; state.shown = null; $("#detail-pane").hidden = true; $("#login-view").hidden = false; $("#work").hidden = true; $("#nav").hidden = true; $("#who").hidden = true; }

// A refused login in the agent's words: the wait the console asked for (Retry-After), else its own message.
function loginRefusal(data) {
  const code = "e_" + (data.code || "");
  return i18n.has(code) ? t(code, {seconds: data.retry_after_seconds || 1}) : data.message;
}

async function login(ev) {
  ev.preventDefault();
  const form = ev.target;
  $("#login-error").textContent = "";
  try {
    for (let attempt = 1; ; attempt++) {
      const tok = await (await fetch("/api/login-token", {credentials: "same-origin"})).json();
      const res = await fetch("/api/login", {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": tok.csrf},
        body: JSON.stringify({username: form.username.value, password: form.password.value})});
      const data = await res.json();
      if (res.ok) { await start(data); break; }
      // Busy checking other logins (a shift starting): this attempt was not counted; try again as asked, twice.
      if (data.code === "login_busy" && attempt < 3) {
        $("#login-error").textContent = loginRefusal(data);
        await new Promise(done => setTimeout(done, 1000 * (data.retry_after_seconds || 1)));
        continue;
      }
      throw new Error(loginRefusal(data));
    }
    $("#login-error").textContent = "";
    $("#list-title").focus();  // the login form is gone: the agent continues at the list, not at the top
  } catch (e) { $("#login-error").textContent = t("login_failed") + " · " + e.message; }
}

function fillCanned() {
  const sel = $("#canned"); sel.length = 1;
  const mine = i18n.lang, other = mine === "ko" ? "en" : "ko";
  state.canned.forEach(c => { for (const lang of [mine, other]) { const o = node("option", `[${t("lang_" + lang)}] ${c[lang]}`); o.value = c[lang]; o.lang = lang; sel.appendChild(o); } });
}

async function start(me) {
  state.me = me;
  $("#login-view").hidden = true; $("#work").hidden = false; $("#nav").hidden = false; $("#who").hidden = false;
  whoName();
  document.querySelectorAll("nav .sup").forEach(b => b.hidden = me.role !== "supervisor");
  state.agents = (await api("GET", "/api/agents")).agents;
  state.canned = (await api("GET", "/api/canned")).replies;
  fillCanned();
  connect();
  const initial = location.pathname === "/dashboard" && me.role === "supervisor" ? "dashboard" : "queue";
  await show(initial);
}

function whoName() { if (state.me) $("#who-name").textContent = `${state.me.display_name} (${t("role_" + state.me.role)})`; }

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  const live = on => { const e = $("#live"); e.classList.toggle("on", on); e.dataset.i18n = on ? "live" : "offline"; e.textContent = t(e.dataset.i18n); };
  ws.onopen = () => live(true);
  ws.onclose = () => { live(false); if (state.me) setTimeout(connect, 2000); };
  let pending = null;
  ws.onmessage = ev => {
    const event = JSON.parse(ev.data);
    clearTimeout(pending);
    pending = setTimeout(() => refresh(event), 150);  // a burst of events -> one refresh
  };
}

const WIDE = new Set(["dashboard", "audit"]);

async function refresh(event) {
  await Promise.all([loadCounts(), state.view === "dashboard" ? loadDashboard() : (state.view === "audit" ? loadAudit() : loadList())]);
  if (!WIDE.has(state.view) && state.selected && (!event || !event.handoff_id || event.handoff_id === state.selected)) await openHandoff(state.selected, true);
}

async function loadCounts() {
  const [q, m] = await Promise.all([api("GET", "/api/queue"), api("GET", "/api/mine")]);
  $("#queue-count").textContent = q.waiting.length; $("#mine-count").textContent = m.handoffs.length;
}

async function show(view) {
  state.view = view;
  document.querySelectorAll("nav button").forEach(b => { const on = b.dataset.view === view; b.classList.toggle("active", on); if (on) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current"); });
  const wide = WIDE.has(view);
  $("#work").classList.toggle("wide", wide);
  $("#list-pane").hidden = wide; $("#dashboard-pane").hidden = !wide;
  if (wide) $("#detail-pane").hidden = true; else if (state.selected) $("#detail-pane").hidden = false;
  $("#list-title").textContent = t(view);
  history.replaceState(null, "", view === "dashboard" ? "/dashboard" : "/");
  await refresh();
}

function table(headers, rows, onPick) {
  const thead = $("#list thead"), tbody = $("#list tbody");
  thead.replaceChildren(); tbody.replaceChildren();
  const tr = node("tr"); headers.forEach(h => { const th = node("th", h); th.scope = "col"; tr.appendChild(th); }); thead.appendChild(tr);
  rows.forEach(r => {
    const row = node("tr");
    r.cells.forEach((c, i) => {
      const td = node("td");
      // The case opens from a real button in its row: reachable by Tab, announced as a button.
      if (i === r.pick && onPick) { const b = node("button", c, "link"); b.type = "button"; b.dataset.open = r.id; b.setAttribute("aria-label", `${t("open")}: ${c}`); b.onclick = () => onPick(r.id); td.appendChild(b); }
      else td.textContent = c === null || c === undefined ? "" : String(c);
      row.appendChild(td);
    });
    if (r.id === state.selected) row.classList.add("sel");
    row.dataset.id = r.id;
    // A click anywhere on the row opens it too (a mouse convenience; the button is the keyboard's way in).
    if (onPick) row.onclick = ev => { if (!ev.target.closest("button")) onPick(r.id); };
    tbody.appendChild(row);
  });
  $("#list-empty").hidden = rows.length > 0;
}

function langSkill(lang, skill) { return `${t("lang_" + lang)} · ${i18n.skill(skill)}`; }

async function loadList() {
  const view = state.view, tools = $("#list-tools");
  if (view !== "queue") $("#list-foot").replaceChildren();
  const stale = () => state.view !== view;  // the agent switched views while this answer was on its way
  if (view === "queue") {
    const q = await api("GET", "/api/queue");
    if (stale()) return;
    tools.replaceChildren();
    tools.appendChild(node("p", t("agents_online", {n: q.agents_online}) + " · " + Object.entries(q.lengths).map(([k, v]) => { const [l, s] = k.split(":"); return `${langSkill(l, s)}: ${v}`; }).join(", "), "muted"));
    table([t("col_pos"), t("col_conv"), t("col_skill"), t("col_reason"), t("col_wait")],
      q.waiting.map(w => ({id: w.id, pick: 1, cells: [w.position, w.conversation_id, langSkill(w.language, w.skill), reasonText(w.reason), fmtWait((Date.now() - Date.parse(w.waiting_since)) / 1000)]})), openHandoff);
    $("#list-foot").replaceChildren(takeoverForm());
  } else if (view === "mine") {
    const m = await api("GET", "/api/mine");
    if (stale()) return;
    tools.replaceChildren();
    table([t("col_conv"), t("col_skill"), t("col_since")],
      m.handoffs.map(h => ({id: h.id, pick: 0, cells: [h.conversation_id, langSkill(h.language, h.skill), fmtTime(h.created_at)]})), openHandoff);
  } else if (view === "history") {
    const h = await api("GET", "/api/history");
    if (stale()) return;
    tools.replaceChildren();
    table([t("col_conv"), t("col_agent"), t("col_state"), t("col_score"), t("col_closed")],
      h.handoffs.map(x => ({id: x.id, pick: 0, cells: [x.conversation_id, x.agent || "–", stateText(x.state), x.satisfaction || "–", fmtTime(x.closed_at)]})), openHandoff);
  } else if (view === "callbacks") {
    const c = await api("GET", "/api/callbacks");
    if (stale()) return;
    tools.replaceChildren();
    table([t("col_ticket"), t("col_conv"), t("col_skill"), t("col_due")],
      c.callbacks.map(x => ({id: x.handoff_id, pick: 1, cells: [x.id, x.conversation_id, langSkill(x.language, x.skill), fmtTime(x.due_at)]})), openHandoff);
    c.callbacks.forEach(x => {
      const b = node("button", `${x.id} ${t("done")}`); b.type = "button"; b.onclick = async () => { await api("POST", `/api/callbacks/${x.id}/done`); refresh(); };
      tools.appendChild(b);
    });
  }
}

// Handoff states and reasons as words (the packet's context has them too; lists only carry the codes).
const STATE_WORDS = {ko: {queued: "대기 중", claimed: "상담 중", closed: "종료", callback: "콜백 예정"},
                     en: {queued: "Waiting", claimed: "With an agent", closed: "Closed", callback: "Callback booked"}};
const REASON_WORDS = {ko: {requested: "시민 요청", agent: "상담원 인계", fallback: "챗봇 이해 못함", lockout: "인증 잠김", sensitive: "민감한 요청"},
                      en: {requested: "Citizen asked", agent: "Taken over", fallback: "Bot did not understand", lockout: "Verification locked", sensitive: "Sensitive request"}};
function stateText(s) { return STATE_WORDS[i18n.lang][s] || s; }
function reasonText(r) { return REASON_WORDS[i18n.lang][r] || r; }

function takeoverForm() {
  const form = node("form"); form.className = "row takeover";
  const idLabel = node("label", t("takeover_id"), "sr"); idLabel.htmlFor = "takeover-id";
  const input = node("input"); input.id = "takeover-id"; input.placeholder = "tg:123 / sms:+8210… / web:…";
  // Agents must say why they take a conversation the citizen did not hand over (audited); supervisors may leave it empty.
  const reasonLabel = node("label", t("takeover_reason"), "sr"); reasonLabel.htmlFor = "takeover-reason";
  const reason = node("input"); reason.id = "takeover-reason"; reason.placeholder = t("takeover_reason");
  const btn = node("button", t("takeover")); btn.type = "submit";
  form.append(idLabel, input, reasonLabel, reason, btn);
  form.onsubmit = async ev => {
    ev.preventDefault(); flash("");
    try { const a = await api("POST", "/api/takeover", {conversation_id: input.value.trim(), reason: reason.value.trim()}); state.selected = a.handoff_id; await show("mine"); }
    catch (e) { failed(e); }
  };
  return form;
}

function bubble(who, text, meta, cls) {
  const m = node("div", null, "msg " + (cls || who)); m.appendChild(node("small", meta)); m.appendChild(document.createTextNode(text)); return m;
}

function whoLabel(who, author) { return who === "citizen" ? t("citizen") : (who === "desk" ? t("desk") : (author && who === "agent" ? author : t("bot"))); }

// Controls that belong to one conversation start fresh when another is opened: a "sent" from the last citizen or an
// unticked survey box must never carry over to the next one.
function resetConversationControls() {
  $("#reply-status").textContent = ""; $("#reply-text").value = ""; $("#canned").value = "";
  $("#survey").checked = true; $("#note-text").value = "";
}

async function openHandoff(id, quiet) {
  state.selected = id;
  document.querySelectorAll("#list tbody tr").forEach(r => r.classList.toggle("sel", r.dataset.id === id));
  if (state.shown !== id) {  // at once, so nothing typed for the next case is wiped when its packet arrives
    resetConversationControls(); state.shown = id;
    $("#reply-form").hidden = true; $("#owner-actions").hidden = true; $("#actions").hidden = true;
  }
  let p;
  try { p = await api("GET", `/api/handoffs/${id}?lang=${i18n.lang}`); } catch (e) { if (!quiet) failed(e); return; }
  if (state.selected !== id || WIDE.has(state.view)) return;  // the answer came after the agent moved on
  state.packet = p;
  render(p);
  if (!quiet) $("#detail-title").focus();
}

function render(p) {
  const h = p.handoff, c = p.context;
  $("#detail-pane").hidden = false;
  $("#detail-title").textContent = h.conversation_id;
  const tags = $("#detail-tags"); tags.replaceChildren();
  tags.appendChild(node("span", h.verified ? t("verified") : t("not_verified"), "tag " + (h.verified ? "ok" : "warn")));
  tags.appendChild(node("span", `${c.state}${h.agent ? " · " + h.agent : ""}${h.position ? " · " + t("wait_position", {n: h.position}) : ""}`, "tag"));
  $("#service").textContent = c.service;
  $("#step").textContent = c.step ? c.step.text : "";
  const ctx = $("#context"); ctx.replaceChildren();
  const add = (k, v) => { ctx.appendChild(node("dt", k)); ctx.appendChild(node("dd", v === null || v === undefined || v === "" ? "–" : String(v))); };
  add(t("channel"), c.channel); add(t("language"), c.citizen_language); add(t("phone"), h.masked_phone);
  add(t("reason"), c.reason); add(t("skill"), c.skill);
  c.answers.forEach(a => add(a.label, a.value));
  if (c.errors.length) add(t("errors"), c.errors.join("; "));
  if (h.satisfaction) add(t("satisfaction"), h.satisfaction);
  const rec = $("#records"); rec.replaceChildren();
  if (!p.records.available) rec.appendChild(node("p", t("no_records"), "muted"));
  else {
    if (p.records.name) rec.appendChild(node("p", `${t("name")}: ${p.records.name}`));
    if ((p.records.missing || []).length) rec.appendChild(node("p", t("not_available"), "muted"));
    const tb = node("table"); tb.className = "records";
    const lang = i18n.lang;
    (p.records.applications || []).forEach(a => { const r = node("tr"); r.append(node("td", a.number), node("td", (a.kind_label || {})[lang] || ""), node("td", (a.status_label || {})[lang] || "")); tb.appendChild(r); });
    (p.records.fines || []).forEach((f, i) => { const r = node("tr"); r.append(node("td", f.notice_number), node("td", (f.kind_label || {})[lang] || ""), node("td", `₩${(f.amount_due || 0).toLocaleString()} ${c.fines[i] || ""}`)); tb.appendChild(r); });
    rec.appendChild(tb);
  }
  const tr = $("#transcript"); tr.replaceChildren();
  if (p.tracker_error) tr.appendChild(node("p", t("transcript_unavailable"), "error"));
  p.transcript_before.forEach(m => tr.appendChild(bubble(m.who, m.text, `${whoLabel(m.who, m.author)} ${fmtTime(m.at)}`)));
  tr.appendChild(node("div", `${t("handoff_at")} ${fmtTime(h.created_at)}`, "divider"));
  p.messages.forEach(m => {
    let meta = `${whoLabel(m.who, m.author)} ${fmtTime(m.at)}`;
    if (m.status === "refused") meta += ` · ${t("refused")}`;
    if (m.status === "failed") meta += ` · ${t("failed")}`;
    tr.appendChild(bubble(m.who, m.text, meta, m.status === "refused" || m.status === "failed" ? m.who + " " + m.status : m.who));
  });
  tr.scrollTop = tr.scrollHeight;
  const notes = $("#notes"); notes.replaceChildren();
  p.notes.forEach(n => notes.appendChild(node("li", `${n.author}: ${n.text}`)));
  const mineNow = h.state === "claimed" && (h.agent === state.me.username || state.me.role === "supervisor");
  $("#reply-form").hidden = !mineNow; $("#owner-actions").hidden = !mineNow;
  $("#actions").hidden = h.state !== "queued";
  const target = $("#transfer-target"), keep = target.value; target.replaceChildren();
  state.agents.filter(a => a.username !== h.agent).forEach(a => { const o = node("option", `→ ${a.display_name}`); o.value = "agent:" + a.username; target.appendChild(o); });
  for (const lang of ["ko", "en"]) for (const skill of ["general", "payments", "address", "complaints"]) {
    const o = node("option", `→ ${t("queue_to")} ${langSkill(lang, skill)}`); o.value = `queue:${lang}:${skill}`; target.appendChild(o);
  }
  if (keep) target.value = keep;
}

async function act(fn) { flash(""); try { await fn(); } catch (e) { failed(e); } await refresh(); }

function relabel() {
  i18n.apply(); whoName(); fillCanned();
  if (state.me) show(state.view);
}

document.addEventListener("DOMContentLoaded", async () => {
  i18n.apply();
  $("#lang-toggle").onclick = () => { i18n.set(i18n.lang === "ko" ? "en" : "ko"); relabel(); };
  $("#login-form").onsubmit = login;
  $("#logout").onclick = async () => { await api("POST", "/api/logout").catch(() => {}); showLogin(); };
  document.querySelectorAll("nav button").forEach(b => b.onclick = () => show(b.dataset.view));
  $("#canned").onchange = ev => { if (ev.target.value) $("#reply-text").value = ev.target.value; ev.target.value = ""; };
  $("#claim").onclick = () => act(async () => {
    await api("POST", `/api/handoffs/${state.selected}/claim`);
    await show("mine");
    $("#reply-status").textContent = t("claimed");
    $("#reply-text").focus();  // the next thing a claiming agent does is write
  });
  $("#reply-form").onsubmit = async ev => {
    ev.preventDefault();
    const text = $("#reply-text").value.trim(); if (!text) return;
    const id = state.selected;
    $("#reply-status").textContent = t("sending");
    try { await api("POST", `/api/handoffs/${id}/reply`, {text}); if (state.shown === id) { $("#reply-text").value = ""; $("#reply-status").textContent = t("sent"); } }
    catch (e) { if (state.shown === id) $("#reply-status").textContent = `${t("not_sent")}: ${e.message}`; }
    await openHandoff(id, true);
  };
  $("#note-form").onsubmit = ev => { ev.preventDefault(); const text = $("#note-text").value.trim(); if (!text) return;
    act(async () => { await api("POST", `/api/handoffs/${state.selected}/notes`, {text}); $("#note-text").value = ""; }); };
  $("#transfer").onclick = () => act(async () => {
    const [kind, a, b] = $("#transfer-target").value.split(":");
    await api("POST", `/api/handoffs/${state.selected}/transfer`, kind === "agent" ? {agent: a} : {language: a, skill: b});
  });
  $("#close").onclick = () => act(async () => {
    await api("POST", `/api/handoffs/${state.selected}/close`, {survey: $("#survey").checked});
    state.selected = null; state.shown = null; $("#detail-pane").hidden = true;
    $("#list-title").focus();
    flash(t("closed"), true);
  });
  try { await start(await api("GET", "/api/me")); } catch (e) { showLogin(); }
});

async function loadDashboard() {
  const d = await api("GET", "/api/dashboard?days=14");
  if (state.view !== "dashboard") return;
  const pane = $("#dashboard-pane"); pane.replaceChildren();
  const title = node("h2", t("dash_title")); title.id = "wide-title"; title.tabIndex = -1; pane.appendChild(title);
  const kpis = node("div", null, "kpis");
  const total = Object.values(d.now.queue_lengths).reduce((a, b) => a + b, 0);
  const last = d.days[d.days.length - 1] || {};
  [["waiting_now", total], ["longest_wait", fmtWait(d.now.longest_wait_seconds)], ["agents_on_line", d.now.agents_online],
   ["handoffs_today", last.handoffs], ["containment_today", last.containment_rate === null || last.containment_rate === undefined ? "–" : Math.round(last.containment_rate * 100) + "%"],
   ["satisfaction_today", last.satisfaction || "–"]].forEach(([k, v]) => { const b = node("div", null, "kpi"); b.append(node("b", v), node("span", t(k))); kpis.appendChild(b); });
  pane.appendChild(kpis);
  const labels = d.days.map(x => x.day);
  const queueNames = Object.keys(d.now.queue_lengths).map(k => { const [l, s] = k.split(":"); return langSkill(l, s); });
  const charts = node("div", null, "charts");
  charts.appendChild(minwonChart(t("ch_queue"), queueNames,
    [{name: t("s_waiting"), kind: "bar", color: "#0b3d6e", values: Object.values(d.now.queue_lengths)}], {categories: true}));
  charts.appendChild(minwonChart(t("ch_handoffs"), labels,
    [{name: t("s_handoffs"), kind: "bar", color: "#0b3d6e", values: d.days.map(x => x.handoffs)}, {name: t("s_callbacks"), kind: "bar", color: "#b3361a", values: d.days.map(x => x.callbacks)}]));
  charts.appendChild(minwonChart(t("ch_wait"), labels, [{name: t("s_wait"), kind: "line", color: "#b3361a", values: d.days.map(x => x.mean_wait_seconds)}]));
  charts.appendChild(minwonChart(t("ch_rates"), labels,
    [{name: t("s_handoff_rate"), kind: "line", color: "#b3361a", values: d.days.map(x => x.handoff_rate)}, {name: t("s_containment"), kind: "line", color: "#0b6e4f", values: d.days.map(x => x.containment_rate)}], {max: 1, percent: true}));
  charts.appendChild(minwonChart(t("ch_sat"), labels, [{name: t("s_score"), kind: "line", color: "#0b6e4f", values: d.days.map(x => x.satisfaction)}], {max: 5}));
  const svc = Object.entries(d.per_service);
  charts.appendChild(minwonChart(t("ch_svc"), svc.map(([k]) => i18n.skill(k)),
    [{name: t("s_handoffs"), kind: "bar", color: "#0b3d6e", values: svc.map(([, v]) => v.handoffs)}], {categories: true}));
  charts.appendChild(minwonChart(t("ch_svc_sat"), svc.map(([k]) => i18n.skill(k)),
    [{name: t("s_score"), kind: "bar", color: "#0b6e4f", values: svc.map(([, v]) => v.satisfaction)}], {categories: true, max: 5}));
  charts.appendChild(minwonChart(t("ch_svc_wait"), svc.map(([k]) => i18n.skill(k)),
    [{name: t("s_wait"), kind: "bar", color: "#b3361a", values: svc.map(([, v]) => v.mean_wait_seconds)}], {categories: true}));
  pane.appendChild(charts);
  if (d.days.every(x => x.conversations === null)) pane.appendChild(node("p", t("no_containment"), "muted"));
}

function auditDetail(e) {
  if (e.kind === "reads") return e.count > 1 ? `${t("times", {n: e.count})} · ${fmtTime(e.first_at)} – ${fmtTime(e.at)}` : "";
  const word = k => (i18n.has("d_" + k) ? t("d_" + k) : k);
  return e.detail ? Object.entries(e.detail).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${word(k)}: ${Array.isArray(v) ? v.join(", ") : v}`).join("; ") : "";
}

async function loadAudit() {
  const a = await api("GET", `/api/audit?kind=${encodeURIComponent(state.auditKind)}`);
  if (state.view !== "audit") return;
  const pane = $("#dashboard-pane"); pane.replaceChildren();
  const title = node("h2", t("audit_title")); title.id = "wide-title"; title.tabIndex = -1; pane.appendChild(title);
  const row = node("div", null, "row");
  const label = node("label", t("audit_kind")); label.htmlFor = "audit-kind";
  const sel = node("select"); sel.id = "audit-kind";
  a.kinds.forEach(k => { const o = node("option", t("k_" + k)); o.value = k; sel.appendChild(o); });
  sel.value = state.auditKind;
  sel.onchange = async () => { state.auditKind = sel.value; await loadAudit(); $("#audit-kind").focus(); };
  row.append(label, sel); pane.appendChild(row);
  const wrap = node("div", null, "table-wrap"); const tb = node("table"); tb.className = "audit";
  const head = node("tr"); ["col_at", "col_actor", "col_action", "col_target", "col_detail"].forEach(h => { const th = node("th", t(h)); th.scope = "col"; head.appendChild(th); });
  const thead = node("thead"); thead.appendChild(head); tb.appendChild(thead);
  const body = node("tbody");
  a.entries.forEach(e => { const r = node("tr"); r.append(node("td", fmtTime(e.at)), node("td", e.actor), node("td", i18n.has("a_" + e.action) ? t("a_" + e.action) : t("k_other")), node("td", e.target || ""), node("td", auditDetail(e))); body.appendChild(r); });
  tb.appendChild(body); wrap.appendChild(tb); pane.appendChild(wrap);
  $("#list-empty").hidden = true;
}
