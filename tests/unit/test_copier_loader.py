"""Copier is imported without its prompt libraries, and falls back to a plain import when it must."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import json, sys
    {setup}
    from wa_assist.copier_loader import import_copier
    copier = import_copier()
    import copier._main as main, copier._user_data as user_data
    loaded = sorted(m for m in ("questionary", "prompt_toolkit") if m in sys.modules)
    choice = user_data.Choice("Label", 3)
    print(json.dumps({{
        "loaded_after_import": loaded,
        "run_copy": callable(copier.run_copy),
        "confirm_is_real": main.confirm.__module__.startswith("questionary.")
            and main.confirm.__qualname__ == "confirm" and "first use" not in (main.confirm.__doc__ or ""),
        "choice_type": type(choice).__module__ + "." + type(choice).__name__,
        "choice_value": choice.value,
        "loaded_after_choice": sorted(m for m in ("questionary", "prompt_toolkit") if m in sys.modules),
    }}))
    """
)


def probe(setup: str = "") -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_copier_imports_without_prompt_libraries_and_they_load_on_first_use():
    seen = probe()
    assert seen["loaded_after_import"] == []
    assert seen["run_copy"]
    assert not seen["confirm_is_real"]  # a stand-in that imports questionary when called
    # Copier builds Choice objects when it checks choice answers: the real class is used then.
    assert seen["choice_type"] == "questionary.prompts.common.Choice"
    assert seen["choice_value"] == 3
    assert seen["loaded_after_choice"] == ["prompt_toolkit", "questionary"]


def test_a_name_the_stand_ins_lack_falls_back_to_the_real_libraries():
    seen = probe('import wa_assist.copier_loader as loader; loader.DEFERRED["questionary"] = ("confirm",)')
    assert seen["loaded_after_import"] == ["prompt_toolkit", "questionary"]
    assert seen["confirm_is_real"]
    assert seen["choice_type"] == "questionary.prompts.common.Choice"


def test_already_loaded_prompt_libraries_are_used_as_they_are():
    seen = probe("import questionary")
    assert seen["confirm_is_real"]
    assert seen["loaded_after_import"] == ["prompt_toolkit", "questionary"]


def test_stand_ins_do_not_outlive_the_import():
    code = textwrap.dedent(
        """
        import sys
        from wa_assist.copier_loader import import_copier, DEFERRED
        import_copier()
        assert not any(m in sys.modules for m in DEFERRED), [m for m in DEFERRED if m in sys.modules]
        import questionary
        assert hasattr(questionary, "select") and questionary.__file__
        print("ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
