"""Hostile and broken REFI-QDA files: each is refused with a clear error and nothing imported."""

from __future__ import annotations

import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from qualcode.errors import ExchangeError, QualcodeError
from qualcode.exchange.refi import read_qdc, read_qdpx, write_qdpx
from tests._refidata import sample, zip_fixture

NS = 'xmlns="urn:QDA-XML:project:1.0"'
GOOD_QDE = f'<?xml version="1.0"?><Project {NS} name="x"/>'


def _qdpx(tmp_path: Path, entries: dict[str, bytes | str], name: str = "p.qdpx") -> Path:
    out = tmp_path / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries.items():
            info = zipfile.ZipInfo(entry)  # kept as given, "../" and all
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out


def _only(tmp_path: Path, path: Path) -> None:
    """Nothing was unpacked or written beside the archive."""
    assert sorted(tmp_path.iterdir()) == [path]


BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project {NS} name="&lol9;"/>"""

EXTERNAL_ENTITY = f"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project {NS} name="x"><Description>&secret;</Description></Project>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "xxe"])
def test_read_qdpx_refuses_xml_entities(tmp_path: Path, xml: str) -> None:
    path = _qdpx(tmp_path, {"project.qde": xml})
    with pytest.raises(ExchangeError, match=r"p\.qdpx: project\.qde declares XML entities"):
        read_qdpx(path)
    _only(tmp_path, path)


def test_read_qdc_refuses_an_external_entity(tmp_path: Path) -> None:
    path = tmp_path / "c.qdc"
    path.write_text(EXTERNAL_ENTITY.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"c\.qdc: c\.qdc declares XML entities"):
        read_qdc(path)


@pytest.mark.parametrize("entry", ["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt"])
def test_read_qdpx_refuses_entries_that_escape(tmp_path: Path, entry: str) -> None:
    path = _qdpx(tmp_path, {"project.qde": GOOD_QDE, entry: "x"})
    with pytest.raises(ExchangeError, match=r"has a path that escapes the archive"):
        read_qdpx(path)
    _only(tmp_path, path)


def test_read_qdpx_refuses_a_source_path_that_escapes(tmp_path: Path) -> None:
    qde = (
        f'<Project {NS} name="x"><Sources><TextSource guid="{"1" * 8}-1111-1111-1111-{"1" * 12}" '
        'name="s" plainTextPath="relative://../../etc/passwd"/></Sources></Project>'
    )
    path = _qdpx(tmp_path, {"project.qde": qde})
    with pytest.raises(ExchangeError, match=r"'relative://\.\./\.\./etc/passwd'.*escapes"):
        read_qdpx(path)


def test_read_qdpx_refuses_archives_beyond_the_size_limit(tmp_path: Path) -> None:
    big = GOOD_QDE.replace("/>", f"><!-- {' ' * 2_000_000} --></Project>")
    path = _qdpx(tmp_path, {"project.qde": big})
    assert path.stat().st_size < 50_000  # compresses to almost nothing: a small bomb
    with pytest.raises(ExchangeError, match=r"declares 2,000,\d+ unpacked bytes, more than"):
        read_qdpx(path, max_bytes=1_000_000)
    assert read_qdpx(path).name == "x"  # under the default limit it is an ordinary file


def test_read_qdpx_refuses_a_zip_bomb_that_lies_about_its_size(tmp_path: Path) -> None:
    big = GOOD_QDE.replace("/>", f"><!-- {' ' * 5_000_000} --></Project>")
    path = _qdpx(tmp_path, {"project.qde": big})
    data = bytearray(path.read_bytes())
    # declare 1,000 unpacked bytes in the local header and in the central directory
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 1000)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    path.write_bytes(bytes(data))
    with pytest.raises(
        ExchangeError, match=r"project\.qde is corrupt, truncated or not the size its header"
    ):
        read_qdpx(path, max_bytes=10_000)
    _only(tmp_path, path)


def test_read_qdpx_refuses_a_truncated_zip(tmp_path: Path) -> None:
    turns, codings, codebook = sample()
    good = write_qdpx(tmp_path / "g.qdpx", turns=turns, codings=codings, codebook=codebook)
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ExchangeError, match=r"cut\.qdpx: not a zip archive or truncated"):
        read_qdpx(cut)


def test_read_qdpx_refuses_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.qdpx"
    path.write_text("P: hello\nN1: hi\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"expected a \.qdpx file \(a zip archive\)"):
        read_qdpx(path)
    with pytest.raises(ExchangeError, match=r"missing\.qdpx: file not found"):
        read_qdpx(tmp_path / "missing.qdpx")


def test_read_qdpx_refuses_an_archive_without_project_qde(tmp_path: Path) -> None:
    path = _qdpx(tmp_path, {"sources/a.txt": "P: hi", "sources/b.txt": "P: ho"})
    with pytest.raises(ExchangeError, match=r"no project\.qde in the archive \(it holds sources/a"):
        read_qdpx(path)


@pytest.mark.parametrize(
    ("qde", "message"),
    [
        (
            f"<Project {NS} name='x'><Users></Project>",
            r"p\.qdpx line 1: project\.qde is not well-formed XML",
        ),
        (f"<CodeBook {NS}/>", r"the root element is <CodeBook>; expected <Project>"),
        (
            f'<Project {NS} name="x"><Sources><TextSource guid="a" name="s" '
            'plainTextPath="internal://a.txt"><PlainTextSelection guid="b" startPosition="ten" '
            'endPosition="20"/></TextSource></Sources></Project>',
            r"has startPosition='ten'; expected a whole number",
        ),
        (
            f'<Project {NS} name="x"><Sources><TextSource guid="a" name="s" '
            'plainTextPath="internal://gone.txt"/></Sources></Project>',
            r"source 's' refers to 'internal://gone\.txt', which is not in the archive",
        ),
    ],
    ids=["malformed", "not-a-project", "bad-position", "missing-source"],
)
def test_read_qdpx_refuses_malformed_projects(tmp_path: Path, qde: str, message: str) -> None:
    path = _qdpx(tmp_path, {"project.qde": qde})
    with pytest.raises(ExchangeError, match=message):
        read_qdpx(path)


def test_exchange_error_is_a_located_qualcode_error(tmp_path: Path) -> None:
    path = _qdpx(tmp_path, {"project.qde": BILLION_LAUGHS})
    with pytest.raises(QualcodeError) as info:
        read_qdpx(path)
    assert isinstance(info.value, ValueError)
    assert getattr(info.value, "path", None) == path


def test_read_qdpx_reads_a_fixture_after_the_checks(tmp_path: Path) -> None:
    path = zip_fixture("qualcoder", tmp_path / "qc.qdpx")
    assert read_qdpx(path).name == "crm study"


# --- a 2 MB file that unpacks to 2 GiB, and sources outside the archive ------------------------

GIB2 = 2 * 1024**3


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .qdpx whose one source is 2 GiB of zeros, streamed into the zip a MiB at a time
    (deflate makes it about 2 MB)."""
    out = tmp_path_factory.mktemp("bomb") / "bomb.qdpx"
    qde = (
        f'<?xml version="1.0"?><Project {NS} name="x"><Sources>'
        '<TextSource guid="11111111-1111-4111-8111-111111111111" name="big" '
        'plainTextPath="internal://big.txt"/></Sources></Project>'
    )
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        info = zipfile.ZipInfo("sources/big.txt")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            for _ in range(GIB2 // len(chunk)):
                fh.write(chunk)
    assert out.stat().st_size < 4_000_000
    return out


#: read a .qdpx in a fresh process; print the error, then the process's own peak memory (VmHWM,
#: KiB: ru_maxrss survives fork+exec, so a child of a large pytest process would report its
#: parent's peak)
_READ_IN_CHILD = (
    "import sys\n"
    "from qualcode.errors import ExchangeError\n"
    "from qualcode.exchange.refi import read_qdpx\n"
    "try:\n"
    "    read_qdpx(sys.argv[1])\n"
    "except ExchangeError as err:\n"
    "    print(err)\n"
    "print(next(line.split()[1] for line in open('/proc/self/status')"
    " if line.startswith('VmHWM')))\n"
)


def _read_qdpx_in_a_child(path: Path) -> tuple[str, int]:
    """The error reading ``path`` gives in a fresh process, and that process's peak in KiB."""
    done = subprocess.run(
        [sys.executable, "-c", _READ_IN_CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    message, peak_kib = done.stdout.strip().splitlines()
    return message, int(peak_kib)


def test_read_qdpx_refuses_a_2_gib_source_with_bounded_memory(bomb: Path) -> None:
    # in a fresh process, to measure its peak memory
    message, peak_kib = _read_qdpx_in_a_child(bomb)
    assert message == (
        f"{bomb}: entry sources/big.txt unpacks to 2,147,483,648 bytes, more than the limit "
        "of 1,073,741,824 for one entry; refusing it (a zip bomb?)"
    )
    assert peak_kib < 400 * 1024  # the entry is never unpacked


def test_read_qdpx_refuses_a_2_gib_archive_beyond_the_total_limit(bomb: Path) -> None:
    with pytest.raises(ExchangeError, match=r"declares 2,147,483,\d+ unpacked bytes, more than"):
        read_qdpx(bomb, max_entry_bytes=4 * 1024**3, max_bytes=1024**3)


def _declare_small(bomb: Path, out: Path) -> Path:
    """``bomb`` with its source's central-directory entry (zip64) declaring 1,000 bytes."""
    data = bytearray(bomb.read_bytes())
    at = data.find(b"sources/big.txt", data.find(b"PK\x01\x02")) - 46
    assert data[at : at + 4] == b"PK\x01\x02"
    name_len, _ = struct.unpack_from("<HH", data, at + 28)
    extra = at + 46 + name_len
    assert struct.unpack_from("<H", data, extra)[0] == 1  # the zip64 extra field
    assert struct.unpack_from("<I", data, at + 24)[0] == 0xFFFFFFFF  # size lives in it
    struct.pack_into("<Q", data, extra + 4, 1000)
    out.write_bytes(bytes(data))
    return out


def test_read_qdpx_a_2_gib_source_that_lies_is_stopped_while_streaming(
    bomb: Path, tmp_path: Path
) -> None:
    liar = _declare_small(bomb, tmp_path / "liar.qdpx")
    message, peak_kib = _read_qdpx_in_a_child(liar)
    assert message.startswith(f"{liar}: entry sources/big.txt is corrupt, truncated or not the")
    assert peak_kib < 400 * 1024


def test_read_qdpx_counts_a_lying_source_a_chunk_at_a_time(tmp_path: Path) -> None:
    qde = (
        f'<?xml version="1.0"?><Project {NS} name="x"><Sources>'
        '<TextSource guid="11111111-1111-4111-8111-111111111111" name="big" '
        'plainTextPath="internal://big.txt"/></Sources></Project>'
    )
    path = _qdpx(tmp_path, {"project.qde": qde, "sources/big.txt": b"P: " + bytes(5_000_000)})
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04", data.find(b"sources/big.txt") - 40)
    struct.pack_into("<I", data, local + 22, 1000)
    central = data.find(b"sources/big.txt", data.find(b"PK\x01\x02")) - 46
    struct.pack_into("<I", data, central + 24, 1000)
    path.write_bytes(bytes(data))
    with pytest.raises(
        ExchangeError, match=r"entry sources/big\.txt is corrupt, truncated or not the size"
    ):
        read_qdpx(path)


def test_cli_import_bomb_leaves_no_project_and_an_existing_one_as_it_was(
    bomb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from qualcode.cli import main

    target = tmp_path / "new.qualcode"
    assert main(["import", "qdpx", str(bomb), "--project", str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"Error: {bomb}: entry sources/big.txt unpacks")
    assert list(tmp_path.iterdir()) == []
    import qualcode as qc

    turns, _, codebook = sample()

    existing = tmp_path / "old.qualcode"
    p = qc.Project.create(existing, codebook)
    p.add_turns(turns.assign(source="magnus_interviews.txt"))
    p.close()
    before = existing.read_bytes()
    assert main(["import", "qdpx", str(bomb), "--project", str(existing)]) == 1
    assert existing.read_bytes() == before
    assert len(qc.Project.open(existing).log()) == 2


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "absolute:///etc/passwd"])
def test_cli_import_refuses_a_source_outside_the_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    from qualcode.cli import main

    qde = (
        f'<?xml version="1.0"?><Project {NS} name="x"><Sources>'
        f'<TextSource guid="11111111-1111-4111-8111-111111111111" name="passwords" '
        f'plainTextPath="{ref}"/></Sources>'
        '<Cases><Case guid="21111111-1111-4111-8111-111111111111" name="Ana">'
        '<SourceRef targetGUID="11111111-1111-4111-8111-111111111111"/></Case></Cases>'
        "</Project>"
    )
    path = _qdpx(tmp_path, {"project.qde": qde})
    target = tmp_path / "p.qualcode"
    assert main(["import", "qdpx", str(path), "--project", str(target)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"Error: {path}: source 'passwords' is at '{ref}', outside the archive; refusing the "
        "file (only sources inside the .qdpx, or relative:// beside it, are read)\n"
    )
    _only(tmp_path, path)
