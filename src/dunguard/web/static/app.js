/* DunGuard web UI: drag-and-drop upload with progress, copy-to-clipboard.
   Plain JavaScript, no dependencies, no network other than this server.
   Every page works without it (forms post normally). */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function setupUpload() {
    var form = $("upload-form");
    if (!form) { return; }
    var input = $("files");
    var drop = $("drop");
    var chosen = $("chosen");
    var bar = $("upload-progress");
    var status = $("upload-status");
    var button = $("upload-button");
    var max = parseInt(form.getAttribute("data-max") || "0", 10);
    var files = [];

    function show() {
      chosen.textContent = "";
      files.forEach(function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + " (" + Math.ceil(f.size / 1024) + " KB)";
        chosen.appendChild(li);
      });
    }
    input.addEventListener("change", function () {
      files = Array.prototype.slice.call(input.files);
      show();
    });
    ["dragenter", "dragover"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      files = files.concat(Array.prototype.slice.call(e.dataTransfer.files));
      show();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!files.length) { status.textContent = form.getAttribute("data-empty") || ""; return; }
      var total = files.reduce(function (n, f) { return n + f.size; }, 0);
      if (max && total > max) { status.textContent = form.getAttribute("data-too-big") || ""; return; }
      var data = new FormData();
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      files.forEach(function (f) { data.append("files", f, f.name); });
      ["owner_name", "owner_role"].forEach(function (n) { if (form.elements[n]) { data.append(n, form.elements[n].value); } });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", form.querySelector("input[name=csrf_token]").value);
      bar.hidden = false;
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) {
          var pct = Math.round(ev.loaded * 100 / ev.total);
          bar.value = pct;
          bar.textContent = pct + "%";
          status.textContent = pct < 100 ? (form.getAttribute("data-uploading") || "") + " " + pct + "%" : (form.getAttribute("data-importing") || "");
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
        } else {
          button.disabled = false;
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        status.textContent = form.getAttribute("data-failed") || "";
      });
      xhr.send(data);
    });
  }

  function setupCopy() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-copy"), function (btn) {
      btn.addEventListener("click", function () {
        var target = $(btn.getAttribute("data-target"));
        var note = btn.parentNode.querySelector(".js-copy-status");
        if (!target) { return; }
        target.select();
        var done = function () { if (note) { note.textContent = btn.getAttribute("data-done") || "OK"; } };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(target.value).then(done, function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupUpload();
    setupCopy();
  });
})();
