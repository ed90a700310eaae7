// Phone simulator: posts to the stand-in's /simulator/* routes and shows what the bot sent back. In development the
// SMS phone also receives govapi's one-time codes (its development SMS outbox), as a real phone would.
(function () {
  "use strict";
  var TEXTS = {
    en: { title: "minwon phone simulator", switch: "한국어",
          intro: "Try minwon without a Telegram account or a phone number: each message goes to the real channel edge as a signed Telegram or Twilio webhook.",
          chat: "Chat id", tgText: "Telegram message", placeholder: "Message", send: "Send",
          location: "Share location (city hall)", contact: "Share contact", photo: "Photo", sms: "SMS", phone: "Phone",
          smsText: "Text message", mms: "MMS photo", tgFeed: "Telegram messages", smsFeed: "Text messages",
          me: "You", bot: "minwon", govapi: "Verification text", contactAsk: "Phone number to share (E.164)",
          segments: function (n, status) { return n + " segment(s), " + status; } },
    ko: { title: "minwon 휴대폰 시뮬레이터", switch: "English",
          intro: "텔레그램 계정이나 전화번호 없이 체험해 보세요. 보내는 메시지는 실제 채널 엣지에 텔레그램·Twilio 서명 웹훅으로 전달됩니다.",
          chat: "채팅 ID", tgText: "텔레그램 메시지", placeholder: "메시지", send: "보내기",
          location: "위치 보내기 (시청)", contact: "연락처 보내기", photo: "사진", sms: "문자", phone: "전화번호",
          smsText: "문자 메시지", mms: "MMS 사진", tgFeed: "텔레그램 메시지", smsFeed: "문자 메시지",
          me: "나", bot: "minwon", govapi: "인증 문자", contactAsk: "보낼 전화번호 (E.164)",
          segments: function (n, status) { return n + "개 구간, " + status; } }
  };
  var lang = localStorage.getItem("minwon-simulator-lang") || ((navigator.language || "en").slice(0, 2) === "ko" ? "ko" : "en");
  var sent = { telegram: [], sms: [] };  // what "the citizen" typed, with times
  var shown = { telegram: [], sms: [] };  // the keys of the items on screen: only new ones are added
  var latest = { telegram: [], sms: [] };
  function $(id) { return document.getElementById(id); }

  function applyLanguage() {
    var t = TEXTS[lang];
    document.documentElement.lang = lang;
    document.title = t.title;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t[el.dataset.i18n]; });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (el) { el.placeholder = t[el.dataset.i18nPlaceholder]; });
    document.querySelectorAll("[data-i18n-label]").forEach(function (el) { el.setAttribute("aria-label", t[el.dataset.i18nLabel]); });
    $("language").lang = lang === "ko" ? "en" : "ko";
    shown = { telegram: [], sms: [] };  // the speakers' names are in the page's language: draw again
    render("telegram", $("tg-feed"), latest.telegram);
    render("sms", $("sms-feed"), latest.sms);
  }

  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); });
  }
  function fileB64(input) {
    return new Promise(function (resolve) {
      var f = input.files && input.files[0];
      if (!f) { resolve(null); return; }
      var reader = new FileReader();
      reader.onload = function () { input.value = ""; resolve(String(reader.result).split(",")[1]); };
      reader.readAsDataURL(f);
    });
  }

  function item(channel, m) {
    var li = document.createElement("li");
    var who = m.me ? "me" : (m.via === "govapi" ? "govapi" : "bot");
    li.className = who;
    var label = document.createElement("span");
    label.className = who === "govapi" ? "from" : "visually-hidden";
    label.textContent = TEXTS[lang][who] + (who === "govapi" ? "" : ": ");
    li.appendChild(label);
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = m.text || "";
    li.appendChild(text);
    if (!m.me && channel === "sms" && m.segments) {
      var s = document.createElement("small"); s.textContent = TEXTS[lang].segments(m.segments, m.status); li.appendChild(s);
    }
    var kb = m.reply_markup && m.reply_markup.inline_keyboard;
    if (kb && kb.length) {
      var box = document.createElement("div"); box.className = "kb";
      kb.forEach(function (row) { row.forEach(function (b) {
        var el = document.createElement(b.url ? "a" : "button");
        el.textContent = b.title || b.text;
        if (b.url) { el.href = b.url; el.target = "_blank"; el.rel = "noopener"; }
        else { el.type = "button"; el.addEventListener("click", function () { tgSend({ callback_data: b.callback_data }, "▶ " + b.text); }); }
        box.appendChild(el);
      }); });
      li.appendChild(box);
    }
    return li;
  }

  // Only what is new is added (the feed is a live region: drawing it all again would read it all out again).
  function render(channel, feedEl, botItems) {
    latest[channel] = botItems;
    var all = sent[channel].map(function (m) { return { at: m.at, text: m.text, me: true }; })
      .concat(botItems.map(function (m) { return Object.assign({ me: false }, m); }));
    all.sort(function (a, b) { return a.at - b.at; });
    var keys = all.map(function (m) { return (m.me ? "me" : m.via || "bot") + "|" + m.at + "|" + m.text + "|" + (m.status || ""); });
    var old = shown[channel];
    var prefix = old.length <= keys.length && old.every(function (k, i) { return keys[i] === k; });
    if (!prefix) { feedEl.innerHTML = ""; old = []; }
    for (var i = old.length; i < all.length; i++) { feedEl.appendChild(item(channel, all[i])); }
    if (keys.length !== shown[channel].length || !prefix) { feedEl.scrollTop = feedEl.scrollHeight; }
    shown[channel] = keys;
  }
  function refresh() {
    fetch("feed?channel=telegram&id=" + encodeURIComponent($("tg-chat").value)).then(function (r) { return r.json(); })
      .then(function (d) { render("telegram", $("tg-feed"), d.messages || []); });
    fetch("feed?channel=sms&id=" + encodeURIComponent($("sms-phone").value)).then(function (r) { return r.json(); })
      .then(function (d) { render("sms", $("sms-feed"), d.messages || []); });
  }
  function tgSend(extra, shownText) {
    var body = Object.assign({ chat_id: $("tg-chat").value, language: lang }, extra);
    sent.telegram.push({ at: Date.now() / 1000, text: shownText });
    return post("telegram/send", body).then(function () { setTimeout(refresh, 300); });
  }
  $("tg-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("tg-text").value; $("tg-text").value = "";
    fileB64($("tg-photo")).then(function (photo) {
      tgSend(photo ? { photo_b64: photo, text: text } : { text: text }, photo ? "📷 " + text : text);
    });
  });
  $("tg-photo").addEventListener("change", function () {
    fileB64($("tg-photo")).then(function (photo) { if (photo) { tgSend({ photo_b64: photo }, "📷 photo"); } });
  });
  $("tg-location").addEventListener("click", function () { tgSend({ location: { lat: 37.5663, lon: 126.9779 } }, "📍 37.5663, 126.9779"); });
  $("tg-contact").addEventListener("click", function () {
    var phone = prompt(TEXTS[lang].contactAsk, "+821012345678");
    if (phone) { tgSend({ contact: phone }, "☎ " + phone); }
  });
  $("sms-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("sms-text").value; $("sms-text").value = "";
    fileB64($("sms-photo")).then(function (photo) {
      sent.sms.push({ at: Date.now() / 1000, text: (photo ? "📷 " : "") + text });
      post("sms/send", { from: $("sms-phone").value, body: text, photo_b64: photo }).then(function () { setTimeout(refresh, 200); });
    });
  });
  $("language").addEventListener("click", function () {
    lang = lang === "ko" ? "en" : "ko";
    localStorage.setItem("minwon-simulator-lang", lang);
    applyLanguage();
  });
  applyLanguage();
  setInterval(refresh, 1500);
  refresh();
})();
