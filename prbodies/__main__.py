from prbodies.cli import main

raise SystemExit(main())
