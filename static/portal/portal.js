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
      new TomSelect(el, {
        maxOptions: 200,
        allowEmptyOption: true,
        placeholder: el.dataset.placeholder || (el.multiple ? "输入关键字搜索，可多选" : undefined),
        plugins: el.multiple ? ["remove_button"] : [],
        render: {
          no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); });
})();
