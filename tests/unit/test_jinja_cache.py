"""The compiled-template cache speeds renders up without ever changing what they produce."""

from __future__ import annotations

from jinja2 import Environment

from wa_assist.jinja_cache import _cache_file, compiled_template_cache


def render(source: str, **values: object) -> str:
    return Environment().from_string(source).render(**values)


def test_cached_compile_renders_the_same_and_persists():
    with compiled_template_cache():
        first = render("Hello {{ name | upper }}{% if n > 1 %}s{% endif %}", name="x", n=2)
    assert first == "Hello Xs"
    assert _cache_file().is_file()
    with compiled_template_cache():
        again = render("Hello {{ name | upper }}{% if n > 1 %}s{% endif %}", name="y", n=1)
    assert again == "Hello Y"


def test_a_changed_source_is_never_served_from_the_cache():
    with compiled_template_cache():
        assert render("{{ a }}-1", a="v") == "v-1"
    with compiled_template_cache():
        assert render("{{ a }}-2", a="v") == "v-2"


def test_compile_is_restored_after_the_block_even_on_error():
    original = Environment.compile
    try:
        with compiled_template_cache():
            assert Environment.compile is not original
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert Environment.compile is original


def test_a_corrupt_cache_file_is_ignored():
    with compiled_template_cache():
        render("{{ 1 + 1 }}")
    _cache_file().write_bytes(b"not marshal data")
    with compiled_template_cache():
        assert render("{{ 2 + 2 }}") == "4"


def test_warm_and_cold_renders_of_a_project_are_identical(tmp_path, monkeypatch):
    import filecmp

    from tests.helpers import ROOT
    from wa_assist.scaffold import new_project

    monkeypatch.setenv("WA_ASSIST_CACHE_DIR", str(tmp_path / "cold-cache"))
    profile = ROOT / "examples" / "orders-api.yaml"
    new_project(tmp_path / "cold", profile=profile)
    assert _cache_file().is_file()
    new_project(tmp_path / "warm", profile=profile)
    compared = filecmp.dircmp(tmp_path / "cold", tmp_path / "warm")

    def differences(cmp: filecmp.dircmp) -> list[str]:
        found = cmp.left_only + cmp.right_only + cmp.diff_files
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return found

    assert differences(compared) == []
    assert (tmp_path / "warm" / "template.yaml").read_text() == (tmp_path / "cold" / "template.yaml").read_text()
