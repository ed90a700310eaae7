// Phone simulator: posts to the stand-in's /simulator/* routes and renders what the bot sent back.
(function () {
  "use strict";
  var sent = { telegram: [], sms: [] };  // what "the citizen" typed, with times
  function $(id) { return document.getElementById(id); }
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
  function render(channel, feedEl, botItems) {
    var all = sent[channel].map(function (m) { return { at: m.at, text: m.text, me: true }; })
      .concat(botItems.map(function (m) { m.me = false; return m; }));
    all.sort(function (a, b) { return a.at - b.at; });
    feedEl.innerHTML = "";
    all.forEach(function (m) {
      var li = document.createElement("li");
      li.className = m.me ? "me" : "bot";
      li.textContent = m.text || "";
      if (!m.me && channel === "sms" && m.segments) {
        var s = document.createElement("small"); s.textContent = m.segments + " segment(s), " + m.status; li.appendChild(s);
      }
      var kb = m.reply_markup && m.reply_markup.inline_keyboard;
      if (kb && kb.length) {
        var box = document.createElement("div"); box.className = "kb";
        kb.forEach(function (row) { row.forEach(function (b) {
          var el = document.createElement(b.url ? "a" : "button");
          el.textContent = b.title || b.text;
          if (b.url) { el.href = b.url; el.target = "_blank"; }
          else { el.type = "button"; el.addEventListener("click", function () { tgSend({ callback_data: b.callback_data }, "▶ " + b.text); }); }
          box.appendChild(el);
        }); });
        li.appendChild(box);
      }
      feedEl.appendChild(li);
    });
    feedEl.scrollTop = feedEl.scrollHeight;
  }
  function refresh() {
    fetch("feed?channel=telegram&id=" + encodeURIComponent($("tg-chat").value)).then(function (r) { return r.json(); })
      .then(function (d) { render("telegram", $("tg-feed"), d.messages || []); });
    fetch("feed?channel=sms&id=" + encodeURIComponent($("sms-phone").value)).then(function (r) { return r.json(); })
      .then(function (d) { render("sms", $("sms-feed"), d.messages || []); });
  }
  function tgSend(extra, shown) {
    var body = Object.assign({ chat_id: $("tg-chat").value, language: navigator.language.slice(0, 2) }, extra);
    sent.telegram.push({ at: Date.now() / 1000, text: shown });
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
    var phone = prompt("Phone number to share (E.164)", "+821012345678");
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
  setInterval(refresh, 1500);
  refresh();
})();
