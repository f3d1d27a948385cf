from wa_assist.cli import run

run()
