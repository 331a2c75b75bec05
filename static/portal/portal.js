// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // One convention for type-to-search: a <select data-tom-select> (set for every select of rows by
  // pairing/forms/rendering.py). tom-select is loaded once, by base.html; `data-placeholder` is the
  // hint shown in the search box.
  function enhanceSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-tom-select]").forEach(function (el) {
      if (el.tomselect) return;
      var options = {
        maxOptions: 200,
        allowEmptyOption: true,
        placeholder: el.dataset.placeholder || (el.multiple ? "输入关键字搜索，可多选" : undefined),
        plugins: el.multiple ? { remove_button: { title: "移除" } } : [],
        render: {
          no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
        },
      };
      // A large scope renders only the chosen option: the rest come from the server as one types.
      if (el.dataset.choicesUrl) Object.assign(options, remoteChoices(el.dataset.choicesUrl));
      new TomSelect(el, options);
      // The original select stays in the form (it carries the value) but only tom-select's combobox,
      // named by the field's label, is the control: a screen reader should not meet a second,
      // unnamed copy of it.
      el.setAttribute("aria-hidden", "true");
    });
  }

  function remoteChoices(url) {
    return {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      preload: "focus",
      loadThrottle: 250,
      load: function (query, callback) {
        var separator = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + separator + "q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">加载中</span></div>'; },
      },
    };
  }

  // Irreversible steps ask first: a <form data-confirm="question" data-confirm-label="verb"> (set by
  // the {% asks %} tag from the workflow's declaration) opens a dialog saying what will happen; only
  // its second button submits. A native <dialog> keeps focus inside and closes on Escape.
  function confirmDialog() {
    var dialog = document.getElementById("portal-confirm");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "portal-confirm";
    dialog.className = "portal-confirm";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-labelledby", "portal-confirm-title");
    dialog.setAttribute("aria-describedby", "portal-confirm-text");
    dialog.innerHTML =
      '<h2 class="h6" id="portal-confirm-title"></h2>' +
      '<p id="portal-confirm-text" class="mb-3"></p>' +
      '<div class="d-flex gap-2 justify-content-end">' +
      '<button type="button" class="btn btn-outline-secondary" data-answer="no">取消</button>' +
      '<button type="button" class="btn btn-danger" data-answer="yes"></button></div>';
    document.body.appendChild(dialog);
    return dialog;
  }

  function askFirst(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    var dialog = confirmDialog();
    var label = form.dataset.confirmLabel || "确定";
    dialog.querySelector("#portal-confirm-title").textContent = "确定要" + label + "吗？";
    dialog.querySelector("#portal-confirm-text").textContent = form.dataset.confirm;
    var yes = dialog.querySelector('[data-answer="yes"]');
    var no = dialog.querySelector('[data-answer="no"]');
    yes.textContent = "确定" + label;
    yes.onclick = function () {
      dialog.close();
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
    };
    no.onclick = function () { dialog.close(); };
    dialog.showModal();
    no.focus();  // the safe answer has the focus: Enter does not take an irreversible step
  }

  document.addEventListener("submit", askFirst);
  // <input type="checkbox" data-check-all="name"> ticks or clears every box named `name` in its form.
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.dataset || !all.dataset.checkAll || !all.form) return;
    all.form.querySelectorAll('input[type="checkbox"][name="' + all.dataset.checkAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  // A refused form: its error summary (templates/forms/form.html) is brought into view and focused,
  // so a screen reader reads it; each of its links moves to the field, or to the field's picker.
  function showErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-link]");
    if (!link) return;
    var id = link.dataset.errorLink;
    var field = document.getElementById(id) || document.getElementById(id + "_0");  // a choice list: its first option
    if (!field) return;
    event.preventDefault();
    var control = field.tomselect ? field.tomselect.control_input : field;
    (field.closest(".portal-field") || field).scrollIntoView({ block: "center" });
    control.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); showErrors(); });
})();
