// The redaction editor: draw a box on a page image with the mouse (or a finger or pen), move
// it, delete it. Every box is a row of the form below the pages, which is what is submitted:
// the page works without this script, rows typed by hand show up as boxes, and a box drawn
// here fills a row. Positions are millimetres from the page's top left corner.
"use strict";
(function () {
  var MM_PER_PT = 25.4 / 72;
  var table = document.getElementById("redact-rows");
  if (!table) { return; }
  var body = table.tBodies[0];
  var hint = document.getElementById("draw-hint");
  if (hint) { hint.textContent = "在页面图像上按住鼠标拖动即可画框；拖动框可移动，按框上的“删除”可删去；每个框对应下表中的一行，请逐行选择依据。"; }

  var figures = {};
  Array.prototype.forEach.call(document.querySelectorAll(".redact-page"), function (f) {
    figures[f.dataset.page] = f;
  });

  function field(row, name) { return row.querySelector("[name='r." + row.dataset.row + "." + name + "']"); }
  function num(row, name) { return parseFloat(field(row, name).value); }
  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr.redact-row")); }
  function empty(row) {
    return ["page", "x", "y", "w", "h"].every(function (n) { return field(row, n).value.trim() === ""; });
  }

  // A free row: the first empty one, or a copy of the last with the next number.
  function freeRow() {
    var all = rows();
    for (var k = 0; k < all.length; k++) { if (empty(all[k])) { return all[k]; } }
    var last = all[all.length - 1];
    var from = last.dataset.row, to = String(Number(from) + 1);
    var copy = last.cloneNode(true);
    copy.dataset.row = to;
    copy.querySelector("th").textContent = String(Number(to) + 1);
    Array.prototype.forEach.call(copy.querySelectorAll("input, select"), function (el) {
      el.name = el.name.replace("r." + from + ".", "r." + to + ".");
      el.id = el.id.replace("r." + from + ".", "r." + to + ".");
      var label = el.getAttribute("aria-label");
      if (label) { el.setAttribute("aria-label", label.replace(/第 \d+ 处/, "第 " + (Number(to) + 1) + " 处")); }
      el.removeAttribute("aria-invalid");
      if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
    });
    copy.classList.remove("proposed");
    Array.prototype.forEach.call(copy.querySelectorAll("td .muted, td label.check"), function (el) { el.remove(); });
    body.appendChild(copy);
    return copy;
  }

  function canvasOf(page) { var f = figures[page]; return f && f.querySelector(".redact-canvas"); }
  function scale(page) {  // millimetres per CSS pixel of the shown image
    var f = figures[page], img = f.querySelector("img");
    return parseFloat(f.dataset.wpt) * MM_PER_PT / img.clientWidth;
  }

  // The box of a row, drawn over its page: made, placed or removed as the row says (the same
  // element while it stays on its page, so that a box being moved keeps the pointer).
  function draw(row) {
    var box = document.querySelector(".redact-box[data-row='" + row.dataset.row + "']");
    var page = field(row, "page").value.trim();
    var c = canvasOf(page);
    var x = num(row, "x"), y = num(row, "y"), w = num(row, "w"), h = num(row, "h");
    if (!c || [x, y, w, h].some(isNaN) || w <= 0 || h <= 0) {
      if (box) { box.remove(); }
      return;
    }
    if (!box || box.parentNode !== c) {
      if (box) { box.remove(); }
      box = document.createElement("div");
      box.className = "redact-box";
      box.dataset.row = row.dataset.row;
      var del = document.createElement("button");
      del.type = "button";
      del.className = "redact-delete";
      del.textContent = "删除";
      del.setAttribute("aria-label", "删除第 " + (Number(row.dataset.row) + 1) + " 处遮盖");
      del.addEventListener("click", function (e) {
        e.stopPropagation();
        ["page", "x", "y", "w", "h"].forEach(function (n) { field(row, n).value = ""; });
        box.remove();
      });
      box.appendChild(del);
      box.addEventListener("pointerdown", function (e) { startMove(e, row, box); });
      c.appendChild(box);
    }
    var use = field(row, "use");
    box.classList.toggle("redact-proposal", !!(use && !use.checked));
    var f = figures[page];
    var wmm = parseFloat(f.dataset.wpt) * MM_PER_PT, hmm = parseFloat(f.dataset.hpt) * MM_PER_PT;
    box.style.left = (x / wmm * 100) + "%";
    box.style.top = (y / hmm * 100) + "%";
    box.style.width = (w / wmm * 100) + "%";
    box.style.height = (h / hmm * 100) + "%";
  }

  function point(e, c) {
    var r = c.getBoundingClientRect();
    return { x: Math.min(Math.max(e.clientX - r.left, 0), r.width), y: Math.min(Math.max(e.clientY - r.top, 0), r.height) };
  }
  function put(row, name, mm) { field(row, name).value = (Math.round(mm * 10) / 10).toFixed(1); }

  function startMove(e, row, box) {
    if (e.target.tagName === "BUTTON") { return; }
    e.preventDefault(); e.stopPropagation();
    var page = field(row, "page").value.trim(), c = canvasOf(page), s = scale(page);
    var start = point(e, c), x0 = num(row, "x"), y0 = num(row, "y");
    box.setPointerCapture(e.pointerId);
    function move(ev) {
      var p = point(ev, c);
      put(row, "x", Math.max(0, x0 + (p.x - start.x) * s));
      put(row, "y", Math.max(0, y0 + (p.y - start.y) * s));
      draw(row);
    }
    function up() { box.removeEventListener("pointermove", move); }
    box.addEventListener("pointermove", move);
    box.addEventListener("pointerup", up, { once: true });
  }

  Object.keys(figures).forEach(function (page) {
    var c = canvasOf(page);
    c.addEventListener("pointerdown", function (e) {
      if (e.target.closest(".redact-box")) { return; }
      e.preventDefault();
      var start = point(e, c);
      var ghost = document.createElement("div");
      ghost.className = "redact-box redact-ghost";
      c.appendChild(ghost);
      c.setPointerCapture(e.pointerId);
      function move(ev) {
        var p = point(ev, c);
        ghost.style.left = Math.min(p.x, start.x) + "px";
        ghost.style.top = Math.min(p.y, start.y) + "px";
        ghost.style.width = Math.abs(p.x - start.x) + "px";
        ghost.style.height = Math.abs(p.y - start.y) + "px";
      }
      function up(ev) {
        c.removeEventListener("pointermove", move);
        ghost.remove();
        var p = point(ev, c), s = scale(page);
        var w = Math.abs(p.x - start.x), h = Math.abs(p.y - start.y);
        if (w < 3 || h < 3) { return; }
        var row = freeRow();
        field(row, "page").value = page;
        put(row, "x", Math.min(p.x, start.x) * s);
        put(row, "y", Math.min(p.y, start.y) * s);
        put(row, "w", w * s);
        put(row, "h", h * s);
        draw(row);
        var ground = field(row, "ground");
        if (!ground.value) { ground.focus({ preventScroll: true }); }
      }
      c.addEventListener("pointermove", move);
      c.addEventListener("pointerup", up, { once: true });
    });
  });

  body.addEventListener("change", function (e) {
    var row = e.target.closest("tr.redact-row");
    if (row) { draw(row); }
  });
  body.addEventListener("input", function (e) {
    var row = e.target.closest("tr.redact-row");
    if (row) { draw(row); }
  });
  rows().forEach(draw);
})();
