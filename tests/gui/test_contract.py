"""« Bon de commande… » of an accepted offer: the contract PDF in the preview, saved and printed,
the offer converted once the document exists (and only then)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPageLayout
from PySide6.QtWidgets import QLabel

from desktop.core.errors import CatalogueError
from desktop.core.offers import OfferState


@pytest.fixture
def accepted(qtbot, ready_window, dialogs):
    """An offer finalised, sent and accepted through the Offre menu."""
    return accept(qtbot, ready_window, dialogs)


def accept(qtbot, window, dialogs):
    """The offer open in ``window`` finalised, sent and accepted through the Offre menu."""
    dialogs.script("confirm", True)
    act(window, "finalise")
    qtbot.waitUntil(lambda: window.session.read_only and not window.session.finalising, timeout=15_000)
    act(window, "envoyee")
    dialogs.script("ask_text", "délibération du Collège du 12/03")
    act(window, "acceptee")
    offer = window.session.offer
    assert offer.state is OfferState.ACCEPTEE
    return offer


def act(window, key):
    window._fill_offer_menu()
    action = window.documents._actions[key]
    assert action.isEnabled(), key
    action.trigger()


def make_contract(window, **typed):
    """« Bon de commande… », then its form as it comes (or with ``typed`` texts), « Établir »."""
    act(window, "contract")
    form = window.documents.contract_form
    for name, text in typed.items():
        getattr(form, name).setText(text) if name != "years" else form.years.setValue(text)
    form.ok_button.click()
    return form


def contract_text(preview) -> str:
    doc = preview.document
    return "\n".join(doc.getAllText(i).text() for i in range(doc.pageCount()))


def test_contract_in_the_preview_then_saved_and_printed(qtbot, window, backend, dialogs, accepted, tmp_path):
    window._fill_offer_menu()
    assert window.documents._actions["contract"].text() == "&Bon de commande…"
    make_contract(window)
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    text = contract_text(preview)
    assert "Bon de commande" in text and accepted.number in text
    assert preview.window().windowTitle().startswith("Bon de commande")
    screen = window.screen().availableGeometry()
    assert preview.window().height() < screen.height() and preview.window().width() < screen.width()
    assert backend.get_offer(accepted.id).state is OfferState.CONVERTIE
    assert window.session.offer.state is OfferState.CONVERTIE
    assert "convertie" in window.bar.text

    # save: the very bytes shown, under the suggested name
    target = tmp_path / "bon.pdf"
    dialogs.script("save_file", str(target))
    assert preview.save_action.isEnabled()
    preview.save_action.trigger()
    assert target.read_bytes() == preview.pdf
    # print: through the injected print setup, into a PDF file printer
    printed = tmp_path / "imprime.pdf"

    def setup(_parent, printer):
        printer.setOutputFormat(printer.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        return True

    dialogs.print_setup = setup
    with qtbot.waitSignal(preview.printed, timeout=20_000):
        preview.print_action.trigger()
    assert printed.read_bytes() == preview.pdf  # printed to a file: the document itself
    assert "imprimées dans le fichier imprime.pdf" in preview.status.text()
    preview.window().close()


def test_a_converted_offer_reopened_later_prints_its_contract_again(
    qtbot, window, backend, dialogs, accepted
):
    make_contract(window)
    qtbot.waitUntil(lambda: window.documents.preview_widget.ready, timeout=20_000)
    first = window.documents.preview_widget.pdf
    window.documents.preview_widget.window().close()
    audit_before = len(backend.offers.audit(accepted.id))
    # the contract template and the letterhead change meanwhile: what the member signed does not
    from dataclasses import replace

    backend.save_settings(replace(backend.stored_settings(), legal_form="SCRL"))
    window.new_offer_for(None)
    window.show_offers()  # from the offers list, as the next morning
    assert window.offers_list.select_offer(accepted.id)
    window.offers_list.open_selected()
    assert window.session.offer.state is OfferState.CONVERTIE
    act(window, "contract")  # no form to fill: it is given again as it was established
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    assert preview.pdf == first
    assert len(backend.offers.audit(accepted.id)) == audit_before  # no second conversion
    preview.window().close()


def test_a_contract_that_cannot_be_made_leaves_the_offer_accepted(
    qtbot, window, backend, dialogs, accepted, monkeypatch
):
    import desktop.documents.contract as contract

    def broken(_doc):
        raise CatalogueError("le modèle de contrat cite un champ inconnu « {{ iban2 }} »")

    monkeypatch.setattr(contract, "render_contract", broken)
    make_contract(window)
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: "iban2" in preview.status.text(), timeout=20_000)
    assert not preview.ready and not preview.save_action.isEnabled()
    assert backend.get_offer(accepted.id).state is OfferState.ACCEPTEE
    assert "reste acceptée" in window.bar.text
    window._fill_offer_menu()
    assert window.documents._actions["contract"].isEnabled()  # can be tried again
    preview.window().close()


def test_a_frozen_offer_keeps_its_own_grid_after_a_new_one_arrives(
    qtbot, window, backend, dialogs, accepted, next_year, db_path
):
    from desktop.ui.backend import load_startup_data

    next_year()
    backend.reload(load_startup_data(db_path))
    window.reload_catalogue()
    assert backend.tariff.code == "imio-2026"
    window.open_offer(accepted.id)
    assert "tarif iMio 2024" in window.editor.header.text().replace("\xa0", " ")  # the header names its grid
    make_contract(window)
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    text = contract_text(preview)
    assert "Grille imio-2026" not in text and "2024" in text
    preview.window().close()


def test_the_order_form_takes_its_dates_and_term_and_prints_them_again_later(
    qtbot, window, backend, dialogs, accepted
):
    from datetime import date

    form = make_contract(window, issued="not a date")  # refused next to the field
    assert form.isVisible() and "not a date" in form.errors.message("issued")
    form.issued.setText("25/11/2026")
    form.start.setText("01/01/2027")
    form.years.setValue(3)
    form.ok_button.click()
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    text = " ".join(contract_text(preview).split())
    assert "prend effet le 01/01/2027 pour une durée initiale de 3 ans" in text
    assert "le 25/11/2026" in text
    preview.window().close()
    assert backend.get_offer(accepted.id).state is OfferState.CONVERTIE
    # forty days later the same order form is given, not one dated that day
    backend.today = lambda: date(2027, 1, 1)
    act(window, "contract")
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    assert "le 25/11/2026" in " ".join(contract_text(preview).split())
    preview.window().close()


def test_the_order_form_cannot_precede_the_offer_and_is_reprinted_as_recorded(
    qtbot, window, backend, dialogs, accepted
):
    day = accepted.finalised.astimezone().date()
    form = make_contract(window, start="01/01/2001", years=10)
    assert form.isVisible()  # the term would have ended before the offer existed
    assert form.errors.message("start") == f"La prise d'effet ne peut pas précéder l'offre ({day:%d/%m/%Y})."
    form.start.setText(f"{day:%d/%m/%Y}")
    form.issued.setText(f"{day.replace(year=day.year - 1):%d/%m/%Y}")
    form.ok_button.click()
    assert "précéder l'acceptation" in form.errors.message("issued")
    form.issued.setText(f"{day:%d/%m/%Y}")
    form.ok_button.click()
    qtbot.waitUntil(lambda: window.documents.preview_widget.ready, timeout=20_000)
    window.documents.preview_widget.window().close()
    first_form = window.documents.contract_form
    act(window, "contract")  # converted: given again as established, no form to change it
    assert window.documents.contract_form is first_form
    qtbot.waitUntil(lambda: window.documents.preview_widget.ready, timeout=20_000)
    window.documents.preview_widget.window().close()


def test_an_offer_converted_before_order_forms_were_kept_keeps_the_one_printed_again(
    qtbot, window, backend, dialogs, accepted
):
    from desktop.core.offers import contract_note

    day = accepted.finalised.astimezone().date()
    backend.offers.convert(accepted.id, contract_note(day, day, 2))  # as an earlier version did
    window.open_offer(accepted.id)
    act(window, "contract")  # its recorded dates, shown, not to be changed unrecorded
    again = window.documents.contract_form
    assert again.issued.isReadOnly() and again.start.isReadOnly() and not again.years.isEnabled()
    again.ok_button.click()
    qtbot.waitUntil(lambda: window.documents.preview_widget.ready, timeout=20_000)
    printed = window.documents.preview_widget.pdf
    window.documents.preview_widget.window().close()
    assert backend.offers.order_form(accepted.id)[0] == printed  # kept from now on
    act(window, "contract")
    qtbot.waitUntil(lambda: window.documents.preview_widget.pdf is not None, timeout=20_000)
    assert window.documents.preview_widget.pdf == printed and window.documents.contract_form is again
    window.documents.preview_widget.window().close()


def test_one_order_form_at_a_time_and_one_closed_too_early_is_said(
    qtbot, window, backend, dialogs, accepted, monkeypatch
):
    import time

    import desktop.documents.contract as contract

    slow_render = contract.render_contract

    def slow(doc):
        time.sleep(0.8)
        return slow_render(doc)

    monkeypatch.setattr(contract, "render_contract", slow)
    make_contract(window)
    first = window.documents.preview_widget
    act(window, "contract")  # a second one before the first is ready: not a second document
    assert window.documents.preview_widget is first
    assert "en préparation" in window.bar.text
    window.restore_action.trigger()  # nor a restore under it
    assert "en préparation" in window.bar.text
    assert "open_file" not in [kind for kind, _title in dialogs.asked]  # no file was even asked for
    first.window().close()  # closed before it was ready
    qtbot.waitUntil(lambda: "l'aperçu a été fermé avant d'être prêt" in window.bar.text, timeout=5000)
    assert backend.get_offer(accepted.id).state is OfferState.ACCEPTEE
    window._fill_offer_menu()
    assert window.documents._actions["contract"].isEnabled()  # and it can be made again


def test_the_initial_term_reads_one_an_or_several_ans(qtbot, window, accepted):
    act(window, "contract")
    form = window.documents.contract_form
    assert form.years.text() == "1 an"  # not « 1 an(s) »
    form.years.setValue(3)
    assert form.years.text() == "3 ans"
    form.discard()


def test_an_order_form_printed_then_closed_at_once_is_told_in_the_window_s_bar(
    qtbot, window, dialogs, accepted, tmp_path
):
    from PySide6.QtGui import QPageSize

    make_contract(window)
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    printed = tmp_path / "imprime.pdf"

    def setup(_parent, printer):  # Letter: painted page by page, not the file as it is
        printer.setOutputFormat(printer.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        return True

    dialogs.print_setup = setup
    preview.print_action.trigger()
    assert preview.printing
    preview.window().close()  # the account manager closes the preview straight away
    qtbot.waitUntil(lambda: "Impression terminée" in window.bar.text, timeout=20_000)
    assert window.bar.text == "Impression terminée : 2 pages envoyées à l'imprimante."
    assert printed.exists()


def test_bon_de_commande_chosen_twice_asks_its_dates_once(qtbot, window, backend, dialogs, accepted):
    """Triggered twice, « Bon de commande… » stacked a second form of dates on the first, each
    able to make an order form for the one acceptance."""
    from desktop.ui.contract_form import ContractForm

    act(window, "contract")
    first = window.documents.contract_form
    act(window, "contract")
    assert window.documents.contract_form is first
    assert [f for f in window.findChildren(ContractForm) if f.isVisible()] == [first]
    first.ok_button.click()
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    qtbot.waitUntil(lambda: backend.get_offer(accepted.id).state is OfferState.CONVERTIE, timeout=5000)
    assert window.bar.text.startswith("Bon de commande établi")
    preview.window().close()


def test_an_order_of_service_days_asks_no_initial_term(qtbot, window, backend, dialogs):
    """Days of service have no annual cost: their order form is not renewed and prints no
    term, yet its form asked « Durée initiale » and said it was renewed each year."""
    backend.save_settings(backend.settings().with_changes(device_code="LAP1", seller_name="Anne Dupont"))
    member = backend.index.search("nivelles")[0]
    window.members.show_member(member.id)
    window.members.member_opened.emit(member.id)
    window.session.add_line("prestations-produits", {"days": "3"})
    accept(qtbot, window, dialogs)
    act(window, "contract")
    form = window.documents.contract_form
    shown = " ".join(label.text() for label in form.findChildren(QLabel) if label.isVisibleTo(form))
    assert "Durée initiale" not in shown and not form.years.isVisibleTo(form)
    assert "reconduit" not in shown.replace("n'est pas reconduit", "")
    assert "Sans coût annuel, il n'est pas reconduit d'année en année." in shown
    form.ok_button.click()
    preview = window.documents.preview_widget
    qtbot.waitUntil(lambda: preview.ready, timeout=20_000)
    text = " ".join(contract_text(preview).split())
    assert "n'est pas reconduit" in text and "durée initiale" not in text
    preview.window().close()


def test_an_order_with_an_annual_cost_asks_its_initial_term(qtbot, window, accepted):
    act(window, "contract")
    form = window.documents.contract_form
    shown = " ".join(label.text() for label in form.findChildren(QLabel) if label.isVisibleTo(form))
    assert "Durée initiale" in shown and form.years.isVisibleTo(form)
    assert "reconduit tacitement d'année en année" in shown
    form.discard()


def test_an_order_form_of_service_days_given_again_speaks_of_no_term(qtbot):
    """Shown again as established, the form of an order without a term said « ses dates et sa
    durée sont enregistrées »: it has no duration to speak of."""
    from datetime import date

    from desktop.ui.contract_form import ContractChoice, ContractForm

    day = date(2026, 11, 23)
    for term, said in ((False, "ses dates sont enregistrées"), (True, "ses dates et sa durée sont enregistrées")):
        form = ContractForm("OFF-2026-LAP1-0001", ContractChoice(day, day, 1), lambda _c: None,
                            again=True, renewed=term, term=term)  # fmt: skip
        qtbot.addWidget(form)
        shown = " ".join(label.text() for label in form.findChildren(QLabel))
        assert said in shown
        assert ("Durée initiale" in shown) is term
