from wa_assist.cli import main

raise SystemExit(main())
