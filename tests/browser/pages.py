"""How the journeys operate the portal's widgets, written once (menus, pickers, flash messages)."""

import re

from playwright.sync_api import expect


def open_menu(page, menu: str, entry: str):
    """Open `entry` from the navbar's `menu` (on a phone, through the collapsed menu first)."""
    toggler = page.get_by_role("button", name="展开菜单")
    if toggler.is_visible():
        toggler.click()
    page.locator("#portal-nav").get_by_role("button", name=menu).or_(
        page.locator("#portal-nav").get_by_role("link", name=menu, exact=True)
    ).first.click()
    page.locator("#portal-nav .dropdown-menu.show").get_by_role("link", name=entry, exact=True).click()
    page.wait_for_load_state()


def pick(page, select_id: str, text: str):
    """Choose `text` in a Tom Select picker (the searchable multi-selects), typing as a user does."""
    control = page.locator(f"#{select_id}-ts-control")
    control.focus()  # Tom Select opens on focus (a click could land on a chosen item's ×)
    control.fill("")  # it keeps the last search after a pick
    control.press_sequentially(text)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first.click()


def flash(page, text: str):
    """The page shows a success message containing `text`."""
    expect(page.locator(".alert-success")).to_contain_text(text)


def errors_at(field):
    """The error messages the page shows right under a form field (its following siblings)."""
    return field.locator(
        "xpath=following-sibling::div[contains(@class,'invalid-feedback') or contains(@class,'text-danger')]"
    )


def no_english(text: str) -> list[str]:
    """English words on a page meant for Chinese users (ignoring units and codes like PDF, Excel)."""
    allowed = {"PDF", "Excel", "MB", "IP"}
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in allowed]


def answer_question(page, asked: str, *, take: bool = True):
    """An irreversible step's dialog is open and says `asked`; take the step (or cancel it)."""
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(asked)
    expect(dialog.get_by_role("button", name="取消")).to_be_focused()  # Enter does not take the step
    if take:
        dialog.get_by_role("button", name=re.compile("^确定")).click()
        page.wait_for_load_state()
    else:
        dialog.get_by_role("button", name="取消").click()
        expect(dialog).to_be_hidden()


def open_task(page, entry: str):
    """Open one of a secretary's or a talent's own menu entries (flat in the navbar, by its verb)."""
    toggler = page.get_by_role("button", name="展开菜单")
    if toggler.is_visible():
        toggler.click()
    page.locator("#portal-nav").get_by_role("link", name=entry, exact=True).click()
    page.wait_for_load_state()
