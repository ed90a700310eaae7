// minwon web chat: plain JavaScript, no build step. Talks to the same-origin web chat channel (edge/webchat.py).
//
// Keyboard: the message box keeps the focus (after a reply too); the newest reply's choices sit above it and are
// reached with Shift+Tab (Tab from the top of the page), so nothing typed ever presses a choice. Older choices are
// disabled. The conversation is its own scrolling region above the message box, so nothing hides under it.
(function () {
  "use strict";
  var TEXTS = {
    ko: { title: "민원 도우미", switch: "English", intro: "신청 현황 조회, 과태료 납부, 전입신고, 민원 접수를 도와드립니다. 상담원 연결도 가능합니다.",
          label: "메시지", placeholder: "메시지를 입력하세요", send: "보내기", log: "대화 내용", skip: "입력창으로 건너뛰기",
          waiting: "답변을 기다리는 중", error: "연결에 문제가 있습니다. 잠시 후 다시 보내 주세요.",
          citizen: "나", bot: "도우미", agent: "상담원", system: "안내", choices: "선택지", chosen: "선택함",
          newTab: "새 창에서 열림", restored: "이전 대화를 불러왔습니다.",
          counter: function (n, max) { return n + " / " + max + "자"; },
          tooLong: function (n, max, over) { return "메시지는 " + max + "자까지 보낼 수 있습니다. 지금 " + n + "자이니 " + over + "자를 줄여 주세요."; },
          fits: "이제 보낼 수 있습니다.", attach: "사진", photo: "📷 사진",
          photoRejected: "JPEG나 PNG 사진을 5MB까지 보낼 수 있습니다." },
    en: { title: "minwon assistant", switch: "한국어", intro: "Check an application, pay a fine, report a move or file a complaint. You can also ask for a person.",
          label: "Message", placeholder: "Type your message", send: "Send", log: "Conversation", skip: "Skip to the message box",
          waiting: "Waiting for the answer", error: "Connection problem. Please send it again in a moment.",
          citizen: "You", bot: "Assistant", agent: "Agent", system: "Notice", choices: "Choices", chosen: "chosen",
          newTab: "opens in a new tab", restored: "Your earlier conversation is shown again.",
          counter: function (n, max) { return n + " of " + max + " characters"; },
          tooLong: function (n, max, over) { return "A message can have up to " + max + " characters. This one has " + n + ": remove " + over + " to send it."; },
          fits: "The message can be sent now.", attach: "Photo", photo: "📷 Photo",
          photoRejected: "You can send a JPEG or PNG photo of up to 5 MB." }
  };
  var WHO = { citizen: "citizen", bot: "bot", agent: "agent", system: "system" };
  var browserLang = (navigator.language || "ko").slice(0, 2) === "en" ? "en" : "ko";
  var lang = localStorage.getItem("minwon-lang") || browserLang;
  var region = document.getElementById("conversation");
  var log = document.getElementById("log");
  var statusLine = document.getElementById("status");
  var input = document.getElementById("message");
  var form = document.getElementById("composer");
  var counter = document.getElementById("counter");
  var maxLength = parseInt(form.getAttribute("data-max-length"), 10) || 2000;
  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };
  var lastSeen = 0;  // the highest line number (n) shown: a line the poll brings again is skipped
  var overLimit = false;
  var MAX_PHOTO = 5 * 1024 * 1024;  // edge/web_photo.py MAX_PHOTO_BYTES
  var photoInput = document.getElementById("photo");

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var session = sessionStorage.getItem("minwon-session") || uuid();
  sessionStorage.setItem("minwon-session", session);

  // The language a line is written in (its lang attribute: a screen reader's voice), as the edge decides it.
  function languageOf(text) {
    if (/[\uac00-\ud7a3\u3131-\u318e]/.test(text)) { return "ko"; }
    return /[A-Za-z]/.test(text) ? "en" : undefined;
  }
  function number(n) { return n.toLocaleString(lang === "ko" ? "ko-KR" : "en-US"); }
  function length(text) { return Array.from(text).length; }  // code points, as the server counts them

  function applyLanguage() {
    var t = TEXTS[lang];
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t[el.dataset.i18n]; });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (el) { el.placeholder = t[el.dataset.i18nPlaceholder]; });
    document.querySelectorAll("[data-who]").forEach(function (el) { el.textContent = t[el.dataset.who]; });
    document.querySelectorAll("[data-i18n-label]").forEach(function (el) { el.setAttribute("aria-label", t[el.dataset.i18nLabel]); });
    document.querySelectorAll("[data-i18n-hidden]").forEach(function (el) { el.textContent = " (" + t[el.dataset.i18nHidden] + ")"; });
    document.getElementById("language").lang = lang === "ko" ? "en" : "ko";  // the switch names the other language
    document.title = t.title;
    updateCounter(false);
  }

  // -- the message box: a counter and a plain message at the server's limit (nothing is cut) -----------------
  function updateCounter(announce) {
    var n = length(input.value);
    var over = n > maxLength;
    counter.textContent = TEXTS[lang].counter(number(n), number(maxLength));
    counter.classList.toggle("over", over);
    if (over) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    input.setAttribute("aria-describedby", over ? "counter status" : "counter");  // why it cannot be sent
    if (announce && over !== overLimit) {
      statusLine.textContent = over ? TEXTS[lang].tooLong(number(n), number(maxLength), number(n - maxLength)) : TEXTS[lang].fits;
      statusLine.className = over ? "status problem" : "status";
    }
    overLimit = over;
  }

  // -- the conversation ------------------------------------------------------------------------------------
  function speaker(who) {
    var label = document.createElement("span");
    label.className = "who";
    label.dataset.who = who;
    label.textContent = TEXTS[lang][who];
    return label;
  }

  function render(line) {
    var who = WHO[line.who] || "bot";
    var li = document.createElement("li");
    li.className = "line " + who;
    if (line.n) { li.dataset.n = line.n; }
    li.appendChild(speaker(who));
    var colon = document.createElement("span");
    colon.className = "visually-hidden"; colon.textContent = ": ";
    li.appendChild(colon);
    var body = document.createElement("div");
    body.className = "text";
    if (line.lang) { body.lang = line.lang; }
    body.textContent = line.text || "";
    li.appendChild(body);
    if (line.image) {
      var img = document.createElement("img"); img.src = line.image; img.alt = ""; li.appendChild(img);
    }
    if (line.buttons && line.buttons.length) {
      var group = document.createElement("div");
      group.className = "choices"; group.setAttribute("role", "group");
      group.dataset.i18nLabel = "choices"; group.setAttribute("aria-label", TEXTS[lang].choices);
      line.buttons.forEach(function (b) {
        var el;
        if (b.url) {
          el = document.createElement("a"); el.href = b.url; el.target = "_blank"; el.rel = "noopener";
          el.className = "link";
        } else {
          el = document.createElement("button"); el.type = "button"; el.className = "choice";
          el.addEventListener("click", function () { choose(group, el, b); });
        }
        if (line.lang) { el.lang = line.lang; }
        el.textContent = b.title;
        if (b.url) {
          var note = document.createElement("span");
          note.className = "visually-hidden"; note.dataset.i18nHidden = "newTab"; note.textContent = " (" + TEXTS[lang].newTab + ")";
          el.appendChild(note);
        }
        group.appendChild(el);
      });
      li.appendChild(group);
    }
    log.appendChild(li);
    if (line.n && line.n > lastSeen) { lastSeen = line.n; }
    return li;
  }

  // Choices answer the newest reply only: those of a reply the citizen has answered (by a choice or by typing) are
  // disabled, so Tab never stops on a stale one. Links stay usable.
  function settleChoices() {
    var lines = log.querySelectorAll("li.line");
    var answered = false;
    for (var i = lines.length - 1; i >= 0; i--) {
      if (lines[i].classList.contains("citizen")) { answered = true; continue; }
      lines[i].querySelectorAll("button.choice").forEach(function (b) { b.disabled = answered; });
    }
  }

  function showLines(lines) {
    var first = null;
    lines.forEach(function (line) {
      if (line.n && line.n <= lastSeen) { return; }
      var li = render(line);
      first = first || li;
    });
    settleChoices();
    if (first) { reveal(first); }
    keepFocus();
  }

  // The newest lines come into view above the message box (their start, when they are taller than the region).
  function reveal(first) {
    var behavior = reducedMotion.matches ? "auto" : "smooth";
    var bottom = region.scrollHeight;
    var top = first.offsetTop - region.offsetTop;
    var target = bottom - top > region.clientHeight ? top - 8 : bottom;
    region.scrollTo({ top: target, behavior: behavior });
    if (form.getBoundingClientRect().bottom > window.innerHeight) {  // short windows: the page itself scrolls
      form.scrollIntoView({ block: "end", behavior: behavior });
    }
  }

  // Focus stays where the citizen is; only when it was lost (a pressed choice got disabled) it goes back to the box.
  function keepFocus() {
    var active = document.activeElement;
    if (!active || active === document.body || active.disabled) { input.focus({ preventScroll: true }); }
  }

  function markChosen(button) {
    button.classList.add("chosen");
    var mark = document.createElement("span");
    mark.className = "visually-hidden"; mark.dataset.i18nHidden = "chosen"; mark.textContent = " (" + TEXTS[lang].chosen + ")";
    button.appendChild(mark);
  }

  function choose(group, button, b) {
    group.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
    markChosen(button);
    input.focus({ preventScroll: true });
    send({ token: b.token }, b.title);
  }

  var busy = 0;  // messages on their way: the poll waits meanwhile
  // The session belongs to the browser that started it (an HttpOnly cookie); a session this browser does not own
  // (its cookie was cleared) is left for a new one, once.
  function post(path, body, fresh) {
    body.session = session;
    return fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
                         body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (data) {
          if (r.status === 403 && data.code === "not_your_session" && !fresh) {
            session = uuid();
            sessionStorage.setItem("minwon-session", session);
            return post(path, body, true);
          }
          if (!r.ok) { var error = new Error(data.message); error.data = data; throw error; }
          return data;
        });
      });
  }

  function waiting(on) {
    statusLine.className = on ? "status waiting" : "status";
    statusLine.textContent = on ? TEXTS[lang].waiting : "";
  }

  function send(body, shown) {
    render({ who: "citizen", text: shown, lang: languageOf(shown) });
    settleChoices();
    reveal(log.lastElementChild);
    busy += 1;
    waiting(true);
    return post("messages", body, false)
      .then(function (data) { if (busy === 1) { waiting(false); } showLines(data.messages || []); })
      .catch(function (error) {
        var data = error.data || {};
        statusLine.className = "status problem";
        statusLine.textContent = data.code === "too_long"
          ? TEXTS[lang].tooLong(number(length(shown)), number(data.limit || maxLength), number(length(shown) - (data.limit || maxLength)))
          : (data.code === "photo_too_large" || data.code === "bad_photo") ? TEXTS[lang].photoRejected : TEXTS[lang].error;
        settleChoices();
        keepFocus();
      })
      .then(function () { busy -= 1; });
  }

  function poll() {
    if (busy || document.hidden) { return; }
    post("poll", {}, false)
      .then(function (data) { if ((data.messages || []).length) { showLines(data.messages); } })
      .catch(function () {});
  }

  // After a reload the conversation comes back from the edge (only to this browser: its cookie owns the session).
  function restore() {
    log.parentNode.setAttribute("aria-busy", "true");
    return post("history", {}, false)
      .then(function (data) {
        var lines = data.messages || [];
        var shown = lines.map(render);
        lines.forEach(function (line, i) {  // a choice answered by pressing it shows as chosen again
          var next = lines[i + 1];
          if (!line.buttons || !next || next.who !== "citizen") { return; }
          shown[i].querySelectorAll("button.choice").forEach(function (button) {
            if (button.textContent === next.text) { markChosen(button); }
          });
        });
        settleChoices();
        if (lines.length) {
          statusLine.textContent = TEXTS[lang].restored;
          region.scrollTop = region.scrollHeight;
        }
      })
      .catch(function () {})
      .then(function () { log.parentNode.removeAttribute("aria-busy"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    if (length(text) > maxLength) {  // said plainly; the text stays for the citizen to shorten
      overLimit = false;
      updateCounter(true);
      input.focus();
      return;
    }
    input.value = "";
    updateCounter(false);
    send({ text: text }, text);
  });
  input.addEventListener("input", function () { updateCounter(true); });
  // A photo (a complaint's picture): checked here for a plain message, and again by the edge.
  document.getElementById("attach").addEventListener("click", function () { photoInput.click(); });
  photoInput.addEventListener("change", function () {
    var file = photoInput.files && photoInput.files[0];
    photoInput.value = "";
    if (!file) { return; }
    if ((file.type !== "image/jpeg" && file.type !== "image/png") || file.size > MAX_PHOTO) {
      statusLine.className = "status problem";
      statusLine.textContent = TEXTS[lang].photoRejected;
      input.focus();
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      send({ photo: { data: String(reader.result).split(",")[1] || "", content_type: file.type } }, TEXTS[lang].photo);
      input.focus();
    };
    reader.readAsDataURL(file);
  });
  document.getElementById("language").addEventListener("click", function () {
    lang = lang === "ko" ? "en" : "ko";
    localStorage.setItem("minwon-lang", lang);
    applyLanguage();
  });
  applyLanguage();
  input.focus();
  restore().then(function () { setInterval(poll, 8000); });
})();
