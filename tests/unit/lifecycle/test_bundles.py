"""Offer bundles (laptop -> head office) and catalogue bundles (head office -> laptops)."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from forged import resign_manifest
from lifecycle_factories import (
    Clock,
    FakePricer,
    FakeSettings,
    draft,
    fake_pdf,
    line,
    member,
    open_test_db,
)

from desktop.core.errors import InvalidInput, StorageError
from desktop.core.offers import OfferState
from desktop.store.bundles import (
    CATALOGUE_SCHEMA,
    LOCAL_TABLES,
    READABLE_CATALOGUES,
    export_catalogue,
    export_offers,
    import_catalogue,
    import_offers,
)
from desktop.store.database import Database
from desktop.store.faults import BundleError
from desktop.store.offer_codec import sha256_hex
from desktop.store.offers_repo import OfferRepository

S = OfferState


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[OfferRepository]:
    db = open_test_db(tmp_path / "siege.db")
    yield OfferRepository(
        db,
        settings=lambda: FakeSettings(device_code="HQ"),
        pricer=FakePricer(),
        clock=Clock(datetime(2026, 3, 10, 9, tzinfo=UTC)),
    )
    db.close()


def _two_offers(repo: OfferRepository) -> list[str]:
    a = repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    b = repo.finalise(
        repo.save_draft(draft(m=member("Genappe", "25031", 15_000), category="Cat 4")).id, fake_pdf
    )
    repo.save_draft(draft())  # a draft: not exported
    repo.set_state(a.number or "", S.ENVOYEE)
    return [a.number or "", b.number or ""]


def test_round_trip_keeps_offers_pdfs_snapshots_and_history(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    numbers = _two_offers(repo)
    out = tmp_path / "lot.zip"
    rep = export_offers(repo, out)
    assert rep.offers == tuple(sorted(numbers)) and rep.drafts_skipped == 1
    result = import_offers(hq, out)
    assert result.imported == tuple(sorted(numbers))
    assert result.device == "LAP1"
    for n in numbers:
        assert hq.pdf(n) == repo.pdf(n)
        assert hq.snapshot(n) == repo.snapshot(n)
        here, there = repo.get(n), hq.get(n)
        assert replace(there, updated=None) == replace(here, updated=None)
        local_log = [(e.uid, e.action) for e in repo.audit(n)]
        assert [(e.uid, e.action) for e in hq.audit(n)][: len(local_log)] == local_log
        assert hq.audit(n)[-1].action == "import"
    assert hq.get(numbers[0]).state is S.ENVOYEE
    # numbers of the laptop do not touch head office's own sequence
    own = hq.finalise(hq.save_draft(draft()).id, fake_pdf)
    assert own.number == "OFF-2026-HQ-0001"


def test_the_order_form_of_a_converted_offer_travels_as_it_was_printed(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    """Head office received converted offers without the order form the member signed."""
    n = _two_offers(repo)[0]
    export_offers(repo, tmp_path / "1.zip")
    import_offers(hq, tmp_path / "1.zip")  # sent, before its acceptance
    repo.set_state(n, S.ACCEPTEE, "Collège du 12/03")
    signed = b"%PDF-1.4 bon de commande signe"
    repo.convert(n, "bon de commande du 01/04/2026, prise d'effet le 01/05/2026, durée initiale 1 an", signed, 3)
    export_offers(repo, tmp_path / "2.zip", refs=[n])
    with zipfile.ZipFile(tmp_path / "2.zip") as z:
        assert f"bons/{n}.pdf" in z.namelist()
    assert import_offers(hq, tmp_path / "2.zip").updated == (n,)
    assert hq.get(n).state is S.CONVERTIE and hq.order_form(n) == (signed, 3)
    assert import_offers(hq, tmp_path / "2.zip").identical == (n,)  # again: nothing new

    def not_a_pdf(files: dict[str, bytes]) -> None:
        files[f"bons/{n}.pdf"] = b"rien"
        resign_manifest(files)

    _rewrite(tmp_path / "2.zip", tmp_path / "3.zip", not_a_pdf)
    with pytest.raises(BundleError, match="bon de commande de l'offre"):
        import_offers(hq, tmp_path / "3.zip")


def test_an_order_form_made_at_head_office_and_another_on_the_laptop_is_a_conflict(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    """Head office printed the order form of an accepted offer it had received, the laptop
    printed its own: the import said « mise à jour », kept head office's and merged a second
    conversion into the history, without a word that the member signed another one."""
    n = _two_offers(repo)[0]
    repo.set_state(n, S.ACCEPTEE, "Collège du 12/03")
    export_offers(repo, tmp_path / "1.zip", refs=[n])
    import_offers(hq, tmp_path / "1.zip")
    ours = b"%PDF-1.4 bon de commande du siege"
    hq.convert(n, "bon de commande du 10/03/2026", ours, 3)
    history = hq.audit(n)
    repo.convert(n, "bon de commande du 01/04/2026", b"%PDF-1.4 bon de commande signe", 3)
    export_offers(repo, tmp_path / "2.zip", refs=[n])

    result = import_offers(hq, tmp_path / "2.zip")

    assert result.updated == () and [c.number for c in result.conflicts] == [n]
    assert "autre bon de commande" in result.conflicts[0].reason
    assert hq.order_form(n) == (ours, 3)
    assert hq.audit(n)[:-1] == history and hq.audit(n)[-1].description == (
        "Conflit à l'import, bon de commande d'ici conservé — celui du lot 2.zip de l'appareil "
        "LAP1 diffère"
    )
    import_offers(hq, tmp_path / "2.zip")  # the same bundle again: said once
    assert len(hq.audit(n)) == len(history) + 1
    export_offers(repo, tmp_path / "3.zip", refs=[n])
    assert import_offers(hq, tmp_path / "3.zip").identical == ()  # still not taken


def test_importing_twice_changes_nothing(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    _two_offers(repo)
    out = tmp_path / "lot.zip"
    export_offers(repo, out)
    import_offers(hq, out)
    before = hq.conn.execute("SELECT count(*), max(seq) FROM audit_log").fetchone()
    offers_before = hq.conn.execute("SELECT * FROM offers ORDER BY id").fetchall()
    again = import_offers(hq, out)
    assert again.imported == () and again.updated == () and again.conflicts == ()
    assert len(again.identical) == 2
    assert hq.conn.execute("SELECT count(*), max(seq) FROM audit_log").fetchone() == before
    assert hq.conn.execute("SELECT * FROM offers ORDER BY id").fetchall() == offers_before


def test_later_states_follow_and_history_is_merged(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    n = _two_offers(repo)[0]
    export_offers(repo, tmp_path / "1.zip")
    import_offers(hq, tmp_path / "1.zip")
    repo.set_state(n, S.ACCEPTEE, who="AD")
    export_offers(repo, tmp_path / "2.zip", refs=[n])
    result = import_offers(hq, tmp_path / "2.zip")
    assert result.updated == (n,)
    assert hq.get(n).state is S.ACCEPTEE
    assert [e.to_state for e in hq.audit(n) if e.action == "etat"] == [S.ENVOYEE, S.ACCEPTEE]
    # an older bundle does not move the state back, and is not a conflict
    old = import_offers(hq, tmp_path / "1.zip")
    assert old.conflicts == () and hq.get(n).state is S.ACCEPTEE


def test_a_different_offer_under_an_existing_number_is_a_conflict_never_overwritten(
    tmp_path: Path, hq: OfferRepository
) -> None:
    # two laptops wrongly configured with the same device code
    def laptop(name: str, product: str) -> OfferRepository:
        db = open_test_db(tmp_path / f"{name}.db")
        r = OfferRepository(
            db,
            settings=FakeSettings,
            pricer=FakePricer(),
            clock=Clock(datetime(2026, 3, 2, tzinfo=UTC)),
        )
        r.finalise(r.save_draft(draft((line(product, "906", "100", "1"),))).id, fake_pdf)
        return r

    a, b = laptop("a", "delib"), laptop("b", "aes")
    export_offers(a, tmp_path / "a.zip")
    export_offers(b, tmp_path / "b.zip")
    assert import_offers(hq, tmp_path / "a.zip").imported == ("OFF-2026-LAP1-0001",)
    kept = hq.pdf("OFF-2026-LAP1-0001")
    result = import_offers(hq, tmp_path / "b.zip")
    assert result.imported == ()
    assert [c.number for c in result.conflicts] == ["OFF-2026-LAP1-0001"]
    assert "autre offre" in result.conflicts[0].reason
    assert hq.pdf("OFF-2026-LAP1-0001") == kept
    assert hq.get("OFF-2026-LAP1-0001").quote.lines[0].product == "delib"  # type: ignore[union-attr]


def test_diverging_states_are_a_conflict(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    n = _two_offers(repo)[0]
    export_offers(repo, tmp_path / "1.zip")
    import_offers(hq, tmp_path / "1.zip")
    hq.set_state(n, S.REFUSEE, "budget")
    repo.set_state(n, S.ACCEPTEE)
    export_offers(repo, tmp_path / "2.zip", refs=[n])
    result = import_offers(hq, tmp_path / "2.zip")
    assert [c.number for c in result.conflicts] == [n]
    assert "état divergent" in result.conflicts[0].reason
    assert hq.get(n).state is S.REFUSEE
    # the laptop's acceptance is not merged into the history as if it had happened here
    history = hq.audit(n)
    assert not any(e.to_state is S.ACCEPTEE for e in history)
    assert history[-1].description == (
        "Conflit à l'import, état d'ici conservé — « Acceptée » dans le lot 2.zip de l'appareil "
        "LAP1 ; « Refusée » conservé"
    )
    import_offers(hq, tmp_path / "2.zip")  # the same bundle again: said once
    assert hq.audit(n) == history


def _rewrite(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    change(files)
    with zipfile.ZipFile(dst, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda f: f.update({"offres/OFF-2026-LAP1-0001.pdf": b"%PDF autre"}), "empreinte"),
        (lambda f: f.pop("offres/OFF-2026-LAP1-0002.pdf"), "manquant"),
        (lambda f: f.update({"intrus.txt": b"x"}), "ne cite pas"),
        (lambda f: f.update({"manifest.json": b"{pas du json"}), "JSON illisible"),
        (lambda f: f.update({"manifest.json": b"[" * 100_000}), "imbriqués trop profondément"),
        (
            lambda f: (
                f.update({"offres/OFF-2026-LAP1-0001.json": b"[" * 50_000 + b"]" * 50_000}),
                resign_manifest(f),
            ),
            "OFF-2026-LAP1-0001.json : JSON illisible",
        ),
        (lambda f: f.pop("manifest.json"), "pas de manifeste"),
        (
            lambda f: f.update(
                {
                    "manifest.json": json.dumps(
                        {**json.loads(f["manifest.json"]), "app": "autre"}
                    ).encode()
                }
            ),
            "manifeste étranger",
        ),
        (
            lambda f: f.update(
                {
                    "manifest.json": json.dumps(
                        {**json.loads(f["manifest.json"]), "format": 99}
                    ).encode()
                }
            ),
            "format 99",
        ),
    ],
)
def test_corrupt_or_foreign_bundles_are_refused_and_nothing_is_written(
    repo: OfferRepository,
    hq: OfferRepository,
    tmp_path: Path,
    damage,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)
    bad = tmp_path / "abime.zip"
    _rewrite(good, bad, damage)
    with pytest.raises(BundleError, match=message):
        import_offers(hq, bad)
    assert hq.conn.execute("SELECT count(*) FROM offers").fetchone() == (0,)
    assert hq.conn.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)


def test_a_tampered_offer_with_consistent_checksums_is_still_refused(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    """Someone edits an amount and fixes the manifest checksums: the fingerprint catches it."""
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)

    def edit(files: dict[str, bytes]) -> None:
        name = "offres/OFF-2026-LAP1-0001.json"
        files[name] = files[name].replace(b'"one_time":"4530"', b'"one_time":"1"')
        resign_manifest(files)

    bad = tmp_path / "retouche.zip"
    _rewrite(good, bad, edit)
    with pytest.raises(BundleError, match="contenu ne correspond pas"):
        import_offers(hq, bad)


@pytest.mark.parametrize("depth", [600, 900])
def test_an_offer_nesting_lists_hundreds_deep_is_refused_in_french(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path, depth: int
) -> None:
    """Read, but too deep to be frozen again: it stopped the import with « Erreur inattendue »."""
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)

    def nest(files: dict[str, bytes]) -> None:
        name = "offres/OFF-2026-LAP1-0001.json"
        deep = b"[" * depth + b"]" * depth
        files[name] = files[name].replace(b'"snapshot":{', b'"snapshot":{"ajout":' + deep + b",", 1)
        resign_manifest(files)

    bad = tmp_path / "imbrique.zip"
    _rewrite(good, bad, nest)
    with pytest.raises(BundleError) as info:
        import_offers(hq, bad)
    assert str(info.value).startswith(
        "imbrique.zip:offres/OFF-2026-LAP1-0001.json : JSON illisible (listes ou objets imbriqués "
        "trop profondément)"
    )
    assert hq.conn.execute("SELECT count(*) FROM offers").fetchone() == (0,)


def test_truncated_and_non_zip_files_are_refused(
    hq: OfferRepository, tmp_path: Path, repo: OfferRepository
) -> None:
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)
    cut = tmp_path / "tronque.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BundleError, match="lot Comptoir"):
        import_offers(hq, cut)
    text = tmp_path / "notes.zip"
    text.write_text("bonjour")
    with pytest.raises(BundleError, match="n'est pas un lot Comptoir"):
        import_offers(hq, text)
    with pytest.raises(InvalidInput, match="introuvable"):
        import_offers(hq, tmp_path / "absent.zip")
    backup = tmp_path / "comptoir-20260310.sqlite3"
    shutil.copyfile(hq.db.path, backup)
    with pytest.raises(BundleError, match=r"une sauvegarde sans doute\. Une sauvegarde se remet par"):
        import_offers(hq, backup)


@pytest.mark.parametrize(
    ("offset", "value"),
    [((6, 8), b"\x01\x00"), ((8, 10), b"\x09\x00")],
    ids=["password", "deflate64"],
)
def test_a_bundle_zipped_again_with_a_password_or_deflate64_is_refused(
    repo: OfferRepository,
    hq: OfferRepository,
    tmp_path: Path,
    offset: tuple[int, int],
    value: bytes,
) -> None:
    """7-Zip with a password, or Windows' compressed folder (Deflate64): « Erreur inattendue »."""
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)
    raw = bytearray(good.read_bytes())
    for signature, at in zip((b"PK\x03\x04", b"PK\x01\x02"), offset, strict=True):
        start = raw.find(signature)
        while start >= 0:  # the flags (password) or the method of every file, both headers
            raw[start + at : start + at + 2] = value
            start = raw.find(signature, start + 4)
    again = tmp_path / "recompresse.zip"
    again.write_bytes(bytes(raw))
    with pytest.raises(BundleError, match="a été recompressé après l'export"):
        import_offers(hq, again)
    assert hq.conn.execute("SELECT count(*) FROM offers").fetchone() == (0,)


def _peak_bytes(action) -> int:  # type: ignore[no-untyped-def]
    import tracemalloc

    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_is_refused_before_it_is_inflated(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    """An offer padded with 60 MB of spaces weighs 60 kB in the zip, and still reads as the
    offer: it was inflated in memory and imported, and a few such files took gigabytes."""
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)

    def pad(files: dict[str, bytes]) -> None:
        files["offres/OFF-2026-LAP1-0001.json"] += b" " * 60_000_000
        resign_manifest(files)

    bomb = tmp_path / "bombe.zip"
    with zipfile.ZipFile(good) as z:
        files = {n: z.read(n) for n in z.namelist()}
    pad(files)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)
    del files
    assert bomb.stat().st_size < 1_000_000

    def refused() -> None:
        with pytest.raises(BundleError, match=r"0001\.json est anormalement volumineux"):
            import_offers(hq, bomb)

    assert _peak_bytes(refused) < 10_000_000
    assert hq.conn.execute("SELECT count(*) FROM offers").fetchone() == (0,)


def test_a_zip_bomb_in_many_small_files_is_refused_before_it_is_inflated(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    """Each under the size below which any ratio goes, listed in the manifest: a hundred files
    of a megabyte of zeros (100 kB in the zip) were all inflated in memory, and imported."""
    _two_offers(repo)
    good = tmp_path / "lot.zip"
    export_offers(repo, good)
    zeros = bytes(1024 * 1024)
    bomb = tmp_path / "bombe.zip"
    with zipfile.ZipFile(good) as z:
        files = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)
        for i in range(100):
            z.writestr(f"offres/vide-{i}.pdf", zeros)
            manifest["files"].append(
                {"path": f"offres/vide-{i}.pdf", "size": len(zeros), "sha256": sha256_hex(zeros)}
            )
        z.writestr("manifest.json", json.dumps(manifest))
    assert bomb.stat().st_size < 1_000_000

    def refused() -> None:
        with pytest.raises(BundleError, match=r"« bombe\.zip » est anormalement volumineux"):
            import_offers(hq, bomb)

    assert _peak_bytes(refused) < 10_000_000
    assert hq.conn.execute("SELECT count(*) FROM offers").fetchone() == (0,)


def test_a_large_file_that_is_no_zip_is_not_read_whole(hq: OfferRepository, tmp_path: Path) -> None:
    """A disk image or a video picked instead of the bundle was read whole into memory."""
    big = tmp_path / "film.zip"
    with big.open("wb") as f:
        f.truncate(200_000_000)

    def refused() -> None:
        with pytest.raises(BundleError, match="n'est pas un lot Comptoir"):
            import_offers(hq, big)

    assert _peak_bytes(refused) < 10_000_000


def test_a_catalogue_bundle_is_not_an_offers_bundle(
    db: Database, hq: OfferRepository, tmp_path: Path
) -> None:
    out = tmp_path / "catalogue.zip"
    _seed_catalogue(db)
    export_catalogue(db, out)
    with pytest.raises(BundleError, match="lot de catalogue"):
        import_offers(hq, out)


def test_export_since_a_date_and_bad_output_paths(
    repo: OfferRepository, clock: Clock, tmp_path: Path
) -> None:
    _two_offers(repo)
    clock.now = datetime(2026, 4, 1, tzinfo=UTC)
    n3 = repo.finalise(repo.save_draft(draft()).id, fake_pdf).number
    rep = export_offers(repo, tmp_path / "recent.zip", since=date(2026, 3, 15))
    assert rep.offers == (n3,)
    with pytest.raises(InvalidInput, match="n'existe pas"):
        export_offers(repo, tmp_path / "nulle" / "part.zip")
    with pytest.raises(InvalidInput, match="est un dossier"):
        export_offers(repo, tmp_path)
    a_file = tmp_path / "fichier.txt"  # a "folder" that cannot hold the temporary file
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(StorageError, match="Impossible d'écrire le lot"):
        export_offers(repo, a_file / "lot.zip")


def test_an_offer_named_twice_is_exported_once(repo: OfferRepository, tmp_path: Path) -> None:
    """It was written twice into the zip and counted « 2 offre(s) exportée(s) »."""
    n = _two_offers(repo)[0]
    out = tmp_path / "lot.zip"
    rep = export_offers(repo, out, refs=[n, n.lower(), repo.get(n).id])
    assert rep.offers == (n,)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    assert len(names) == len(set(names))


def test_export_is_written_atomically_on_failure(
    repo: OfferRepository, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _two_offers(repo)
    import os

    def full(*_a, **_k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "lot.zip"
    with pytest.raises(StorageError, match="disque est plein"):
        export_offers(repo, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".comptoir-")] == []


def test_an_export_of_every_offer_holds_one_offer_at_a_time_in_memory(
    repo: OfferRepository, hq: OfferRepository, tmp_path: Path
) -> None:
    """The whole bundle was built in memory, then copied once more to be written: a year of
    offers (190 MB of PDFs) took half a gigabyte, and more every year."""
    import random
    import tracemalloc

    filler = random.Random(1).randbytes(400_000)  # incompressible, as a real PDF's fonts

    def pdf(offer):  # type: ignore[no-untyped-def]
        return b"%PDF-1.4\n" + offer.id.encode() + filler

    numbers = [repo.finalise(repo.save_draft(draft()).id, pdf).number for _ in range(30)]
    out = tmp_path / "lot.zip"
    tracemalloc.start()
    try:
        export_offers(repo, out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * len(filler) / 3  # a few offers' worth, not the 12 MB of their PDFs
    assert import_offers(hq, out).imported == tuple(sorted(numbers))
    assert hq.pdf(numbers[0] or "") == repo.pdf(numbers[0] or "")


# --- catalogue bundles ---------------------------------------------------------------------


def _seed_catalogue(db: Database, *, annual: str = "2112", user_member: bool = False) -> None:
    """A tiny catalogue and directory written straight into the store engineer's tables."""
    c = db.conn
    with db.transaction():
        c.execute("DELETE FROM tariff")
        c.execute("DELETE FROM member_postcode")
        c.execute("DELETE FROM installed_product")
        c.execute("DELETE FROM zone_commune")
        c.execute("UPDATE member SET commune_id = NULL")
        c.execute("DELETE FROM member WHERE user_created = 0")
        c.execute(
            "INSERT INTO tariff VALUES ('imio-2024', 'iMio', 'Tarif 2024', 2024, '2024-01-01', "
            "'fr_BE', 'EUR', 'HTVA', 'seed', '2026-01-01')"
        )
        c.execute("INSERT INTO tariff_category VALUES ('imio-2024', 1, 'Cat 1')")
        c.execute(
            "INSERT INTO price_table VALUES ('imio-2024', 'T1', 1, 'Délib', 'category', "
            "'[\"annual\"]', '000:L1')"
        )
        c.execute("INSERT INTO price_row VALUES ('imio-2024', 'T1', 'Cat 1', 1, '')")
        c.execute(
            "INSERT INTO price_cell VALUES ('imio-2024', 'T1', 'Cat 1', 'annual', 'priced', ?)",
            (annual,),
        )
        c.execute(
            "INSERT INTO product (tariff, code, position, name, family) "
            "VALUES ('imio-2024', 'delib', 1, 'iA.Délib', 'gouvernance')"
        )
        for mid, name, nis in (
            ("commune:25072", "Nivelles", "25072"),
            ("commune:25031", "Genappe", "25031"),
        ):
            c.execute(
                "INSERT INTO member (id, kind, name, nis, ref_size, created, updated) "
                "VALUES (?, 'commune', ?, ?, 28000, '2026-01-01', '2026-01-01')",
                (mid, name, nis),
            )
            c.execute("INSERT INTO member_postcode VALUES (?, 1, '1400')", (mid,))
        c.execute(
            "INSERT INTO installed_product VALUES ('commune:25072', 'delib', 'production', NULL)"
        )
        if user_member:
            c.execute(
                "INSERT INTO member (id, kind, name, commune_id, user_created, created, updated) "
                "VALUES ('u:salon', 'autre', 'ASBL du salon', 'commune:25072', 1, '2026-03-01', '2026-03-01')"
            )
            c.execute("INSERT INTO member_postcode VALUES ('u:salon', 1, '1401')")


def _dump(db: Database, table: str) -> list[tuple]:  # type: ignore[type-arg]
    return db.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _ok(_db: Database) -> None:
    return None


def test_catalogue_round_trip_replaces_the_directory_and_keeps_offers_and_own_members(
    db: Database, repo: OfferRepository, tmp_path: Path
) -> None:
    hq = open_test_db(tmp_path / "siege.db")
    _seed_catalogue(hq, annual="2200")
    out = tmp_path / "catalogue.zip"
    rep = export_catalogue(hq, out, device="HQ")
    assert rep.tables["member"] == 2 and rep.tables["price_cell"] == 1
    _seed_catalogue(db, annual="2112", user_member=True)
    f = repo.finalise(repo.save_draft(draft()).id, fake_pdf)
    offers_before = db.conn.execute("SELECT * FROM offers").fetchall()
    result = import_catalogue(db, out, validate=_ok)
    assert _dump(db, "price_cell") == _dump(hq, "price_cell")
    assert db.conn.execute("SELECT amount FROM price_cell").fetchone() == ("2200",)
    assert result.kept_local_members == 1
    assert db.conn.execute("SELECT name FROM member WHERE id = 'u:salon'").fetchone() == (
        "ASBL du salon",
    )
    assert db.conn.execute(
        "SELECT postcode FROM member_postcode WHERE member_id = 'u:salon'"
    ).fetchone() == ("1401",)
    assert db.conn.execute("SELECT * FROM offers").fetchall() == offers_before
    assert repo.pdf(f.number or "") == fake_pdf(f)
    assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    hq.close()


def _head_office_with_a_body(tmp_path: Path) -> Database:
    """Head office's database: the tiny catalogue, and « ASBL du Salon » (u:siege), a body it
    created."""
    hq = open_test_db(tmp_path / "siege.db")
    _seed_catalogue(hq)
    with hq.transaction():
        hq.conn.execute(
            "INSERT INTO member (id, kind, name, user_created, created, updated) "
            "VALUES ('u:siege', 'autre', 'ASBL du Salon', 1, '2026-04-01', '2026-04-01')"
        )
    return hq


def test_a_member_created_here_under_a_name_head_office_s_directory_has_is_said(
    db: Database, tmp_path: Path
) -> None:
    """Head office added the body a laptop had created too: both are kept, with their offers,
    and the report says which names the search now shows twice."""
    hq = _head_office_with_a_body(tmp_path)
    out = tmp_path / "catalogue.zip"
    export_catalogue(hq, out, device="HQ")
    hq.close()
    _seed_catalogue(db, user_member=True)
    result = import_catalogue(db, out, validate=_ok)
    assert result.kept_local_members == 1
    assert result.same_names == ("ASBL du salon",)
    said = [line for line in result.lines() if "ASBL du salon" in line]
    assert len(said) == 1 and "annuaire du siège" in said[0]
    ids = {r[0]: r[1] for r in db.conn.execute("SELECT id, user_created FROM member WHERE id LIKE 'u:%'")}
    assert ids == {"u:salon": 1, "u:siege": 0}  # head office's body is part of its directory


def test_a_body_head_office_created_is_its_directory_s_on_the_laptop(db: Database, tmp_path: Path) -> None:
    """A body head office created reached laptops as created by hand there: « Supprimer… »
    said « définitive » while the next import brought it back, and once head office removed
    it, laptops kept it for good as one of their own. It is now head office's, like the
    communes: kept or removed with its directory, not deleted on a laptop."""
    from desktop.store.members_repo import MemberRepository

    hq = _head_office_with_a_body(tmp_path)
    first = tmp_path / "catalogue-1.zip"
    export_catalogue(hq, first, device="HQ")
    _seed_catalogue(db)
    import_catalogue(db, first, validate=_ok)
    members = MemberRepository(db)
    assert not members.get("u:siege").user_created
    with pytest.raises(InvalidInput, match="annuaire de référence"):
        members.delete("u:siege")
    with hq.transaction():  # head office removes it from its directory
        hq.conn.execute("DELETE FROM member WHERE id = 'u:siege'")
    second = tmp_path / "catalogue-2.zip"
    export_catalogue(hq, second, device="HQ")
    hq.close()
    import_catalogue(db, second, validate=_ok)
    assert MemberRepository(db).lookup("u:siege") is None


def test_catalogue_import_is_all_or_nothing(db: Database, tmp_path: Path) -> None:
    hq = open_test_db(tmp_path / "siege.db")
    _seed_catalogue(hq, annual="2200")
    out = tmp_path / "catalogue.zip"
    export_catalogue(hq, out)
    hq.close()
    _seed_catalogue(db, annual="2112")
    before = {t: _dump(db, t) for t in ("tariff", "price_cell", "member", "installed_product")}

    def reject(_db: Database) -> None:
        from desktop.core.errors import CatalogueError

        # by now the new rows are in: the failure must roll all of them back
        assert _db.conn.execute("SELECT amount FROM price_cell").fetchone() == ("2200",)
        raise CatalogueError("T1 : colonne « annual » absente", "products.csv:4")

    with pytest.raises(BundleError, match=r"n'est pas valide : products\.csv:4"):
        import_catalogue(db, out, validate=reject)
    assert {t: _dump(db, t) for t in before} == before


def test_catalogue_with_dangling_references_is_refused(db: Database, tmp_path: Path) -> None:
    hq = open_test_db(tmp_path / "siege.db")
    _seed_catalogue(hq)
    out = tmp_path / "catalogue.zip"
    export_catalogue(hq, out)
    hq.close()

    def drop_members(files: dict[str, bytes]) -> None:
        doc = json.loads(files["tables/installed_product.json"])
        doc["rows"].append(["commune:99999", "delib", "production", None])
        files["tables/installed_product.json"] = json.dumps(doc).encode()
        resign_manifest(files)

    bad = tmp_path / "bad.zip"
    _rewrite(out, bad, drop_members)
    _seed_catalogue(db)
    before = _dump(db, "installed_product")
    with pytest.raises(BundleError, match="références incohérentes"):
        import_catalogue(db, bad, validate=_ok)
    assert _dump(db, "installed_product") == before


def _catalogue_as_made_by(db: Database, tmp_path: Path, **manifest_changes: object) -> Path:
    """Head office's catalogue, its manifest as another version of Comptoir writes it
    (a key given None is left out, as versions before it did)."""
    hq = open_test_db(tmp_path / "siege.db")
    _seed_catalogue(hq)
    out = tmp_path / "catalogue.zip"
    export_catalogue(hq, out)
    hq.close()

    def other(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        for key, value in manifest_changes.items():
            if value is None:
                manifest.pop(key, None)
            else:
                manifest[key] = value
        files["manifest.json"] = json.dumps(manifest).encode()

    made = tmp_path / "autre-version.zip"
    _rewrite(out, made, other)
    return made


@pytest.mark.parametrize(
    "manifest",
    [
        {"schema_version": 9999, "catalogue_schema": max(READABLE_CATALOGUES) + 1},
        {"schema_version": 9999, "catalogue_schema": None},
    ],
)
def test_catalogue_of_a_newer_catalogue_schema_is_refused(db: Database, tmp_path: Path, manifest) -> None:
    bad = _catalogue_as_made_by(db, tmp_path, **manifest)
    with pytest.raises(BundleError, match="mettez Comptoir à jour"):
        import_catalogue(db, bad, validate=_ok)


def test_catalogue_of_an_older_catalogue_schema_is_refused(db: Database, tmp_path: Path) -> None:
    bad = _catalogue_as_made_by(db, tmp_path, schema_version=11, catalogue_schema=None)
    with pytest.raises(BundleError, match="le siège doit ré-exporter"):
        import_catalogue(db, bad, validate=_ok)


@pytest.mark.parametrize("their_schema", [CATALOGUE_SCHEMA, 22])
def test_catalogue_of_a_version_whose_changes_left_the_catalogue_alone_is_imported(
    db: Database, tmp_path: Path, their_schema: int
) -> None:
    """Head office a version behind (its offers table without the list's index, say): the
    catalogue tables are the same, the laptop takes it. Before, any migration refused it."""
    older = _catalogue_as_made_by(db, tmp_path, schema_version=their_schema, catalogue_schema=None)
    import_catalogue(db, older, validate=_ok)
    assert db.conn.execute("SELECT count(*) FROM member").fetchone()[0] > 0


def _dated_catalogues(tmp_path: Path, *created: str) -> list[Path]:
    """One export of head office's catalogue, as if made at each of ``created``."""
    hq = open_test_db(tmp_path / "siege.db")
    _seed_catalogue(hq)
    out = tmp_path / "catalogue.zip"
    export_catalogue(hq, out)
    hq.close()
    made = []
    for i, when in enumerate(created):

        def dated(files: dict[str, bytes], when: str = when) -> None:
            manifest = json.loads(files["manifest.json"])
            manifest["created"] = when
            files["manifest.json"] = json.dumps(manifest).encode()

        made.append(tmp_path / f"catalogue-{i}.zip")
        _rewrite(out, made[-1], dated)
    return made


def test_a_catalogue_older_than_the_one_imported_is_refused(db: Database, tmp_path: Path) -> None:
    """Last year's bundle left on a key, imported after this year's: it would put last year's
    grid back in force without a word. The same bundle again, or a newer one, imports."""
    older, newer, newest = _dated_catalogues(
        tmp_path, "2026-11-20T08:00:00+00:00", "2026-11-22T08:00:00+00:00", "2026-12-01T08:00:00+00:00"
    )
    import_catalogue(db, newer, validate=_ok)
    import_catalogue(db, newer, validate=_ok)
    before = {t: _dump(db, t) for t in ("tariff", "price_cell", "member", "setting")}
    with pytest.raises(BundleError) as info:
        import_catalogue(db, older, validate=_ok)
    message = str(info.value)
    assert message.startswith("« catalogue-0.zip » a été exporté par le siège le 20/11/2026 à ")
    assert "avant le catalogue déjà importé ici (exporté le 22/11/2026 à " in message
    assert message.endswith("Rien n'a été modifié ; importez le dernier lot du siège.")
    assert {t: _dump(db, t) for t in before} == before
    import_catalogue(db, newest, validate=_ok)
    with pytest.raises(BundleError, match="exporté le 01/12/2026"):
        import_catalogue(db, newer, validate=_ok)


@pytest.mark.parametrize("created", ["hier", "2026-11-22T08:00:00"])
def test_a_catalogue_with_an_unreadable_export_date_is_refused(
    db: Database, tmp_path: Path, created: str
) -> None:
    (bad,) = _dated_catalogues(tmp_path, created)
    with pytest.raises(BundleError, match=f"date d'export « {created} » illisible"):
        import_catalogue(db, bad, validate=_ok)


def test_a_catalogue_without_an_export_date_is_imported(db: Database, tmp_path: Path) -> None:
    undated = _catalogue_as_made_by(db, tmp_path, created=None)
    import_catalogue(db, undated, validate=_ok)
    assert db.conn.execute("SELECT count(*) FROM member").fetchone()[0] > 0


def test_migrations_after_the_catalogue_schema_leave_the_catalogue_tables_alone() -> None:
    """CATALOGUE_SCHEMA says which versions read each other's catalogues: a migration that
    changes a table the bundle carries must move it."""
    import re

    from desktop.store import database

    folder = Path(database.__file__).with_name("migrations")
    for sql in sorted(folder.glob("*.sql")):
        if int(sql.name[:4]) <= CATALOGUE_SCHEMA:
            continue
        text = re.sub(r"--[^\n]*", "", sql.read_text(encoding="utf-8"))
        # every table a statement names: « CREATE TABLE t », « ALTER TABLE t », « INSERT INTO t »,
        # « UPDATE t », « DELETE FROM t », « CREATE INDEX i ON t », « … BEFORE UPDATE ON t »
        named = re.findall(r'(?i)\b(?:TABLE|INTO|UPDATE|FROM|ON)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"?(\w+)', text)
        touched = {name for name in named if name.upper() not in {"ON", "SET", "DELETE", "UPDATE", "CONFLICT"}}
        assert touched, sql.name  # the pattern still reads the migrations
        assert touched <= LOCAL_TABLES, (sql.name, touched - LOCAL_TABLES)


def test_an_offers_bundle_is_not_a_catalogue(
    repo: OfferRepository, db: Database, tmp_path: Path
) -> None:
    _two_offers(repo)
    export_offers(repo, tmp_path / "lot.zip")
    with pytest.raises(BundleError, match="lot d'offres"):
        import_catalogue(db, tmp_path / "lot.zip", validate=_ok)
