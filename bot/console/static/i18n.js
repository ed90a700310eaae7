// The console's own words in Korean and English; the agent picks the language (kept in this browser).
"use strict";
const TEXTS = {
  ko: {
    skip: "본문으로 건너뛰기", app: "상담 콘솔", nav: "콘솔 메뉴", queue: "대기열", mine: "내 상담", history: "기록",
    callbacks: "콜백", dashboard: "대시보드", audit: "감사 로그", logout: "로그아웃", live: "실시간 연결됨", offline: "연결 끊김",
    switch_lang: "English", switch_lang_label: "Switch the console to English",
    login: "로그인", username: "아이디", password: "비밀번호", login_failed: "로그인 실패",
    e_too_many_attempts: "로그인 시도가 너무 많습니다. {seconds}초 뒤에 다시 해 주세요.",
    e_login_busy: "다른 로그인을 확인하는 중입니다. {seconds}초 뒤에 다시 시도합니다.",
    empty: "비어 있습니다", transcript: "대화 기록", claim: "상담 시작", canned_label: "상용구", canned: "상용구 선택…",
    reply_label: "시민에게 보낼 답장", send: "보내기", sending: "보내는 중…", sent: "보냄", not_sent: "보내지 못함",
    transfer_to: "이관 대상", transfer: "이관", survey: "만족도 질문하기", close: "종료 후 챗봇으로",
    closed: "상담을 마쳤습니다. 챗봇이 이어서 안내합니다.", claimed: "상담을 시작했습니다.",
    context: "상황", records: "신청·과태료", notes: "메모", note_label: "메모 (시민에게 보이지 않음)", save: "저장",
    open: "열기", agents_online: "접속한 상담원 {n}명", col_pos: "순번", col_conv: "대화", col_lang: "언어",
    col_skill: "분야", col_reason: "사유", col_wait: "대기", col_channel: "채널", col_since: "시작", col_agent: "상담원",
    col_state: "상태", col_score: "만족도", col_closed: "종료", col_ticket: "티켓", col_due: "예정",
    takeover_id: "인계할 대화 (tg:123, sms:+8210…, web:…)", takeover_reason: "인계 사유", takeover: "인계",
    done: "완료", verified: "본인인증 완료", not_verified: "미인증", channel: "채널", language: "시민 언어",
    phone: "휴대폰", reason: "연결 사유", skill: "분야", state: "상태", errors: "최근 오류", satisfaction: "만족도",
    no_records: "조회할 수 없음", not_available: "행정 시스템에서 읽지 못함", name: "성명", no_service: "",
    handoff_at: "상담원 연결", citizen: "시민", bot: "챗봇", desk: "안내", refused: "전송 거부", failed: "전송 실패",
    transcript_unavailable: "챗봇 기록을 불러오지 못함", wait_position: "대기 {n}번째",
    dash_title: "대시보드", waiting_now: "대기 중", longest_wait: "최장 대기", agents_on_line: "접속 상담원",
    handoffs_today: "오늘 연결", containment_today: "오늘 자동처리율", satisfaction_today: "오늘 만족도",
    ch_queue: "대기열 길이 (대기열별)", ch_handoffs: "일별 상담 연결·콜백", ch_wait: "평균 대기 시간(초)",
    ch_rates: "연결률·자동처리율", ch_sat: "만족도 (1-5)", ch_svc: "분야별 연결", ch_svc_sat: "분야별 만족도 (1-5)",
    ch_svc_wait: "분야별 평균 대기(초)", s_waiting: "대기", s_handoffs: "연결", s_callbacks: "콜백", s_wait: "평균 대기",
    s_handoff_rate: "연결률", s_containment: "자동처리율", s_score: "평균 점수",
    no_containment: "전체 대화 수가 아직 집계되지 않아 자동처리율을 계산할 수 없습니다.",
    audit_title: "감사 로그", audit_kind: "종류", col_at: "시각", col_actor: "누가", col_action: "무엇", col_target: "대상",
    col_detail: "세부", col_count: "횟수", times: "{n}회", k_all: "전체", k_reads: "열람", k_changes: "처리",
    k_reveals: "개인정보 보기", k_logins: "로그인", k_system: "시스템", k_other: "기타",
    a_read_packet: "상담 열람", a_read_history: "기록 열람", a_read_dashboard: "대시보드 열람", a_read_audit: "감사 로그 열람",
    a_claim: "상담 시작", a_reply: "답장", a_note: "메모", a_transfer: "이관", a_close: "종료", a_takeover: "직접 인계",
    a_callback_done: "콜백 완료", a_reveal: "개인정보 보기", a_login: "로그인", a_login_failed: "로그인 실패",
    a_open_handoff: "상담 요청 접수", a_satisfaction: "만족도 기록", a_to_callback: "콜백 전환",
    role_agent: "상담원", role_supervisor: "관리자", queue_to: "대기열", lang_ko: "한국어", lang_en: "영어",
    d_reason: "사유", d_queue: "대기열", d_fields: "항목", d_survey: "만족도 질문", d_status: "전송", d_refusal: "거부",
    d_to_agent: "받는 상담원", d_conversation: "대화", d_role: "역할", d_ticket: "티켓", d_score: "점수", d_kind: "종류",
    e_already_claimed: "다른 상담원이 이미 맡은 상담입니다.", e_not_yours: "내가 맡은 상담이 아닙니다.",
    e_reason_required: "인계 사유를 몇 단어로 적어 주세요 (감사 로그에 남습니다).",
  },
  en: {
    skip: "Skip to content", app: "Call-centre console", nav: "Console menu", queue: "Queue", mine: "Mine", history: "History",
    callbacks: "Callbacks", dashboard: "Dashboard", audit: "Audit log", logout: "Log out", live: "Live", offline: "Offline",
    switch_lang: "한국어", switch_lang_label: "콘솔을 한국어로 보기",
    login: "Log in", username: "Username", password: "Password", login_failed: "Login failed",
    e_too_many_attempts: "Too many login attempts. Try again in {seconds} s.",
    e_login_busy: "The console is checking other logins. Trying again in {seconds} s.",
    empty: "Nothing here", transcript: "Transcript", claim: "Claim", canned_label: "Canned reply", canned: "Canned reply…",
    reply_label: "Reply to the citizen", send: "Send", sending: "Sending…", sent: "Sent", not_sent: "Not sent",
    transfer_to: "Transfer to", transfer: "Transfer", survey: "Ask for a satisfaction score", close: "Close and hand back",
    closed: "Closed. The assistant takes it from here.", claimed: "You have this conversation now.",
    context: "Context", records: "Applications & fines", notes: "Internal notes", note_label: "Note (the citizen never sees it)", save: "Save",
    open: "Open", agents_online: "Agents on line: {n}", col_pos: "#", col_conv: "Conversation", col_lang: "Language",
    col_skill: "Skill", col_reason: "Reason", col_wait: "Waiting", col_channel: "Channel", col_since: "Since", col_agent: "Agent",
    col_state: "State", col_score: "Score", col_closed: "Closed", col_ticket: "Ticket", col_due: "Due",
    takeover_id: "Conversation to take over (tg:123, sms:+8210…, web:…)", takeover_reason: "Reason for taking over", takeover: "Take over",
    done: "Done", verified: "Identity verified", not_verified: "Not verified", channel: "Channel", language: "Citizen's language",
    phone: "Phone", reason: "Why a person", skill: "Skill", state: "State", errors: "Recent errors", satisfaction: "Satisfaction",
    no_records: "Not available", not_available: "Not readable from the government system", name: "Name", no_service: "",
    handoff_at: "Handed to an agent", citizen: "Citizen", bot: "Assistant", desk: "Notice", refused: "refused", failed: "failed",
    transcript_unavailable: "The assistant's transcript could not be read", wait_position: "#{n} in line",
    dash_title: "Supervisor dashboard", waiting_now: "Waiting now", longest_wait: "Longest wait", agents_on_line: "Agents on line",
    handoffs_today: "Handoffs today", containment_today: "Containment today", satisfaction_today: "Satisfaction today",
    ch_queue: "Queue length now (per queue)", ch_handoffs: "Handoffs and callbacks per day", ch_wait: "Mean wait before an agent (s)",
    ch_rates: "Handoff rate and containment rate", ch_sat: "Satisfaction (1-5)", ch_svc: "Handoffs per service",
    ch_svc_sat: "Satisfaction per service (1-5)", ch_svc_wait: "Mean wait per service (s)", s_waiting: "waiting",
    s_handoffs: "handoffs", s_callbacks: "callbacks", s_wait: "mean wait", s_handoff_rate: "handoff rate",
    s_containment: "containment rate", s_score: "mean score",
    no_containment: "Containment needs the channels' conversation counts, which are not in yet.",
    audit_title: "Audit log", audit_kind: "Kind", col_at: "At", col_actor: "Who", col_action: "What", col_target: "Target",
    col_detail: "Detail", col_count: "Times", times: "{n}×", k_all: "All", k_reads: "Reads", k_changes: "Changes",
    k_reveals: "Reveals", k_logins: "Logins", k_system: "System", k_other: "Other",
    a_read_packet: "Read a case", a_read_history: "Read history", a_read_dashboard: "Read dashboard", a_read_audit: "Read audit log",
    a_claim: "Claim", a_reply: "Reply", a_note: "Note", a_transfer: "Transfer", a_close: "Close", a_takeover: "Take over",
    a_callback_done: "Callback done", a_reveal: "Reveal personal data", a_login: "Log in", a_login_failed: "Failed login",
    a_open_handoff: "Handoff requested", a_satisfaction: "Score recorded", a_to_callback: "Moved to callback",
    role_agent: "agent", role_supervisor: "supervisor", queue_to: "queue", lang_ko: "Korean", lang_en: "English",
    d_reason: "reason", d_queue: "queue", d_fields: "fields", d_survey: "survey", d_status: "delivery", d_refusal: "refused",
    d_to_agent: "to agent", d_conversation: "conversation", d_role: "role", d_ticket: "ticket", d_score: "score", d_kind: "kind",
    e_already_claimed: "Another agent already has this conversation.", e_not_yours: "This conversation is not yours.",
    e_reason_required: "Say in a few words why you take this conversation (it is audited).",
  },
};
const SKILL_WORDS = {ko: {general: "일반", payments: "납부", address: "주소", complaints: "민원"},
                     en: {general: "General", payments: "Payments", address: "Address", complaints: "Complaints"}};

function chooseLang() {
  const kept = localStorage.getItem("minwon.console.lang");
  if (kept === "ko" || kept === "en") return kept;
  return (navigator.language || "ko").toLowerCase().startsWith("ko") ? "ko" : "en";
}

const i18n = {
  lang: chooseLang(),
  t(key, vars) {
    let s = TEXTS[this.lang][key];
    if (s === undefined) s = TEXTS.ko[key] !== undefined ? TEXTS.ko[key] : key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", v);
    return s;
  },
  has(key) { return TEXTS[this.lang][key] !== undefined; },
  skill(code) { return SKILL_WORDS[this.lang][code] || code; },
  set(lang) { this.lang = lang; localStorage.setItem("minwon.console.lang", lang); this.apply(); },
  apply() {
    document.documentElement.lang = this.lang;
    document.title = "minwon · " + this.t("app");
    document.querySelectorAll("[data-i18n]").forEach(e => { e.textContent = this.t(e.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(e => { e.placeholder = this.t(e.dataset.i18nPlaceholder); });
    document.querySelectorAll("[data-i18n-aria]").forEach(e => { e.setAttribute("aria-label", this.t(e.dataset.i18nAria)); });
    const toggle = document.getElementById("lang-toggle");
    toggle.textContent = this.t("switch_lang");
    toggle.lang = this.lang === "ko" ? "en" : "ko";
    toggle.setAttribute("aria-label", this.t("switch_lang_label"));
  },
};
window.i18n = i18n;
