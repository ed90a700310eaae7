// minwon web chat: plain JavaScript, no build step. Talks to the same-origin web chat channel.
(function () {
  "use strict";
  var TEXTS = {
    ko: { title: "민원 도우미", switch: "English", intro: "신청 현황 조회, 과태료 납부, 전입신고, 민원 접수를 도와드립니다. 상담원 연결도 가능합니다.",
          label: "메시지", placeholder: "메시지를 입력하세요", send: "보내기", log: "대화 내용", skip: "입력창으로 건너뛰기",
          waiting: "답변을 기다리는 중…", error: "연결에 문제가 있습니다. 잠시 후 다시 시도해 주세요.", you: "나", bot: "도우미" },
    en: { title: "minwon assistant", switch: "한국어", intro: "Check an application, pay a fine, report a move or file a complaint. You can also ask for a person.",
          label: "Message", placeholder: "Type your message", send: "Send", log: "Conversation", skip: "Skip to the message box",
          waiting: "Waiting for the answer…", error: "Connection problem. Please try again in a moment.", you: "You", bot: "Assistant" }
  };
  var browserLang = (navigator.language || "ko").slice(0, 2) === "en" ? "en" : "ko";
  var lang = localStorage.getItem("minwon-lang") || browserLang;
  var log = document.getElementById("log");
  var statusLine = document.getElementById("status");
  var input = document.getElementById("message");
  var form = document.getElementById("composer");

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var session = sessionStorage.getItem("minwon-session") || uuid();
  sessionStorage.setItem("minwon-session", session);

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = TEXTS[lang][el.dataset.i18n]; });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (el) { el.placeholder = TEXTS[lang][el.dataset.i18nPlaceholder]; });
    document.getElementById("language").setAttribute("aria-pressed", lang === "en" ? "true" : "false");
    document.title = TEXTS[lang].title;
  }

  function addLine(who, text) {
    var li = document.createElement("li");
    li.className = who;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = TEXTS[lang][who === "me" ? "you" : "bot"] + ": ";
    li.appendChild(label);
    li.appendChild(document.createTextNode(text));
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
    return li;
  }

  function showReply(message) {
    var li = addLine("bot", message.text || "");
    if (message.image) {
      var img = document.createElement("img"); img.src = message.image; img.alt = ""; li.appendChild(img);
    }
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "choices"; group.setAttribute("role", "group");
      message.buttons.forEach(function (b) {
        var el;
        if (b.url) {
          el = document.createElement("a"); el.href = b.url; el.target = "_blank"; el.rel = "noopener";
        } else {
          el = document.createElement("button"); el.type = "button";
          el.addEventListener("click", function () {
            group.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
            send({ token: b.token }, b.title);
          });
        }
        el.textContent = b.title;
        group.appendChild(el);
      });
      li.appendChild(group);
    }
  }

  // After a reply, keyboard users land on its choices if it has any, otherwise back in the message box.
  function focusNext() {
    var last = log.querySelector("li.bot:last-child .choices");
    var target = last && last.querySelector("button:not([disabled]), a");
    (target || input).focus();
  }

  var busy = false;
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
          if (!r.ok) { throw new Error(data.message); }
          return data;
        });
      });
  }
  function send(body, shown) {
    addLine("me", shown);
    busy = true;
    statusLine.textContent = TEXTS[lang].waiting;
    return post("messages", body, false)
      .then(function (data) { statusLine.textContent = ""; data.messages.forEach(showReply); focusNext(); })
      .catch(function () { statusLine.textContent = TEXTS[lang].error; })
      .then(function () { busy = false; });
  }

  function poll() {
    if (busy || document.hidden) { return; }
    post("poll", {}, false)
      .then(function (data) { (data.messages || []).forEach(showReply); })
      .catch(function () {});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send({ text: text }, text);
  });
  document.getElementById("language").addEventListener("click", function () {
    lang = lang === "ko" ? "en" : "ko";
    localStorage.setItem("minwon-lang", lang);
    applyLanguage();
  });
  applyLanguage();
  setInterval(poll, 8000);
  input.focus();
})();
