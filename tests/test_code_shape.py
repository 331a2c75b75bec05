"""Guards that keep the code in its shape (ARCHITECTURE.md): pages and API read through
`visible_to(user)`, every app has the same modules, and imports point assessment → ledgers → pairing."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("pairing", "ledgers", "assessment")
VIEW_MODULES = ("views", "api", "core/views.py", "core/api")

# Function bodies in views and API modules that may use a manager without visible_to, and why.
UNSCOPED_ALLOWED = {
    # API tokens are the user's own credential, not scoped data.
    ("pairing/api/views.py", "Token.objects"),
    # The claims of a demand the user can already see (the detail page names every claimant).
    ("ledgers/views/demands.py", "DemandClaim.objects"),
    # One's own channel preferences (filtered by request.user).
    ("ledgers/views/notifications.py", "NotificationPreference.objects"),
    # Accounts are the administrators' own data (三员分立): each console page checks the role first.
    ("pairing/views/console.py", "User.objects"),
    ("pairing/views/console.py", "User._base_manager"),
    # The account form's anchors and their search: the administrators assign an account to any directory row.
    ("pairing/views/console.py", "model._default_manager"),
}
MANAGERS = ("objects", "_base_manager", "_default_manager")


def _view_files():
    for app in APPS:
        for name in VIEW_MODULES:
            path = ROOT / app / name
            if path.is_file():
                yield path
            elif path.is_dir():
                yield from sorted(path.rglob("*.py"))


def _unscoped_uses(path: pathlib.Path):
    """`Model.objects.<anything but visible_to>` inside a function (class-level `queryset = …` and
    `queryset=` arguments are scoped by the API bases and ScopedRelatedField)."""
    tree = ast.parse(path.read_text())
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in MANAGERS
                and node.attr != "visible_to"
                and isinstance(node.value.value, ast.Name)
            ):
                yield node.lineno, f"{node.value.value.id}.{node.value.attr}"


def test_views_and_api_read_only_through_visible_to():
    found = []
    for path in _view_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, use in _unscoped_uses(path):
            if (relative, use) not in UNSCOPED_ALLOWED:
                found.append(f"{relative}:{line}: {use}")
    assert found == [], "use visible_to(user), or add a commented entry to UNSCOPED_ALLOWED"


def test_the_guard_finds_an_unscoped_manager(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def page(request):\n    return Village.objects.filter(pk=1)\n")
    assert list(_unscoped_uses(sample)) == [(2, "Village.objects")]
    sample.write_text("def page(request):\n    return Village.objects.visible_to(request.user)\n")
    assert list(_unscoped_uses(sample)) == []


# The shape every app has (README "Layout"): a module or a package of that name.
APP_SHAPE = ("models", "choices", "services", "queries", "filtersets", "forms", "views", "urls", "api", "admin")


@pytest.mark.parametrize("app", ["pairing", "ledgers", "assessment"])
def test_every_app_has_the_shared_shape(app):
    missing = [
        name for name in APP_SHAPE if not (ROOT / app / f"{name}.py").exists() and not (ROOT / app / name).is_dir()
    ]
    assert missing == []


# app -> apps it must not import
FORBIDDEN_IMPORTS = {"pairing": ("ledgers", "assessment"), "ledgers": ("assessment",)}


def _imports(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("app", sorted(FORBIDDEN_IMPORTS))
def test_imports_point_one_way(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for module in _imports(path)
        if module.split(".")[0] in FORBIDDEN_IMPORTS[app]
    ]
    assert wrong == []


# Framework code (ARCHITECTURE.md "Where things live") sits together in pairing/core, apart from the
# domain code: a second copy of one of these beside an app's domain modules is a fork of the framework.
FRAMEWORK_MODULES = (
    "scoping",
    "audit",
    "filtering",
    "concurrency",
    "uploads",
    "widgets",
    "local_time",
    "excel",
    "workflows",
    "refusals",
    "reveal",
)


@pytest.mark.parametrize("app", APPS)
def test_framework_code_lives_in_pairing_core(app):
    strays = [name for name in FRAMEWORK_MODULES if (ROOT / app / f"{name}.py").exists()]
    assert strays == [], f"move {strays} into pairing/core"
