// The hall board (templates/board.html): calls arrive over server-sent events; each new one goes
// up large, the one before joins the list below, and, once sound is on, a chime plays and the
// call is spoken in English and then in Kiswahili. The words come from the page (data-say-en,
// data-say-sw), translated by the server.
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board) {
    return;
  }
  var latestBox = document.getElementById("board-latest");
  var previous = document.getElementById("board-previous");
  var offline = document.getElementById("board-offline");
  var soundButton = document.getElementById("board-sound");
  var clock = document.getElementById("board-clock");
  var blank = document.getElementById("board-call").content.firstElementChild;

  var KEEP = 8; // previous calls shown under the latest
  var FRESH_MS = 2 * 60 * 1000; // older calls (replayed after an outage) are shown, not announced
  var RECREATE_MS = 5000; // after the server refused the stream (restart, proxy error)

  // The server's clock minus this screen's: the screen's clock may be wrong, the calls' are not.
  var skew = Number(board.dataset.now) - Date.now();
  var lastId = Number(board.dataset.after) || 0;
  var loadedAt = Date.now();
  var lastCallAt = Date.now();

  function serverNow() {
    return Date.now() + skew;
  }

  // ---- showing a call ----

  function render(call) {
    var node = blank.cloneNode(true);
    node.dataset.id = String(call.id);
    node.dataset.number = call.number;
    node.classList.toggle("recall", call.kind === "recall");
    node.querySelector(".call-number").textContent = call.number;
    node.querySelector(".call-counter").textContent = String(call.counter);
    return node;
  }

  // show puts a call up as the latest; the board shows each ticket number once, at its latest call.
  function show(call) {
    var node = render(call);
    var current = latestBox.querySelector(".call");
    Array.prototype.forEach.call(previous.querySelectorAll(".call"), function (el) {
      if (el.dataset.number === call.number) {
        previous.removeChild(el.parentNode);
      }
    });
    if (current && current.dataset.number !== call.number) {
      current.classList.remove("fresh");
      var li = document.createElement("li");
      li.appendChild(current);
      previous.insertBefore(li, previous.firstChild);
    } else if (current) {
      current.parentNode.removeChild(current);
    }
    var empty = latestBox.querySelector(".hall-empty");
    if (empty) {
      empty.parentNode.removeChild(empty);
    }
    latestBox.appendChild(node);
    while (previous.children.length > KEEP) {
      previous.removeChild(previous.lastElementChild);
    }
    // Restart the highlight even when the same element class was set a moment ago.
    void node.offsetWidth;
    node.classList.add("fresh");
  }

  // ---- sound: a chime, then the call in English and Kiswahili ----

  var audio = null;
  var soundOn = false;
  var spoken = Promise.resolve();

  // A042 is said "A 42": a letter, then a number any voice reads well in its own language.
  function sayNumber(number) {
    var m = /^([A-Za-z]*)0*(\d+)$/.exec(number);
    if (!m) {
      return number;
    }
    return (m[1] ? m[1].toUpperCase().split("").join(" ") + " " : "") + m[2];
  }

  function words(template, call) {
    return template.split("{number}").join(sayNumber(call.number)).split("{counter}").join(String(call.counter));
  }

  function chime() {
    return new Promise(function (resolve) {
      if (!audio) {
        resolve();
        return;
      }
      var t = audio.currentTime + 0.05;
      // Two notes, high then low (E5, C5): the usual "ding-dong" before an announcement.
      [[659.25, 0], [523.25, 0.45]].forEach(function (note) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "sine";
        osc.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, t + note[1]);
        gain.gain.exponentialRampToValueAtTime(0.6, t + note[1] + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + 1.0);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(t + note[1]);
        osc.stop(t + note[1] + 1.05);
      });
      setTimeout(resolve, 1400);
    });
  }

  // voiceFor picks a voice for a language: Kenyan first (en-KE, sw-KE), then any of the language.
  // Without a Kiswahili voice the browser reads with its default, told the text is Kiswahili.
  function voiceFor(lang) {
    if (!("speechSynthesis" in window)) {
      return null;
    }
    var voices = window.speechSynthesis.getVoices();
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var v = voices[i].lang.toLowerCase().replace("_", "-");
      if (v === lang + "-ke") {
        return voices[i];
      }
      if (!best && (v === lang || v.indexOf(lang + "-") === 0)) {
        best = voices[i];
      }
    }
    return best;
  }

  function speak(text, lang) {
    return new Promise(function (resolve) {
      if (!("speechSynthesis" in window) || !text) {
        resolve();
        return;
      }
      var u = new SpeechSynthesisUtterance(text);
      var voice = voiceFor(lang);
      u.lang = voice ? voice.lang : lang + "-KE";
      if (voice) {
        u.voice = voice;
      }
      u.rate = 0.9;
      var finished = false;
      var timer = null;
      function finish() {
        if (!finished) {
          finished = true;
          clearTimeout(timer);
          resolve();
        }
      }
      u.onend = finish;
      u.onerror = finish;
      // A speech engine that never says it is done must not hold up the next call.
      timer = setTimeout(finish, 3000 + text.length * 150);
      window.speechSynthesis.speak(u);
    });
  }

  function announce(call) {
    var en = words(board.dataset.sayEn || "", call);
    var sw = words(board.dataset.saySw || "", call);
    board.dataset.lastSaid = en + " | " + sw; // what the hall heard last, for whoever checks the screen
    if (!soundOn) {
      return;
    }
    // One announcement after another, never over each other.
    spoken = spoken.then(chime).then(function () {
      return speak(en, "en");
    }).then(function () {
      return speak(sw, "sw");
    }).catch(function () {});
  }

  function startSound() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) {
      audio = new Ctx();
    }
    if (audio && audio.state === "suspended") {
      audio.resume();
    }
    if ("speechSynthesis" in window) {
      window.speechSynthesis.getVoices(); // some browsers load voices on first ask
    }
    soundOn = true;
    soundButton.hidden = true;
  }

  soundButton.addEventListener("click", function () {
    startSound();
    // The hall screen is best full-screen; the click is the gesture browsers ask for.
    var el = document.documentElement;
    if (el.requestFullscreen && !document.fullscreenElement) {
      el.requestFullscreen().catch(function () {});
    }
  });

  // A screen started with autoplay allowed (a kiosk browser's flag) needs no click.
  (function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) {
      return;
    }
    var probe = new Ctx();
    if (probe.state === "running") {
      audio = probe;
      startSound();
    } else {
      probe.close();
    }
  })();

  // ---- the stream ----

  var source = null;
  var retry = null;

  function onCall(e) {
    var call;
    try {
      call = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    if (!call || typeof call.id !== "number" || call.id <= lastId) {
      return; // the server sends each call once; this only guards against a stale stream
    }
    lastId = call.id;
    lastCallAt = Date.now();
    show(call);
    if (serverNow() - Date.parse(call.at) < FRESH_MS) {
      announce(call);
    }
  }

  function connect() {
    clearTimeout(retry);
    // ?after= is where this page is up to. When the browser reconnects by itself it keeps this
    // address and adds Last-Event-ID, the last call it received, which the server prefers.
    source = new EventSource(board.dataset.stream + "?after=" + lastId);
    source.addEventListener("call", onCall);
    source.onopen = function () {
      offline.hidden = true;
      board.dataset.state = "live";
    };
    source.onerror = function () {
      offline.hidden = false;
      board.dataset.state = "offline";
      if (source.readyState === EventSource.CLOSED) {
        // The browser gives up on an error status; try again from the last call shown.
        source.close();
        retry = setTimeout(connect, RECREATE_MS);
      }
    };
  }
  connect();

  // ---- the clock, and a fresh page once a day ----

  var offset = Number(board.dataset.offset) || 0; // the centre's, in seconds east of UTC

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var local = new Date(serverNow() + offset * 1000); // read in UTC: the centre's wall clock
    clock.textContent = two(local.getUTCHours()) + ":" + two(local.getUTCMinutes());
    // A screen left on for days reloads when the hall is quiet: yesterday's calls go, and a new
    // version of this script is picked up.
    if (Date.now() - loadedAt > 12 * 3600 * 1000 && Date.now() - lastCallAt > 10 * 60 * 1000) {
      window.location.reload();
    }
  }
  tick();
  setInterval(tick, 10000);
})();
