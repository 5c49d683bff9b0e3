// guanxi — the opportunity board: drag a card to another stage. Each card also has a "Move to" list and a
// button that work from the keyboard and without this file; a drop simply fills in that form and sends it.
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");

  function syncLost(form) {
    var select = form.querySelector(".opp-move-stage");
    form.classList.toggle("is-lost", Boolean(select) && select.value === "lost");
  }

  // The lost reason field shows when "lost" is chosen (CSS :has does it too; this covers older browsers).
  document.querySelectorAll("form.opp-move").forEach(function (form) {
    syncLost(form);
    form.addEventListener("change", function () { syncLost(form); });
  });

  if (!board) {
    return;
  }
  var status = document.getElementById("board-status");
  var dragged = null;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".opp-card") : null;
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });

  board.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragging");
    }
    board.querySelectorAll(".is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
    dragged = null;
  });

  function columnOf(event) {
    return event.target.closest ? event.target.closest(".board-col") : null;
  }

  function allowed(card, stage) {
    return (card.dataset.allowed || "").split(" ").indexOf(stage) !== -1;
  }

  board.addEventListener("dragover", function (event) {
    var column = columnOf(event);
    if (!dragged || !column || !allowed(dragged, column.dataset.stage)) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".is-drop-target").forEach(function (el) {
      if (el !== column) { el.classList.remove("is-drop-target"); }
    });
    column.classList.add("is-drop-target");
  });

  board.addEventListener("drop", function (event) {
    var column = columnOf(event);
    var card = dragged;
    if (!card || !column) {
      return;
    }
    event.preventDefault();
    column.classList.remove("is-drop-target");
    var stage = column.dataset.stage;
    if (stage === card.dataset.stage) {
      return;
    }
    if (!allowed(card, stage)) {
      say(board.dataset.msgNotAllowed || "");
      return;
    }
    var form = card.querySelector("form.opp-move");
    var select = form ? form.querySelector(".opp-move-stage") : null;
    if (!form || !select) {
      return;
    }
    select.value = stage;
    syncLost(form);
    if (stage === "lost") {
      var reason = form.querySelector("input[name=lost_reason]");
      if (reason && !reason.value.trim()) {
        say(board.dataset.msgReason || "");
        reason.focus();
        return;
      }
    }
    say(board.dataset.msgMoving || "");
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();
