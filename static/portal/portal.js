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

  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); });

  // A form with data-confirm asks before it submits (no inline handlers: the CSP allows no inline script).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
})();
